"""The dataset's description and downloads over HTTP (trialgraph.web.dataset): the VoID at
/void and /.well-known/void as Turtle or JSON-LD, the ontology and shapes readable without a
token, each download the description names answering, and 406 for a format not offered."""

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, SH, VOID

from tests.conftest import bearer, make_app
from tests.test_app_queries import with_blueprints
from trialgraph.namespaces import TG, TGP
from trialgraph.ontology import protocol_graph
from trialgraph.shapes import shapes_graph

DCAT_DOWNLOAD = URIRef("http://www.w3.org/ns/dcat#downloadURL")
PATIENTS = tuple(f"ds-{n}" for n in range(5))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = with_blueprints(make_app(tmp_path_factory.mktemp("dataset") / "data", PATIENTS))
    yield app
    app.extensions["trialgraph"].close()


@pytest.fixture(scope="module")
def web(served):
    return served.test_client()


def rdf(response, fmt: str = "turtle") -> Graph:
    assert response.status_code == 200, response.data
    return Graph().parse(data=response.data, format=fmt)


def patients_in(graph: Graph) -> set[int]:
    return {
        graph.value(partition, VOID.entities).toPython()
        for partition in graph.objects(None, VOID.classPartition)
        if graph.value(partition, VOID["class"]) == TG.Patient
    }


def test_void_without_token_describes_endpoint_and_public_graphs_only(web):
    response = web.get("/void")
    assert response.mimetype == "text/turtle"
    graph = rdf(response)
    (dataset,) = graph.subjects(VOID.sparqlEndpoint, URIRef("http://localhost/sparql"))
    assert len(set(graph.objects(dataset, VOID.subset))) == 4
    assert patients_in(graph) == set() and graph.value(dataset, VOID.triples) is None


@pytest.mark.parametrize("role", ["aggregate", "investigator"])
def test_void_with_a_token_gives_the_number_of_patients(role, web, served):
    assert patients_in(rdf(web.get("/void", headers=bearer(served, role)))) == {len(PATIENTS)}


def test_void_as_json_ld_and_at_the_well_known_address(web):
    turtle = rdf(web.get("/void"))
    json_ld = web.get("/void", headers={"Accept": "application/ld+json"})
    assert json_ld.mimetype == "application/ld+json"
    assert isomorphic(rdf(json_ld, "json-ld"), turtle)
    assert isomorphic(rdf(web.get("/.well-known/void")), turtle)


@pytest.mark.parametrize(
    ("path", "source", "marker"),
    [
        ("/ontology", protocol_graph, (TGP.study, RDF.type, TG.ClinicalStudy)),
        (
            "/shapes",
            shapes_graph,
            (URIRef("https://w3id.org/trialgraph/shapes"), RDF.type, OWL.Ontology),
        ),
    ],
)
def test_downloads_are_turtle_without_a_token(path, source, marker, web):
    response = web.get(path)
    assert response.mimetype == "text/turtle"
    graph = rdf(response)
    assert marker in graph and len(graph) == len(source())


def test_every_download_the_description_names_answers(web):
    graph = rdf(web.get("/void"))
    urls = sorted(str(url) for url in graph.objects(None, DCAT_DOWNLOAD))
    assert [url.removeprefix("http://localhost") for url in urls] == ["/ontology", "/shapes"]
    for url in urls:
        assert web.get(url).status_code == 200, url


def test_shapes_download_holds_node_shapes(web):
    assert any(rdf(web.get("/shapes")).subjects(RDF.type, SH.NodeShape))


@pytest.mark.parametrize("path", ["/void", "/ontology", "/shapes"])
def test_format_not_offered_is_406(path, web):
    response = web.get(path, headers={"Accept": "image/png"})
    assert response.status_code == 406 and response.json["status"] == 406

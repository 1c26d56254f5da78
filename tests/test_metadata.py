"""The VoID and DCAT description (trialgraph.metadata): statistics from the store, the
dataset with its endpoint, subsets and downloads, placeholders marked, and the size of the
patient data only as the caller's counts allow, never a patient's graph or id."""

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, VOID

from tests.conftest import AS_OF, scenario_record
from trialgraph.graphs import record_graph
from trialgraph.loading import put_records
from trialgraph.metadata import Counts, Links, statistics, void_graph
from trialgraph.namespaces import TG, TGP
from trialgraph.ontology import protocol_graph
from trialgraph.shapes import shapes_graph
from trialgraph.store import TrialStore, open_store

BASE = "http://trialgraph.test/"
LINKS = Links(BASE + "void", BASE + "sparql", BASE + "ontology", BASE + "shapes")
DATASET = URIRef(BASE + "void#dataset")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's DCAT warns when pytest inspects it
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


def store_with(folder, patients: int) -> TrialStore:
    store = open_store(folder / "store", folder / "snapshots")
    put_records(store, [scenario_record(f"meta-{n}") for n in range(patients)], AS_OF)
    return store


@pytest.fixture(scope="module")
def six(tmp_path_factory) -> TrialStore:
    return store_with(tmp_path_factory.mktemp("six"), 6)


@pytest.fixture(scope="module")
def two(tmp_path_factory) -> TrialStore:
    return store_with(tmp_path_factory.mktemp("two"), 2)


def node(name: str) -> URIRef:
    return URIRef(f"{BASE}void#{name}")


def integer(graph: Graph, subject, predicate) -> int | None:
    value = graph.value(subject, predicate)
    return None if value is None else value.toPython()


def patients_shown(graph: Graph) -> int | None:
    """The number of patients the description gives, or None."""
    for partition in graph.objects(node("records"), VOID.classPartition):
        if graph.value(partition, VOID["class"]) == TG.Patient:
            return integer(graph, partition, VOID.entities)
    return None


def test_statistics_count_the_graphs(six):
    stats = statistics(six)
    assert stats.ontology == len(protocol_graph())
    assert stats.shapes == len(shapes_graph())
    assert stats.patients == 6 and stats.runs == 1
    assert stats.records == sum(len(six.record(pid)) for pid in six.patient_ids())
    assert stats.total == stats.ontology + stats.shapes + stats.records + stats.results


def test_statistics_follow_a_write(tmp_path):
    store = store_with(tmp_path, 1)
    assert statistics(store).patients == 1
    put_records(store, [scenario_record("meta-new")], AS_OF)
    assert statistics(store).patients == 2


def test_dataset_endpoint_subject_and_placeholders(six):
    graph = void_graph(statistics(six), LINKS, Counts.EXACT)
    assert (URIRef(LINKS.document), FOAF.primaryTopic, DATASET) in graph
    assert {VOID.Dataset, DCAT.Dataset} <= set(graph.objects(DATASET, RDF.type))
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef(LINKS.endpoint)
    service = graph.value(DATASET, DCAT.accessService)
    assert graph.value(service, DCAT.endpointURL) == URIRef(LINKS.endpoint)
    assert graph.value(DATASET, DCTERMS.subject) == TGP.study
    assert graph.value(TGP.study, DCTERMS.title) == protocol_graph().value(TGP.study, DCTERMS.title)
    publisher = graph.value(DATASET, DCTERMS.publisher)
    license_ = graph.value(DATASET, DCTERMS.license)
    assert str(graph.value(publisher, FOAF.name)).startswith("PLACEHOLDER")
    assert str(graph.value(license_, RDFS.label)).startswith("PLACEHOLDER")


def test_named_graphs_are_subsets_with_triple_counts(six):
    stats = statistics(six)
    graph = void_graph(stats, LINKS, Counts.EXACT)
    subsets = set(graph.objects(DATASET, VOID.subset))
    assert subsets == {node(n) for n in ("ontology", "shapes", "records", "results")}
    assert integer(graph, node("ontology"), VOID.triples) == stats.ontology
    assert integer(graph, node("shapes"), VOID.triples) == stats.shapes
    assert integer(graph, node("records"), VOID.triples) == stats.records
    assert integer(graph, node("results"), VOID.triples) == stats.results
    assert integer(graph, DATASET, VOID.triples) == stats.total
    assert patients_shown(graph) == 6


@pytest.mark.parametrize(
    ("name", "url", "license_"),
    [("ontology", LINKS.ontology, CC_BY), ("shapes", LINKS.shapes, None)],
)
def test_ontology_and_shapes_are_turtle_downloads(name, url, license_, six):
    graph = void_graph(statistics(six), LINKS, Counts.HIDDEN)
    (distribution,) = graph.objects(node(name), DCAT.distribution)
    assert graph.value(distribution, RDF.type) == DCAT.Distribution
    assert graph.value(distribution, DCAT.downloadURL) == URIRef(url)
    media_type = URIRef("https://www.iana.org/assignments/media-types/text/turtle")
    assert graph.value(distribution, DCAT.mediaType) == media_type
    assert graph.value(distribution, DCTERMS.license) == license_  # as the files declare it


@pytest.mark.parametrize(
    ("fixture", "counts", "shown"),
    [
        ("six", Counts.EXACT, True),
        ("six", Counts.SUPPRESSED, True),
        ("six", Counts.HIDDEN, False),
        ("two", Counts.EXACT, True),
        ("two", Counts.SUPPRESSED, False),
        ("two", Counts.HIDDEN, False),
    ],
    ids=lambda value: getattr(value, "name", str(value)),
)
def test_patient_data_size_only_as_counts_allow(fixture, counts, shown, request):
    store = request.getfixturevalue(fixture)
    graph = void_graph(statistics(store), LINKS, counts)
    sizes = [
        integer(graph, DATASET, VOID.triples),
        integer(graph, node("records"), VOID.triples),
        integer(graph, node("results"), VOID.triples),
        patients_shown(graph),
    ]
    assert all(size is not None for size in sizes) if shown else sizes == [None] * 4
    assert integer(graph, node("ontology"), VOID.triples) == len(protocol_graph())


@pytest.mark.parametrize("counts", list(Counts), ids=lambda c: c.name)
def test_no_patient_graph_or_id_is_named(counts, six):
    text = void_graph(statistics(six), LINKS, counts).serialize(format="nt")
    for pid in six.patient_ids():
        assert record_graph(pid) not in text and pid not in text

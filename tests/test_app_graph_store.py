"""The Graph Store Protocol at /rdf-graphs through Flask's test client: graph identification,
every method and RDF format, the error statuses, the roles, TrialGraph's own graphs, and the
audit log. The W3C manifests run against a live server in test_w3c_conformance.py."""

import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from tests.conftest import bearer, make_app
from trialgraph.graphs import ONTOLOGY_GRAPH, RUN_BASE, SHAPES_GRAPH, record_graph

GRAPH = "https://example.org/graphs/g1"
TURTLE = b'<https://example.org/s> <https://example.org/p> "one" .'
FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture
def app(tmp_path):
    """A fresh app with one stored patient (the shared fixture stores two)."""
    made = make_app(tmp_path / "data", patients=("gsp-patient",), query_workers=1)
    yield made
    made.extensions["trialgraph"].close()


def put(client, app, body=TURTLE, content_type="text/turtle", graph=GRAPH, role="writer"):
    headers = bearer(app, role) if role else {}
    return client.put(
        "/rdf-graphs",
        query_string={"graph": graph},
        data=body,
        content_type=content_type,
        headers=headers,
    )


def get(client, app, graph=GRAPH, accept="text/turtle", role="investigator"):
    headers = {**(bearer(app, role) if role else {}), "Accept": accept}
    return client.get("/rdf-graphs", query_string={"graph": graph}, headers=headers)


def parsed(response) -> Graph:
    return Graph().parse(data=response.data, format=FORMATS[response.mimetype])


@pytest.mark.parametrize("media_type", list(FORMATS))
def test_put_then_get_in_every_format(client, app, media_type):
    source = Graph().parse(data=TURTLE, format="turtle")
    body = source.serialize(format=FORMATS[media_type], encoding="utf-8")
    assert put(client, app, body, media_type).status_code == 201
    for accept in FORMATS:
        response = get(client, app, accept=accept)
        assert response.status_code == 200, response.data
        assert response.mimetype == accept
        assert isomorphic(parsed(response), source), f"{media_type} in, {accept} out"


def test_put_replaces_post_adds_delete_removes(client, app):
    assert put(client, app).status_code == 201
    again = b'<https://example.org/s> <https://example.org/p> "two" .'
    assert put(client, app, again).status_code == 204
    assert {str(o) for o in parsed(get(client, app)).objects()} == {"two"}
    added = client.post(
        "/rdf-graphs",
        query_string={"graph": GRAPH},
        data=TURTLE,
        content_type="text/turtle",
        headers=bearer(app, "writer"),
    )
    assert added.status_code == 204
    assert {str(o) for o in parsed(get(client, app)).objects()} == {"one", "two"}
    delete = client.delete(
        "/rdf-graphs", query_string={"graph": GRAPH}, headers=bearer(app, "writer")
    )
    assert delete.status_code == 204
    assert get(client, app).status_code == 404
    assert (
        client.delete(
            "/rdf-graphs", query_string={"graph": GRAPH}, headers=bearer(app, "writer")
        ).status_code
        == 404
    )


def test_an_empty_put_makes_an_empty_graph(client, app):
    assert put(client, app, b"").status_code == 201
    response = get(client, app, accept="application/n-triples")
    assert response.status_code == 200 and response.data.strip() == b""


def test_direct_identification_names_the_graph_by_its_url(client, app):
    writer = bearer(app, "writer")
    made = client.put(
        "/rdf-graphs/people/1", data=TURTLE, content_type="text/turtle", headers=writer
    )
    assert made.status_code == 201
    indirect = get(client, app, graph="http://localhost/rdf-graphs/people/1")
    assert indirect.status_code == 200 and len(parsed(indirect)) == 1


def test_post_to_the_store_makes_a_new_graph(client, app):
    response = client.post(
        "/rdf-graphs", data=TURTLE, content_type="text/turtle", headers=bearer(app, "writer")
    )
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith("http://localhost/rdf-graphs/")
    assert len(parsed(get(client, app, graph=location))) == 1


def test_multipart_post_adds_every_part(client, app):
    boundary = "b0undary"
    parts = [
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{name}"\r\n'
            f"Content-Type: {kind}\r\n\r\n{body}\r\n"
        )
        for name, kind, body in [
            ("a.ttl", "text/turtle", '<https://example.org/s> <https://example.org/p> "a" .'),
            (
                "b.nt",
                "application/n-triples",
                '<https://example.org/s> <https://example.org/q> "b" .',
            ),
        ]
    ]
    body = "".join(parts) + f"--{boundary}--\r\n"
    response = client.post(
        "/rdf-graphs",
        query_string={"graph": GRAPH},
        data=body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=bearer(app, "writer"),
    )
    assert response.status_code == 201, response.data
    assert {str(o) for o in parsed(get(client, app)).objects()} == {"a", "b"}


def test_default_graph_is_the_stores_own(client, app):
    writer = bearer(app, "writer")
    response = client.put(
        "/rdf-graphs?default", data=TURTLE, content_type="text/turtle", headers=writer
    )
    assert response.status_code == 204
    answer = client.get("/rdf-graphs?default", headers=bearer(app, "investigator"))
    assert len(parsed(answer)) == 1, "the default graph is not the union of the named graphs"


def test_head_answers_like_get_without_a_body(client, app):
    put(client, app)
    head = client.head(
        "/rdf-graphs", query_string={"graph": GRAPH}, headers=bearer(app, "investigator")
    )
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == "text/turtle; charset=utf-8"
    missing = client.head("/rdf-graphs?graph=urn:x:absent", headers=bearer(app, "investigator"))
    assert missing.status_code == 404


def test_accept_with_a_charset_is_honoured(client, app):
    put(client, app)
    assert get(client, app, accept="text/turtle; charset=utf-8").status_code == 200


@pytest.mark.parametrize(
    ("query_string", "status"),
    [
        ("graph=person/1", 400),
        ("graph=urn:a&graph=urn:b", 400),
        ("graph=urn:a&default", 400),
        ("", 400),
    ],
    ids=["relative", "two-graphs", "graph-and-default", "none"],
)
def test_bad_graph_identification_is_400(client, app, query_string, status):
    response = client.get(f"/rdf-graphs?{query_string}", headers=bearer(app, "investigator"))
    assert response.status_code == status
    assert response.json == {"error": response.json["error"], "status": status}


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (TURTLE, "text/plain", 415),
        (TURTLE, "", 415),
        (TURTLE, "text/turtle; charset=iso-8859-1", 415),
        (b"<https://example.org/s> <https://example.org/p> .", "text/turtle", 400),
        (
            b'{"@id": "https://example.org/s", "https://example.org/p": [',
            "application/ld+json",
            400,
        ),
        (
            b"<https://example.org/s> <https://example.org/p> <relative> .",
            "application/n-triples",
            400,
        ),
    ],
    ids=["plain-text", "no-type", "latin-1", "bad-turtle", "bad-json-ld", "relative-in-n-triples"],
)
def test_bodies_we_cannot_read_change_nothing(client, app, body, content_type, status):
    response = put(client, app, body, content_type)
    assert response.status_code == status, response.data
    assert response.json["status"] == status
    assert get(client, app).status_code == 404


def test_an_upload_over_the_limit_is_413(tmp_path):
    app = make_app(tmp_path / "data", patients=(), max_upload_bytes=100, query_workers=1)
    try:
        client = app.test_client()
        response = put(client, app, b"# padding\n" * 20 + TURTLE)
        assert response.status_code == 413 and response.json["status"] == 413
        assert get(client, app).status_code == 404
    finally:
        app.extensions["trialgraph"].close()


def test_unanswerable_accept_is_406(client, app):
    put(client, app)
    assert get(client, app, accept="image/png").status_code == 406


def test_a_json_ld_remote_context_is_never_fetched(client, app, loopback_site):
    site, fetched = loopback_site
    context = f"{site}/context.jsonld"
    body = json.dumps({"@context": context, "@id": "https://example.org/s", "p": "x"})
    response = put(client, app, body.encode(), "application/ld+json")
    assert response.status_code == 400 and fetched == []


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("aggregate", 403), ("investigator", 403)]
)
def test_writing_needs_the_writer_role(client, app, role, status):
    assert put(client, app, role=role).status_code == status
    assert get(client, app).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("aggregate", 403), ("investigator", 200)]
)
def test_reading_a_graph_needs_the_investigator_role(client, app, role, status):
    put(client, app)
    assert get(client, app, role=role).status_code == status


def test_an_absent_graph_is_401_not_404_without_a_token(client, app):
    assert get(client, app, graph="urn:x:absent", role=None).status_code == 401


@pytest.mark.parametrize("graph", [ONTOLOGY_GRAPH, SHAPES_GRAPH])
def test_ontology_and_shapes_are_public(client, app, graph):
    response = get(client, app, graph=graph, role=None)
    assert response.status_code == 200 and len(parsed(response)) > 100


def trialgraph_graphs(app) -> dict[str, str]:
    store = app.extensions["trialgraph"].store
    run = next(g for g in store.graphs() if g.startswith(RUN_BASE))
    return {
        "record": record_graph("gsp-patient"),
        "run": run,
        "ontology": ONTOLOGY_GRAPH,
        "shapes": SHAPES_GRAPH,
        "other": "https://w3id.org/trialgraph/graph/other",
    }


@pytest.mark.parametrize("kind", ["record", "run", "ontology", "shapes", "other"])
@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE"])
def test_trialgraphs_own_graphs_are_not_written_here(client, app, kind, method):
    graph = trialgraph_graphs(app)[kind]
    store = app.extensions["trialgraph"].store
    before = (store.has_graph(graph), sorted(map(str, store.graph_triples(graph))))
    response = client.open(
        "/rdf-graphs",
        method=method,
        query_string={"graph": graph},
        data=TURTLE,
        content_type="text/turtle",
        headers=bearer(app, "admin"),
    )
    assert response.status_code == 409, response.data
    if kind == "record":
        assert "/patients/gsp-patient" in response.json["error"]
    assert (store.has_graph(graph), sorted(map(str, store.graph_triples(graph)))) == before


def test_a_record_read_through_the_graph_store_is_audited(client, app):
    response = get(client, app, graph=record_graph("gsp-patient"))
    assert response.status_code == 200
    assert (None, None, Literal("gsp-patient")) in parsed(response)
    entry = app.extensions["trialgraph"].audit.lines()[-1]
    assert entry["who"] == "demo-investigator" and entry["patients"] == ["gsp-patient"]
    assert entry["action"] == "read"


def test_a_graph_written_here_is_queryable(client, app):
    put(client, app)
    query = "SELECT ?o WHERE { GRAPH <https://example.org/graphs/g1> { ?s ?p ?o } }"
    response = client.get(
        "/sparql", query_string={"query": query}, headers=bearer(app, "investigator")
    )
    assert [row["o"]["value"] for row in response.json["results"]["bindings"]] == ["one"]
    assert URIRef(GRAPH) in {URIRef(g) for g in app.extensions["trialgraph"].store.graphs()}

"""SPARQL 1.1 Protocol at /sparql and /update, through Flask's test client: every media type,
GET and both POST forms, datasets, bad queries, the guard, the roles, and the row limit."""

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace, URIRef

from tests.conftest import bearer, make_app
from trialgraph.graphs import ONTOLOGY_GRAPH, SHAPES_GRAPH, record_graph

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
PATIENTS = (
    "PREFIX tg: <https://w3id.org/trialgraph/ontology#> "
    "SELECT ?id WHERE { ?p a tg:Patient ; tg:patientId ?id } ORDER BY ?id"
)
CRITERIA = (
    "PREFIX tg: <https://w3id.org/trialgraph/ontology#> "
    "SELECT ?id WHERE { ?c tg:criterionId ?id } ORDER BY ?id"
)
CONSTRUCT = "CONSTRUCT WHERE { ?c <https://w3id.org/trialgraph/ontology#criterionId> ?id }"
DESCRIBE = "DESCRIBE <https://w3id.org/trialgraph/protocol/IN1>"

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RESULT_TYPES = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
OX_RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


def ask(client, query: str, accept: str | None = None, headers=None, **params):
    headers = {**(headers or {}), **({"Accept": accept} if accept else {})}
    return client.get("/sparql", query_string={"query": query, **params}, headers=headers)


def ids(response) -> list[str]:
    document = json.loads(response.data)
    return [row["id"]["value"] for row in document["results"]["bindings"]]


@pytest.mark.parametrize("accept", RESULT_TYPES)
def test_select_in_every_results_format(reader, shared_app, accept):
    response = ask(reader, CRITERIA, accept)
    assert response.status_code == 200, response.data
    assert response.mimetype == accept
    if accept == "text/csv":  # lossy: pyoxigraph does not read it back
        values = [row[0] for row in csv.reader(io.StringIO(response.data.decode()))][1:]
    else:
        parsed = ox.parse_query_results(response.data, format=OX_RESULTS[accept])
        values = [row["id"].value for row in parsed]
    assert {"IN1", "EX11"} <= set(values) and len(values) >= 18


@pytest.mark.parametrize("accept", RESULT_TYPES)
def test_ask_in_every_results_format(reader, accept):
    response = ask(reader, "ASK { ?s ?p ?o }", accept)
    assert response.status_code == 200
    assert response.mimetype == accept
    assert b"true" in response.data


@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
@pytest.mark.parametrize("accept", list(GRAPH_TYPES))
def test_graph_results_in_every_rdf_format(reader, accept, query):
    response = ask(reader, query, accept)
    assert response.status_code == 200, response.data
    assert response.mimetype == accept
    graph = Graph().parse(data=response.data, format=GRAPH_TYPES[accept])
    assert len(graph) > 0


def test_no_accept_header_gives_sparql_json_and_turtle(reader):
    assert ask(reader, CRITERIA).mimetype == "application/sparql-results+json"
    assert ask(reader, CONSTRUCT).mimetype == "text/turtle"


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        (CRITERIA, "text/turtle"),
        (CONSTRUCT, "application/sparql-results+json"),
        (COUNT, "image/png"),
    ],
    ids=["select-as-turtle", "construct-as-json", "image"],
)
def test_unanswerable_accept_is_406(reader, query, accept):
    response = ask(reader, query, accept)
    assert response.status_code == 406
    assert response.json["status"] == 406


def test_accept_asking_for_utf8_is_honoured(reader):
    response = ask(reader, CONSTRUCT, "text/turtle; charset=UTF-8")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    preferred = "application/n-triples;q=0.5, text/turtle;charset=utf-8"
    assert ask(reader, CONSTRUCT, preferred).mimetype == "text/turtle"
    assert ask(reader, CONSTRUCT, "text/turtle; charset=iso-8859-1").status_code == 406


def test_post_form_and_direct_bodies(reader):
    form = reader.post("/sparql", data={"query": CRITERIA})
    direct = reader.post(
        "/sparql", data=CRITERIA, content_type="application/sparql-query; charset=utf-8"
    )
    assert form.status_code == direct.status_code == 200
    assert ids(form) == ids(direct) == ids(ask(reader, CRITERIA))


@pytest.mark.parametrize(
    "query",
    ["SELEC ?x", "SELECT ?x WHERE { ?x ?p }", "ASK { FILTER(", ""],
    ids=["keyword", "triple", "unclosed", "empty"],
)
def test_malformed_query_is_400_with_the_parsers_message(reader, query):
    response = reader.post("/sparql", data={"query": query})
    assert response.status_code == 400
    assert response.json["error"]
    assert response.json == {"error": response.json["error"], "status": 400}


def test_wrong_body_type_is_415(reader):
    response = reader.post("/sparql", data=COUNT, content_type="text/plain")
    assert response.status_code == 415 and response.json["status"] == 415


@pytest.mark.parametrize(
    ("path", "body_type", "text"),
    [
        ("/sparql", "application/sparql-query", 'ASK { FILTER("é" = "é") }'),
        ("/update", "application/sparql-update", 'INSERT DATA { <urn:a> <urn:b> "é" }'),
    ],
    ids=["query", "update"],
)
def test_a_direct_body_must_be_utf8(client, app, path, body_type, text):
    """Regression: a UTF-16 or Latin-1 body was decoded with replacement characters, so a
    literal could silently change."""
    writer = bearer(app, "writer")
    utf16 = client.post(
        path,
        data=text.encode("utf-16"),
        content_type=f"{body_type}; charset=UTF-16",
        headers=writer,
    )
    assert utf16.status_code == 415 and utf16.json["status"] == 415
    latin1 = client.post(path, data=text.encode("latin-1"), content_type=body_type, headers=writer)
    assert latin1.status_code == 400 and "not UTF-8" in latin1.json["error"]
    found = ask(client, "ASK { ?s <urn:b> ?o }", headers=writer)
    assert found.json["boolean"] is False


def test_two_queries_are_400(reader):
    response = reader.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400


def test_service_description_and_query_page(reader):
    turtle = reader.get("/sparql")
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.data, format="turtle")
    service = graph.value(predicate=RDF.type, object=SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef("http://localhost/sparql")
    page = reader.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "text/html" and b"<textarea" in page.data


def test_cors_headers(reader):
    response = ask(reader, COUNT)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = reader.options("/sparql", headers={"Origin": "https://example.org"})
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]


# --- who sees what ---------------------------------------------------------------------------


def test_without_token_only_ontology_and_shapes_are_seen(reader):
    assert ids(ask(reader, PATIENTS)) == []
    assert "IN1" in ids(ask(reader, CRITERIA))
    named = "SELECT DISTINCT ?id WHERE { GRAPH ?id { ?s ?p ?o } } ORDER BY ?id"
    assert ids(ask(reader, named)) == [ONTOLOGY_GRAPH, SHAPES_GRAPH]


def test_aggregate_role_sees_no_patient_in_sparql(reader, shared_app):
    assert ids(ask(reader, PATIENTS, headers=bearer(shared_app, "aggregate"))) == []


@pytest.mark.parametrize("role", ["investigator", "writer", "admin"])
def test_investigators_and_above_see_the_records(reader, shared_app, role):
    found = ids(ask(reader, PATIENTS, headers=bearer(shared_app, role)))
    assert found == ["svc-eligible", "svc-other"]


def test_patient_graph_in_dataset_needs_a_token(reader, shared_app):
    graph = record_graph("svc-eligible")
    anonymous = ask(reader, PATIENTS, **{"default-graph-uri": graph})
    assert anonymous.status_code == 401
    aggregate = bearer(shared_app, "aggregate")
    aggregate = ask(reader, PATIENTS, headers=aggregate, **{"default-graph-uri": graph})
    assert aggregate.status_code == 403
    from_clause = PATIENTS.replace("WHERE", f"FROM <{graph}> WHERE")
    assert ask(reader, from_clause).status_code == 401


def test_default_and_named_graph_parameters(reader, shared_app):
    investigator = bearer(shared_app, "investigator")
    other = {"default-graph-uri": record_graph("svc-other")}
    assert ids(ask(reader, PATIENTS, headers=investigator, **other)) == ["svc-other"]
    named = CRITERIA.replace("{ ?c tg:criterionId ?id }", "{ GRAPH ?g { ?c tg:criterionId ?id } }")
    only_named = ask(reader, named, **{"named-graph-uri": ONTOLOGY_GRAPH})
    assert ids(only_named) == ids(ask(reader, CRITERIA))
    assert ids(ask(reader, CRITERIA, **{"named-graph-uri": ONTOLOGY_GRAPH})) == []


def test_a_dataset_graph_outside_the_store_is_empty_and_never_fetched(
    reader, shared_app, loopback_site
):
    site, fetched = loopback_site
    url = f"{site}/data.ttl"
    investigator = bearer(shared_app, "investigator")
    select = ask(reader, f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}", headers=investigator)
    assert select.status_code == 200 and select.json["results"]["bindings"] == []
    given = ask(reader, "ASK { ?s ?p ?o }", headers=investigator, **{"default-graph-uri": url})
    assert given.status_code == 200 and given.json["boolean"] is False
    assert ask(reader, f"ASK FROM NAMED <{url}> {{ }}").status_code == 401
    assert fetched == []


def test_service_to_a_url_off_the_allow_list_is_refused(reader):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    response = ask(reader, query)
    assert response.status_code == 403
    assert "allow-list" in response.json["error"]
    variable = ask(reader, "SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }")
    assert variable.status_code == 403


def test_too_many_rows_is_refused_not_cut(tmp_path):
    app = make_app(tmp_path / "data", patients=(), max_rows=10)
    try:
        response = ask(app.test_client(), "SELECT * WHERE { ?s ?p ?o }")
        assert response.status_code == 422
        assert "more than 10 rows" in response.json["error"]
        assert ask(app.test_client(), "SELECT * WHERE { ?s ?p ?o } LIMIT 10").status_code == 200
    finally:
        app.extensions["trialgraph"].close()


# --- updates ---------------------------------------------------------------------------------

INSERT = "INSERT DATA { GRAPH <https://example.org/g> { <urn:a> <urn:b> 'c' } }"


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("aggregate", 403), ("investigator", 403)]
)
def test_update_needs_the_writer_role(client, app, role, status):
    headers = bearer(app, role) if role else {}
    response = client.post("/update", data={"update": INSERT}, headers=headers)
    assert response.status_code == status
    assert "https://example.org/g" not in app.extensions["trialgraph"].store.graphs()


def test_writer_updates_and_the_next_query_sees_it(client, app):
    writer = bearer(app, "writer")
    response = client.post(
        "/update", data=INSERT, content_type="application/sparql-update", headers=writer
    )
    assert response.status_code == 204
    found = ask(client, "SELECT ?o WHERE { GRAPH ?g { <urn:a> <urn:b> ?o } }", headers=writer)
    assert [row["o"]["value"] for row in found.json["results"]["bindings"]] == ["c"]


@pytest.mark.parametrize(
    "update",
    [
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "INSERT DATA { <urn:a> <urn:b> }",
        "DROP GRAPH <https://example.org/absent>",
    ],
    ids=["load", "service", "malformed", "absent-graph"],
)
def test_refused_updates_change_nothing(client, app, update):
    before = app.extensions["trialgraph"].store.graphs()
    response = client.post("/update", data={"update": update}, headers=bearer(app, "admin"))
    assert response.status_code in (400, 403), response.json
    assert app.extensions["trialgraph"].store.graphs() == before


def test_relative_iris_resolve_against_the_endpoint(client, app):
    construct = ask(client, "CONSTRUCT { <s> <p> 1 } WHERE {}", "application/n-triples")
    assert construct.status_code == 200, construct.data
    assert construct.data.startswith(b"<http://localhost/s> <http://localhost/p>")
    relative = "INSERT DATA { GRAPH <https://example.org/g> { <urn:a> <urn:b> <c> } }"
    response = client.post("/update", data={"update": relative}, headers=bearer(app, "writer"))
    assert response.status_code == 204, response.data
    found = ask(client, "SELECT ?o WHERE { <urn:a> <urn:b> ?o }", headers=bearer(app, "writer"))
    assert found.json["results"]["bindings"][0]["o"]["value"] == "http://localhost/c"


def test_using_graph_uri_is_the_dataset_of_the_update(client, app):
    writer = bearer(app, "writer")
    setup = (
        "INSERT DATA { GRAPH <urn:g:1> { <urn:s:1> a <urn:Doc> } "
        "GRAPH <urn:g:2> { <urn:s:2> a <urn:Doc> } }"
    )
    assert client.post("/update", data={"update": setup}, headers=writer).status_code == 204
    update = "INSERT { GRAPH <urn:g:out> { ?s a <urn:Seen> } } WHERE { ?s a <urn:Doc> }"
    response = client.post(
        "/update?using-graph-uri=urn:g:1",
        data=update,
        content_type="application/sparql-update",
        headers=writer,
    )
    assert response.status_code == 204, response.data
    seen = "SELECT ?s WHERE { GRAPH <urn:g:out> { ?s a <urn:Seen> } }"
    rows = ask(client, seen, headers=writer).json["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == ["urn:s:1"]


@pytest.mark.parametrize(
    "update",
    [
        "WITH <urn:g:1> INSERT { ?s a <urn:Seen> } WHERE { ?s a <urn:Doc> }",
        "INSERT { ?s a <urn:Seen> } USING <urn:g:2> WHERE { ?s a <urn:Doc> }",
        "DELETE WHERE { ?s a <urn:Doc> }",
    ],
    ids=["with", "using", "delete-where"],
)
def test_using_graph_uri_with_a_dataset_in_the_update_is_400(client, app, update):
    response = client.post(
        "/update",
        query_string={"using-named-graph-uri": "urn:g:1"},
        data=update,
        content_type="application/sparql-update",
        headers=bearer(app, "writer"),
    )
    assert response.status_code == 400 and response.json["status"] == 400


def test_the_audit_log_names_the_caller_not_the_query(client, app):
    query = "SELECT * WHERE { ?s ?p 'a secret value' }"
    assert ask(client, query, headers=bearer(app, "investigator")).status_code == 200
    log = app.extensions["trialgraph"].audit.path.read_text()
    assert "demo-investigator" in log and "secret" not in log


def test_csv_rows_are_plain_values(reader):
    rows = list(csv.reader(io.StringIO(ask(reader, CRITERIA, "text/csv").data.decode())))
    assert rows[0] == ["id"] and rows[1:] == [[i] for i in ids(ask(reader, CRITERIA))]


def test_form_post_takes_graph_parameters_from_the_url_too(reader):
    shapes_only = "https://w3id.org/trialgraph/graph/shapes"
    query = "ASK { ?s a <http://www.w3.org/2002/07/owl#Class> }"
    response = reader.post(
        f"/sparql?default-graph-uri={shapes_only}",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert response.json["boolean"] is False, "the URL's default-graph-uri was ignored"

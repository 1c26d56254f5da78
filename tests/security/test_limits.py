"""Issue 9, attack 5: limits on every path. A request's work stops at its deadline (updates
and canned queries too) while other requests go on; a query worker stops at its memory limit;
no caller holds every worker; literals of any size are read and written in linear time; bodies
are limited after parsing (triples, literal size) and RDF/XML entities are not expanded."""

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from waitress.server import create_server

from tests.conftest import bearer, make_app
from trialgraph.canned import CannedQuery
from trialgraph.graphs import ONTOLOGY_GRAPH

CROSS_JOIN = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?a ?b ?c . ?d ?e ?f . "
    "?g ?h ?i } }"
)
CRITERIA = "SELECT ?id WHERE { ?c <https://w3id.org/trialgraph/ontology#criterionId> ?id }"


@pytest.fixture
def server(tmp_path):
    """A live server with a 3 s deadline and two query workers; yields (URL, app)."""
    app = make_app(tmp_path / "data", query_timeout=3.0, query_workers=2, caller_requests=1)
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=8)
    threading.Thread(target=wsgi.run, daemon=True).start()
    yield f"http://127.0.0.1:{wsgi.effective_port}", app
    wsgi.close()
    app.extensions["trialgraph"].close()


def call(url: str, path: str, data: dict | None = None, headers=None):
    """(status, headers, body, seconds) of a GET, or a form POST if `data` is given."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url + path, data=body, headers=headers or {})
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read(), time.monotonic() - start
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), time.monotonic() - start


def query_path(query: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": query})


def in_background(function):
    found = {}
    thread = threading.Thread(target=lambda: found.setdefault("answer", function()))
    thread.start()
    return thread, found


def test_a_slow_update_stops_at_the_deadline_and_queries_go_on(server):
    url, app = server
    update = (
        "INSERT { GRAPH <urn:x> { ?a <urn:p> ?d } } WHERE { GRAPH ?g { ?a ?b ?c . ?d ?e ?f . "
        "?x ?y ?z } }"
    )
    thread, found = in_background(
        lambda: call(url, "/update", {"update": update}, bearer(app, "writer"))
    )
    time.sleep(0.5)
    status, _, body, took = call(url, query_path(CRITERIA), headers=bearer(app, "investigator"))
    assert status == 200 and took < 2.5, f"a query waited {took:.1f} s behind the update"
    thread.join(30)
    status, headers, body, took = found["answer"]
    assert status == 503 and headers["Retry-After"], body
    assert took < 10, f"the update ran {took:.1f} s"
    assert "urn:x" not in app.extensions["trialgraph"].store.graphs(), "a stopped update wrote"


def test_a_slow_canned_query_stops_at_the_deadline(server, monkeypatch):
    url, app = server
    slow = CannedQuery("slow", "a cross join", (), False, CROSS_JOIN)
    monkeypatch.setattr("trialgraph.web.queries.canned_query", lambda name: slow)
    status, headers, body, took = call(url, "/queries/slow", headers=bearer(app, "investigator"))
    assert status == 503 and headers["Retry-After"], body
    assert took < 10


def test_one_caller_cannot_hold_every_worker(server):
    url, app = server
    investigator = bearer(app, "investigator")
    thread, _ = in_background(lambda: call(url, query_path(CROSS_JOIN), headers=investigator))
    time.sleep(0.5)
    status, headers, body, took = call(url, query_path(CRITERIA), headers=investigator)
    assert status == 503 and headers["Retry-After"] and took < 1, body
    status, _, _, took = call(url, query_path(CRITERIA), headers=bearer(app, "writer"))
    assert status == 200, "another caller was kept waiting"
    thread.join(30)


def test_callers_without_a_token_cannot_hold_every_worker(server):
    url, app = server
    thread, _ = in_background(lambda: call(url, query_path(CROSS_JOIN)))
    time.sleep(0.5)
    status, headers, _, _ = call(url, query_path(CRITERIA))
    assert status == 503 and headers["Retry-After"]
    status, _, _, took = call(url, query_path(CRITERIA), headers=bearer(app, "investigator"))
    assert status == 200 and took < 2.5
    thread.join(30)


def test_a_query_worker_stops_at_its_memory_limit(tmp_path):
    app = make_app(tmp_path / "data", patients=(), query_timeout=60.0, query_memory_mb=1024)
    try:
        client = app.test_client()
        hungry = (
            "SELECT ?a ?d WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } } "
            "ORDER BY ?a ?d LIMIT 1"
        )
        start = time.monotonic()
        response = client.get("/sparql", query_string={"query": hungry},
                              headers=bearer(app, "investigator"))
        assert response.status_code == 422, response.data
        assert "memory" in response.get_json()["error"]
        assert time.monotonic() - start < 50
        again = client.get("/sparql", query_string={"query": CRITERIA},
                           headers=bearer(app, "investigator"))
        assert again.status_code == 200, "the pool did not replace the worker"
    finally:
        app.extensions["trialgraph"].close()


def test_a_long_literal_is_read_and_written_in_linear_time(tmp_path):
    from tests.conftest import scenario_record

    app = make_app(tmp_path / "data", patients=(), max_literal_bytes=20_000_000,
                   max_upload_bytes=30_000_000)
    try:
        client = app.test_client()
        record = scenario_record("long")
        text = record.ntriples() + f'<urn:note> <urn:text> "{"a" * 8_000_000}" .\n'
        headers = {**bearer(app, "writer"), "Content-Type": "application/n-triples"}
        start = time.monotonic()
        assert client.put("/patients/long", data=text, headers=headers).status_code == 201
        for accept in ("text/turtle", "application/n-triples", "application/ld+json"):
            response = client.get("/patients/long", headers={**headers, "Accept": accept})
            assert response.status_code == 200 and len(response.data) > 8_000_000
        page = client.get("/ui/patients/long.json", headers=headers)
        assert page.status_code == 200
        took = time.monotonic() - start
        assert took < 30, f"an 8 MB literal took {took:.0f} s (quadratic reading?)"
    finally:
        app.extensions["trialgraph"].close()


ENTITIES = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="urn:a"><rdf:value>&c;&c;&c;&c;</rdf:value></rdf:Description>
</rdf:RDF>"""


def test_rdf_xml_entities_are_not_expanded(client, app):
    response = client.put(
        "/rdf-graphs?graph=urn:bomb",
        data=ENTITIES,
        headers={**bearer(app, "writer"), "Content-Type": "application/rdf+xml"},
    )
    assert response.status_code == 400, response.data
    assert "entit" in response.get_json()["error"]


@pytest.mark.parametrize(
    ("body", "settings"),
    [
        ("".join(f"<urn:s> <urn:p> <urn:o{n}> .\n" for n in range(11)), {"max_triples": 10}),
        ('<urn:s> <urn:p> "' + "x" * 101 + '" .\n', {"max_literal_bytes": 100}),
    ],
    ids=["triples", "literal"],
)
def test_bodies_are_limited_after_parsing(tmp_path, body, settings):
    app = make_app(tmp_path / "data", patients=(), **settings)
    try:
        response = app.test_client().put(
            "/rdf-graphs?graph=urn:big",
            data=body,
            headers={**bearer(app, "writer"), "Content-Type": "application/n-triples"},
        )
        assert response.status_code == 413, response.data
        assert json.loads(response.data)["status"] == 413
    finally:
        app.extensions["trialgraph"].close()

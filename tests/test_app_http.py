"""The service over real HTTP (waitress on a free port): SPARQLWrapper, rdflib's SPARQLStore,
a federated SERVICE call from other engines, a slow query cancelled while another request is
answered, and `trialgraph serve` keeping its data across a restart."""

import json
import os
import stat
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper
from waitress.server import create_server

from tests.conftest import bearer, make_app, tokens_of

CRITERIA = (
    "PREFIX tg: <https://w3id.org/trialgraph/ontology#> "
    "SELECT ?id WHERE { ?c tg:criterionId ?id } ORDER BY ?id"
)
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def wrapper(url: str, query: str, fmt, token: str | None = None) -> SPARQLWrapper:
    endpoint = SPARQLWrapper(f"{url}/sparql")
    endpoint.setQuery(query)
    endpoint.setReturnFormat(fmt)
    if token:
        endpoint.addCustomHttpHeader("Authorization", f"Bearer {token}")
    return endpoint


def test_sparqlwrapper_select_json_and_xml(live_server):
    rows = wrapper(live_server, CRITERIA, JSON).queryAndConvert()["results"]["bindings"]
    assert "IN1" in [row["id"]["value"] for row in rows]
    document = wrapper(live_server, CRITERIA, XML).queryAndConvert()
    assert document.getElementsByTagName("literal")


def test_sparqlwrapper_csv_construct_and_ask(live_server):
    text = wrapper(live_server, CRITERIA, CSV).queryAndConvert().decode()
    assert text.splitlines()[0] == "id"
    construct = "CONSTRUCT WHERE { ?c <https://w3id.org/trialgraph/ontology#criterionId> ?id }"
    graph = wrapper(live_server, construct, TURTLE).queryAndConvert()
    assert len(Graph().parse(data=graph, format="turtle")) >= 18
    assert wrapper(live_server, "ASK { ?s ?p ?o }", JSON).queryAndConvert()["boolean"] is True


def test_sparqlwrapper_post_with_a_token(live_server, shared_app):
    query = (
        "PREFIX tg: <https://w3id.org/trialgraph/ontology#> "
        "SELECT ?id WHERE { ?p a tg:Patient ; tg:patientId ?id } ORDER BY ?id"
    )
    endpoint = wrapper(live_server, query, JSON, tokens_of(shared_app)["investigator"])
    endpoint.setMethod("POST")
    rows = endpoint.queryAndConvert()["results"]["bindings"]
    assert [row["id"]["value"] for row in rows] == ["svc-eligible", "svc-other"]


def test_rdflib_sparqlstore(live_server):
    graph = Graph(store=SPARQLStore(f"{live_server}/sparql", returnFormat="xml"))
    found = {str(row.id) for row in graph.query(CRITERIA)}
    assert {"IN1", "EX11"} <= found
    assert len(graph) > 100


def federated(url: str) -> str:
    """A query that another engine runs by calling our endpoint with SERVICE."""
    pattern = "?c <https://w3id.org/trialgraph/ontology#criterionId> ?id"
    return f"SELECT ?id WHERE {{ SERVICE <{url}/sparql> {{ {pattern} }} }}"


def test_federated_service_from_pyoxigraph(live_server):
    found = [row["id"].value for row in ox.Store().query(federated(live_server))]
    assert {"IN1", "EX11"} <= set(found)


def test_federated_service_from_rdflib(live_server):
    found = {str(row.id) for row in Graph().query(federated(live_server))}
    assert {"IN1", "EX11"} <= found


@pytest.fixture
def slow_server(tmp_path):
    app = make_app(tmp_path / "data", patients=(), query_timeout=2.0, query_workers=2)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    yield f"http://127.0.0.1:{server.effective_port}", bearer(app, "investigator")
    server.close()
    app.extensions["trialgraph"].close()


def get(url: str, query: str, headers: dict | None = None) -> tuple[int, bytes, float]:
    start = time.monotonic()
    path = f"{url}/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), time.monotonic() - start
    except urllib.error.HTTPError as error:
        return error.code, error.read(), time.monotonic() - start


def test_a_slow_query_is_cancelled_while_another_is_answered(slow_server):
    slow_server, investigator = slow_server
    answers = {}
    slow = threading.Thread(target=lambda: answers.setdefault("slow", get(slow_server, CROSS_JOIN)))
    slow.start()
    time.sleep(0.3)
    # another caller: callers without a token share all workers but one (fair sharing)
    status, body, _ = get(slow_server, CRITERIA, investigator)
    assert status == 200 and b"IN1" in body
    assert slow.is_alive(), "the quick query was answered only after the slow one ended"
    slow.join(30)
    status, body, took = answers["slow"]
    assert status == 503, body
    assert json.loads(body)["status"] == 503
    assert took < 10
    status, _, _ = get(slow_server, CRITERIA)
    assert status == 200, "the pool did not recover after a worker was killed"


def serve(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "TRIALGRAPH_DATA_DIR": str(data), "TRIALGRAPH_PORT": str(port)}
    command = [str(Path(sys.executable).parent / "trialgraph"), "serve"]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise AssertionError(process.stdout.read().decode())
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_a_closed_app_keeps_no_file_open(tmp_path):
    """Regression: the exit hook kept every app's store (about 30 files) open, and a test
    process past 1,024 descriptors broke waitress's select() loop."""
    import gc

    make_app(tmp_path / "warm", patients=()).extensions["trialgraph"].close()
    gc.collect()
    before = open_files()
    for number in range(3):
        make_app(tmp_path / str(number), patients=()).extensions["trialgraph"].close()
    gc.collect()
    assert open_files() <= before + 2


def test_serve_writes_tokens_to_a_private_file_and_keeps_data_across_a_restart(tmp_path):
    data, port = tmp_path / "data", free_port()
    url = f"http://127.0.0.1:{port}"
    first = serve(data, port)
    try:
        wait_for(f"{url}/sparql", first)
    finally:
        first.terminate()
        output = first.communicate(timeout=20)[0].decode()
    assert "tg-" not in output, "a token was printed"
    demo = data / "demo-tokens.txt"
    assert str(demo) in output and stat.S_IMODE(demo.stat().st_mode) == 0o600
    tokens = dict(line.split(" ", 1) for line in demo.read_text().splitlines())
    assert set(tokens) == {"aggregate", "investigator", "writer", "admin"}, output
    assert f"{url}/sparql" in output

    writer = {"Authorization": f"Bearer {tokens['writer']}"}
    second = serve(data, port)
    try:
        wait_for(f"{url}/sparql", second)
        update = "INSERT DATA { GRAPH <https://example.org/kept> { <urn:a> <urn:b> <urn:c> } }"
        headers = {**writer, "Content-Type": "application/sparql-update"}
        request = urllib.request.Request(f"{url}/update", update.encode(), headers, method="POST")
        assert urllib.request.urlopen(request, timeout=10).status == 204
    finally:
        second.terminate()
        output = second.communicate(timeout=20)[0].decode()
    assert "tg-" not in output, "tokens were printed again"

    third = serve(data, port)
    try:
        wait_for(f"{url}/sparql", third)
        query = "ASK { GRAPH <https://example.org/kept> { <urn:a> <urn:b> <urn:c> } }"
        request = urllib.request.Request(
            f"{url}/sparql?" + urllib.parse.urlencode({"query": query}),
            headers={**writer, "Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["boolean"] is True
    finally:
        third.terminate()
        third.communicate(timeout=20)


def test_service_to_an_allow_listed_endpoint_runs(tmp_path, live_server):
    app = make_app(tmp_path / "data", patients=(), service_allowlist=(f"{live_server}/sparql",))
    try:
        response = app.test_client().get("/sparql", query_string={"query": federated(live_server)})
        assert response.status_code == 200, response.json
        found = {row["id"]["value"] for row in response.json["results"]["bindings"]}
        assert {"IN1", "EX11"} <= found
    finally:
        app.extensions["trialgraph"].close()

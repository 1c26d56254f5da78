"""W3C SPARQL 1.1 conformance: the Protocol, Graph Store Protocol and Service Description
manifests of ../shared/conformance/w3c-sparql11/, run against a live server (waitress on a
free port, on a store of its own).

Each test starts on an empty store (`DROP ALL` through /update); the data files of its
`ut:graphData` are PUT into the graphs the test names, through the Graph Store Protocol; then
its requests are sent as the manifest writes them (http.client adds only Host, Content-Length
and Accept-Encoding, so a request without a Content-Type goes without one). Paths: `/sparql/`
becomes `/sparql` for a query and `/update` for an update (a request of an update test that
is not a query), `/gsp` becomes `/rdf-graphs`; `$LOCATION$` is the last `Location` answered.

Tokens: queries and Graph Store reads carry an investigator token, updates and Graph Store
writes a writer token, the lowest roles allowed to do each, so the suite also shows that they
suffice. The Service Description is public and read without a token.
"""

import csv
import io
import threading
from dataclasses import replace
from http.client import HTTPConnection, HTTPMessage
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic
from werkzeug.http import parse_options_header

from tests.conftest import make_app, tokens_of
from tests.w3c_manifests import (
    GRAPH_STORE,
    MF,
    PROTOCOL,
    SERVICE_DESCRIPTION,
    Case,
    Expected,
    Request,
    read_manifest,
)
from tests.w3c_service_description import SD_CHECKS

PROTOCOL_CASES = read_manifest(PROTOCOL, MF.ProtocolTest)
GRAPH_STORE_CASES = [
    case for path in GRAPH_STORE for case in read_manifest(path, MF.GraphStoreProtocolTest)
]
SERVICE_DESCRIPTION_CASES = read_manifest(SERVICE_DESCRIPTION, MF.ServiceDescriptionTest)

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,  # pyoxigraph writes CSV results but does not read them
}
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


class Server:
    """The live server under test: where it is and the tokens of its roles."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.url, self.tokens = url, tokens
        self.host, self.port = urlsplit(url).hostname, urlsplit(url).port

    def send(
        self, method: str, path: str, headers: dict, body: bytes | None, role: str | None
    ) -> tuple[int, HTTPMessage, bytes]:
        """Send one request as given (plus the role's token); return status, headers, body."""
        if role:
            headers = {**headers, "Authorization": f"Bearer {self.tokens[role]}"}
        connection = HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from waitress.server import create_server

    app = make_app(tmp_path_factory.mktemp("w3c") / "data", patients=())
    wsgi = create_server(app, host="127.0.0.1", port=0, threads=4)
    # the Graph Store tests name graphs by their request URL: the server's public base URL
    resources = app.extensions["trialgraph"]
    url = f"http://127.0.0.1:{wsgi.effective_port}"
    resources.settings = replace(resources.settings, public_base_url=url)
    threading.Thread(target=wsgi.run, daemon=True).start()
    yield Server(url, tokens_of(app))
    wsgi.close()
    app.extensions["trialgraph"].close()


def _start_from(server: Server, case: Case) -> None:
    """Empty the store, then PUT the case's data files into their graphs."""
    status, _, body = server.send(
        "POST", "/update", {"Content-Type": "application/sparql-update"}, b"DROP ALL", "writer"
    )
    assert status == 204, f"could not empty the store: {status} {body!r}"
    for graph, path in case.graph_data:
        target = "/rdf-graphs?" + urlencode({"graph": graph})
        headers = {"Content-Type": "application/n-triples"}
        status, _, body = server.send("PUT", target, headers, path.read_bytes(), "writer")
        assert status in (201, 204), f"could not load {path.name} into <{graph}>: {body!r}"


def _is_update(case: Case, request: Request) -> bool:
    """Whether a protocol request is an update: one of an update test that is not a query."""
    query = request.header("content-type") == "application/sparql-query"
    return "update" in case.name and not (query or "query=" in request.path)


def _route(case: Case, request: Request) -> tuple[str, str]:
    """The path on our server and the role whose token goes with the request."""
    path = request.path
    if path.startswith("/sparql/"):
        update = _is_update(case, request)
        endpoint = "/update" if update else "/sparql"
        return endpoint + path[len("/sparql/") :], "writer" if update else "investigator"
    assert path.startswith("/gsp"), f"unknown path prefix in {path}"
    role = "investigator" if request.method in ("GET", "HEAD") else "writer"
    return "/rdf-graphs" + path[len("/gsp") :], role


def _status_ok(status: int, expected: Expected) -> bool:
    return any(
        str(status) == code or (code.endswith("xx") and str(status)[0] == code[0])
        for code in expected.statuses
    )


def _media_type(value: str | None) -> tuple[str, dict[str, str]]:
    kind, options = parse_options_header(value or "")
    return kind.lower(), {k.lower(): v.lower() for k, v in options.items()}


def _check_results(expected: Expected, headers: HTTPMessage, body: bytes, where: str) -> None:
    """The result format (and ASK answer) that a protocol test expects."""
    kind, _ = _media_type(headers.get("Content-Type"))
    if expected.result_format == "boolean":
        assert kind in BOOLEAN_TYPES, f"{where}: ASK answered as {kind}"
        answer = ox.parse_query_results(body, format=RESULT_TYPES[kind])
        assert isinstance(answer, ox.QueryBoolean), f"{where}: not a boolean result"
        if expected.boolean is not None:
            assert bool(answer) is expected.boolean, f"{where}: ASK answered {bool(answer)}"
    elif expected.result_format == "tabular":
        assert kind in RESULT_TYPES, f"{where}: SELECT answered as {kind}"
        if RESULT_TYPES[kind] is None:
            assert next(csv.reader(io.StringIO(body.decode()))), f"{where}: no CSV header"
        else:
            answer = ox.parse_query_results(body, format=RESULT_TYPES[kind])
            assert isinstance(answer, ox.QuerySolutions), f"{where}: not solutions"
            list(answer)
    elif expected.result_format == "RDF":
        assert kind in RDF_TYPES, f"{where}: graph answered as {kind}"
        Graph().parse(data=body, format=RDF_TYPES[kind])


def _check_graph(expected: Expected, headers: HTTPMessage, body: bytes, where: str) -> None:
    """The headers and the graph (up to blank node names) that a Graph Store test expects."""
    wanted_headers = {name.lower(): value for name, value in expected.headers}
    for name, value in wanted_headers.items():
        if name == "content-type":
            found = headers.get(name)
            assert _media_type(found) == _media_type(value), f"{where}: Content-Type {found}"
        else:
            assert headers.get(name) == value, f"{where}: {name} is {headers.get(name)!r}"
    if expected.body is not None:
        wanted_type, _ = _media_type(wanted_headers["content-type"])
        wanted = Graph().parse(data=expected.body, format=RDF_TYPES[wanted_type])
        found = Graph().parse(data=body, format=RDF_TYPES[_media_type(headers["Content-Type"])[0]])
        assert isomorphic(found, wanted), f"{where}: other graph:\n{found.serialize(format='nt')}"


def run_case(server: Server, case: Case) -> None:
    """Send a case's requests in order and check each response."""
    _start_from(server, case)
    location = None
    for number, request in enumerate(case.requests, 1):
        path, role = _route(case, request)
        text = request.body
        if location is not None:
            path = path.replace("$LOCATION$", location)
            text = text.replace("$LOCATION$", location) if text else text
        body = None if text is None else text.encode(request.encoding)
        status, headers, data = server.send(request.method, path, dict(request.headers), body, role)
        where = f"{case.title}: request {number} ({request.method} {path})"
        expected = request.expected
        assert _status_ok(status, expected), (
            f"{where}: status {status}, expected {' or '.join(expected.statuses)}: {data[:300]!r}"
        )
        _check_results(expected, headers, data, where)
        _check_graph(expected, headers, data, where)
        if request.method == "HEAD":
            assert data == b"", f"{where}: HEAD answered with a body"
        if expected.location is not None:
            location = headers.get("Location")
            assert location, f"{where}: no Location header"


def test_the_manifests_hold_every_test():
    assert len(PROTOCOL_CASES) == 34
    assert len(GRAPH_STORE_CASES) == 14
    # manifest-direct.ttl defines head_non_existing_direct but leaves it out of its entries
    assert GRAPH_STORE_CASES[4].name == "head_non_existing_direct"
    assert [c.name for c in SERVICE_DESCRIPTION_CASES] == list(SD_CHECKS)


@pytest.mark.parametrize("case", PROTOCOL_CASES, ids=lambda c: c.name)
def test_protocol(server, case):
    run_case(server, case)


@pytest.mark.parametrize("case", GRAPH_STORE_CASES, ids=lambda c: c.name)
def test_graph_store_protocol(server, case):
    run_case(server, case)


@pytest.mark.parametrize("case", SERVICE_DESCRIPTION_CASES, ids=lambda c: c.name)
def test_service_description(server, case):
    status, headers, body = server.send("GET", "/sparql", {}, None, None)
    assert status == 200, body
    kind, _ = _media_type(headers.get("Content-Type"))
    assert kind in RDF_TYPES, f"the service description came as {kind}"
    description = Graph().parse(data=body, format=RDF_TYPES[kind])
    problems = SD_CHECKS[case.name](description, f"{server.url}/sparql")
    assert problems == [], f"{case.title}: {problems}"

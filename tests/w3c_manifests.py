"""The W3C SPARQL 1.1 test manifests (Protocol, Graph Store Protocol, Service Description) read
with rdflib into plain cases: each a list of HTTP requests with what their responses must be.

The manifests use the W3C HTTP vocabulary (`ht:`): a test's `mf:action` is an `ht:Connection`
whose `ht:requests` list holds `ht:Request`s, each with its `ht:resp`, whose
`mf:expectedStatus`, `mf:expectedFormat`, `mf:expectedBoolean`, `mf:expectedLocation`,
`ht:headers` and `ht:body` say what the answer must be.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from tests.conftest import ROOT

SUITE = ROOT / "tests" / "conformance" / "w3c-sparql11"  # a copy of ../shared/conformance
PROTOCOL = SUITE / "protocol" / "manifest.ttl"
GRAPH_STORE = [SUITE / "graph-store-protocol" / f"manifest-{n}.ttl" for n in ("direct", "indirect")]
SERVICE_DESCRIPTION = SUITE / "service-description" / "manifest.ttl"

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass(frozen=True)
class Expected:
    """What a response must be: `statuses` are codes ("201") or classes ("2xx")."""

    statuses: tuple[str, ...]
    result_format: str | None = None
    boolean: bool | None = None
    headers: tuple[tuple[str, str], ...] = ()
    body: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Request:
    """One HTTP request as the manifest writes it (path still with its placeholder prefix)."""

    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: str | None
    encoding: str
    expected: Expected

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass(frozen=True)
class Case:
    """One test: its local name, title, the graphs to preload ({graph IRI: file}) and requests."""

    name: str
    title: str
    graph_data: tuple[tuple[str, Path], ...]
    requests: tuple[Request, ...]


def _status(node: Node) -> str:
    local = str(node).rsplit("#", 1)[-1]
    found = re.fullmatch(r"StatusCode(\d)xx", local)
    return f"{found.group(1)}xx" if found else str(STATUS_NAMES[local])


def _headers(graph: Graph, node: Node | None) -> tuple[tuple[str, str], ...]:
    if node is None:
        return ()
    return tuple(
        (str(graph.value(h, HT.fieldName)), str(graph.value(h, HT.fieldValue)))
        for h in Collection(graph, graph.value(node, HT.headers) or RDF.nil)
    )


def _expected(graph: Graph, response: Node) -> Expected:
    boolean = graph.value(response, MF.expectedBoolean)
    body = graph.value(response, HT.body)
    location = graph.value(response, MF.expectedLocation)
    return Expected(
        statuses=tuple(sorted(_status(s) for s in graph.objects(response, MF.expectedStatus))),
        result_format=_text(graph.value(response, MF.expectedFormat)),
        boolean=None if boolean is None else boolean.toPython(),
        headers=_headers(graph, response),
        body=None if body is None else str(graph.value(body, CNT.chars)),
        location=_text(location),
    )


def _request(graph: Graph, node: Node) -> Request:
    body = graph.value(node, HT.body)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=_headers(graph, node),
        body=None if body is None else str(graph.value(body, CNT.chars)),
        encoding=str(graph.value(body, CNT.characterEncoding) or "UTF-8") if body else "UTF-8",
        expected=_expected(graph, graph.value(node, HT.resp)),
    )


def _case(graph: Graph, test: Node) -> Case:
    action = graph.value(test, MF.action)
    requests = Collection(graph, graph.value(action, HT.requests)) if action else []
    data = [
        (
            str(graph.value(d, RDFS.label)),
            Path(unquote(urlparse(str(graph.value(d, UT.graph))).path)),
        )
        for d in graph.objects(test, UT.graphData)
    ]
    return Case(
        name=str(test).rsplit("#", 1)[-1],
        title=str(graph.value(test, MF.name)),
        graph_data=tuple(sorted(data)),
        requests=tuple(_request(graph, r) for r in requests),
    )


def read_manifest(path: Path, test_type: Node) -> list[Case]:
    """The tests of a manifest: its `mf:entries` in order, then any test of `test_type` that
    the file defines without listing it."""
    graph = Graph().parse(path, format="turtle")
    manifest = graph.value(predicate=RDF.type, object=MF.Manifest)
    listed = list(Collection(graph, graph.value(manifest, MF.entries)))
    unlisted = sorted(set(graph.subjects(RDF.type, test_type)) - set(listed))
    return [_case(graph, test) for test in [*listed, *unlisted]]


def _text(node: Node | None) -> str | None:
    return None if node is None else str(node)

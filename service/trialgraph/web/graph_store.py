"""SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/):
GET, HEAD, PUT, POST and DELETE on one graph of the store.

Graph identification: directly, by URL (`/rdf-graphs/{path}`: the graph IRI is the request
URL), or indirectly (`/rdf-graphs?graph={IRI}`, `/rdf-graphs?default` for the store's default
graph). A POST to `/rdf-graphs` alone makes a new graph and answers 201 with its URL in
`Location`. PUT replaces a graph, POST adds to it (a `multipart/form-data` body adds every
part), DELETE removes it: 201 when a graph is made, else 204; 404 for a graph that is not there.

Who may: the ontology and shapes graphs are readable without a token, every other graph needs
the investigator role; writing needs the writer role. TrialGraph's own graphs (every IRI under
`graph/`) are not written here (409): records go through `/patients/{id}`, which screens them;
results are written by screening; the ontology and shapes graphs are loaded from their files.
"""

import uuid
from urllib.parse import quote

import pyoxigraph as ox
from flask import Blueprint, Response, request

from trialgraph.graphs import GRAPH_BASE, PUBLIC_GRAPHS, RUN_BASE, patient_of
from trialgraph.sparql_results import content_type, graph_bytes
from trialgraph.web.audit import audit
from trialgraph.web.auth import require
from trialgraph.web.conneg import negotiate
from trialgraph.web.context import services
from trialgraph.web.errors import BadRequest, Conflict, NotFound
from trialgraph.web.rdf_bodies import RDF_FORMATS, body_triples
from trialgraph.web.urls import external_url_for, request_url

graph_store = Blueprint("graph_store", __name__)

METHODS = ["GET", "PUT", "POST", "DELETE"]  # Flask answers HEAD with the GET view


@graph_store.route("/rdf-graphs", methods=METHODS)
def indirect() -> Response:
    """A graph named by `?graph=IRI` or `?default`; a POST naming neither makes a new graph."""
    names = request.args.getlist("graph")
    if "default" in request.args:
        if names:
            raise BadRequest("give either ?graph=IRI or ?default, not both")
        return _handle(None)
    if len(names) > 1:
        raise BadRequest("more than one graph given")
    if names:
        return _handle(_absolute(names[0]))
    if request.method == "POST":
        return _create()
    raise BadRequest("name a graph: /rdf-graphs?graph=IRI, /rdf-graphs?default or /rdf-graphs/…")


@graph_store.route("/rdf-graphs/<path:name>", methods=METHODS)
def direct(name: str) -> Response:
    """A graph named by its URL."""
    if "graph" in request.args or "default" in request.args:
        raise BadRequest("a graph named by its URL takes no graph or default parameter")
    return _handle(_absolute(request_url()))


def _absolute(iri: str) -> str:
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise BadRequest(f"graph {iri!r} is not an absolute IRI: {error}") from None
    return iri


def _handle(graph: str | None) -> Response:
    """Run the request's method on a graph (None: the default graph)."""
    if request.method in ("GET", "HEAD"):
        return _read(graph)
    require("writer")
    _refuse_reserved(graph)
    if request.method == "DELETE":
        if not services().store.drop_graph(graph):
            raise NotFound(f"no graph {_label(graph)}")
        _audit("delete", graph)
        return Response(status=204)
    triples = body_triples(graph or request_url(), multipart=request.method == "POST")
    new = services().store.put_graph(graph, triples, replace=request.method == "PUT")
    _audit("write", graph)
    return Response(status=201 if new else 204)


def _read(graph: str | None) -> Response:
    if graph not in PUBLIC_GRAPHS:
        require("investigator")
    media_type = negotiate(list(RDF_FORMATS))
    store = services().store
    if not store.has_graph(graph):
        raise NotFound(f"no graph {_label(graph)}")
    triples = store.graph_triples(graph)
    if graph not in PUBLIC_GRAPHS:
        _audit("read", graph)
    return Response(graph_bytes(triples, media_type), content_type=content_type(media_type))


def _create() -> Response:
    require("writer")
    graph = external_url_for("graph_store.direct", name=uuid.uuid4().hex)
    services().store.put_graph(graph, body_triples(graph, multipart=True), replace=True)
    _audit("write", graph)
    return Response(status=201, headers={"Location": graph})


def _refuse_reserved(graph: str | None) -> None:
    """Raise Conflict for a write to one of TrialGraph's own graphs."""
    if graph is None or not graph.startswith(GRAPH_BASE):
        return
    patient = patient_of(graph)
    if patient is not None:
        reason = (
            f"it is patient {patient!r}'s record: write it with PUT or DELETE "
            f"/patients/{quote(patient, safe='')}, which screens it"
        )
    elif graph.startswith(RUN_BASE):
        reason = "it holds screening results, which only screening writes"
    elif graph in PUBLIC_GRAPHS:
        reason = "it is loaded from the ontology/ and shapes/ files at every start"
    else:
        reason = f"the graphs under <{GRAPH_BASE}> are TrialGraph's own"
    raise Conflict(f"graph <{graph}> is not written through the Graph Store Protocol: {reason}")


def _audit(action: str, graph: str | None) -> None:
    """Log a read or write: a record graph names its patient; any other graph may hold any
    patient's data, so reading it is logged as a read of all (as a query over the union)."""
    patient = patient_of(graph) if graph else None
    patients = [patient] if patient is not None else ("all" if action == "read" else [])
    audit(action, patients, graph=graph or "default")


def _label(graph: str | None) -> str:
    return "default graph" if graph is None else f"<{graph}>"

"""The dataset's description and downloads, for anyone: the VoID and DCAT description at
`/void` and `/.well-known/void` (Turtle or JSON-LD; the size of the patient data only for a
token that may see counts), the ontology at `/ontology` and the shapes at `/shapes` (Turtle,
or another RDF format by `Accept`)."""

from flask import Blueprint

from trialgraph.aggregates import PATIENTS, current_release
from trialgraph.metadata import Counts, Links, statistics, void_graph
from trialgraph.ontology import protocol_graph
from trialgraph.shapes import shapes_graph
from trialgraph.web.auth import current_caller
from trialgraph.web.context import services
from trialgraph.web.records_io import graph_response
from trialgraph.web.urls import external_url_for

dataset = Blueprint("dataset", __name__)

VOID_TYPES = ["text/turtle", "application/ld+json"]


def _counts() -> Counts:
    """How much of the data's size the caller sees; the aggregate role only when the release
    (trialgraph.aggregates) shows it the number of patients exactly."""
    caller = current_caller()
    if caller.may("investigator"):
        return Counts.EXACT
    if caller.may("aggregate") and isinstance(
        current_release(services().store).shown[PATIENTS], int
    ):
        return Counts.SUPPRESSED
    return Counts.HIDDEN


@dataset.get("/void")
@dataset.get("/.well-known/void", endpoint="well_known_void")
def void():
    """The VoID and DCAT description of the dataset."""
    links = Links(
        document=external_url_for("dataset.void"),
        endpoint=external_url_for("sparql.query"),
        ontology=external_url_for("dataset.ontology"),
        shapes=external_url_for("dataset.shapes"),
    )
    graph = void_graph(statistics(services().store), links, _counts())
    return graph_response(graph, VOID_TYPES)


@dataset.get("/ontology")
def ontology():
    """The ontology, the protocol and the value sets (the ontology graph)."""
    return graph_response(protocol_graph())


@dataset.get("/shapes")
def shapes():
    """The eligibility shapes (the shapes graph)."""
    return graph_response(shapes_graph())

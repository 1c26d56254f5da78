"""Patient records in request bodies (FHIR JSON or RDF, by Content-Type) and graphs in
responses (RDF, by Accept)."""

from datetime import date

from flask import Response, request
from rdflib import Graph

from trialgraph.fhir import PatientRecord, RecordError, map_fhir
from trialgraph.records import rdf_record
from trialgraph.sparql_results import content_type
from trialgraph.web.conneg import negotiate
from trialgraph.web.errors import BadRequest, Unprocessable, UnsupportedMediaType

FHIR_TYPES = ("application/fhir+json", "application/json")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
RESPONSE_TYPES = {**RDF_TYPES, "application/rdf+xml": "xml"}


def record_from_request(source: str) -> PatientRecord:
    """The record in the request body; 415 for another type, 422 with the reasons if refused."""
    data = request.get_data()
    try:
        if request.mimetype in FHIR_TYPES:
            return map_fhir(data, source)
        if request.mimetype in RDF_TYPES:
            return rdf_record(data, RDF_TYPES[request.mimetype], source)
    except RecordError as error:
        raise Unprocessable(f"record refused, nothing stored: {error}") from None
    offered = ", ".join([*FHIR_TYPES, *RDF_TYPES])
    raise UnsupportedMediaType(f"send a record as one of {offered}, not {request.mimetype!r}")


def as_of_parameter() -> date:
    """The `as-of` query parameter (YYYY-MM-DD): the screening date of records without one."""
    text = request.args.get("as-of")
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"as-of={text!r} is not a date (YYYY-MM-DD)") from None


def graph_response(graph: Graph, offers: list[str] | None = None) -> Response:
    """A graph in the RDF format the client prefers."""
    media_type = negotiate(offers or list(RESPONSE_TYPES))
    body = graph.serialize(format=RESPONSE_TYPES[media_type], encoding="utf-8")
    return Response(body, content_type=content_type(media_type))

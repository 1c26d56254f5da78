"""Patient records in request bodies (FHIR JSON or RDF, by Content-Type), stored records out
(as rdflib graphs or bytes, both made from pyoxigraph's triples: linear in a literal's
length), and graphs in responses (RDF, by Accept)."""

from datetime import date

from flask import Response, request
from rdflib import Graph
from rdflib.namespace import SKOS, XSD

from trialgraph.fhir import PATIENT_BASE, PatientRecord, RecordError
from trialgraph.namespaces import PREFIXES
from trialgraph.patient_ids import check_record, read_fhir
from trialgraph.rdf_terms import rdflib_graph
from trialgraph.records import rdf_record
from trialgraph.sparql_results import content_type, graph_bytes
from trialgraph.store import TrialStore
from trialgraph.web.conneg import negotiate
from trialgraph.web.errors import BadRequest, NotFound, Unprocessable, UnsupportedMediaType
from trialgraph.web.rdf_bodies import within_limits

FHIR_TYPES = ("application/fhir+json", "application/json")
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}
RESPONSE_TYPES = {**RDF_TYPES, "application/rdf+xml": "xml"}
RECORD_PREFIXES = {
    **{prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
    "skos": str(SKOS),
    "xsd": str(XSD),
    "patient": PATIENT_BASE,
}


def _stored(store: TrialStore, patient_id: str) -> list:
    triples = store.record(patient_id)
    if not triples:
        raise NotFound(f"no patient {patient_id!r}")
    return triples


def record_graph(store: TrialStore, patient_id: str) -> Graph:
    """A stored patient's record as an rdflib graph; NotFound if there is none."""
    graph = rdflib_graph(_stored(store, patient_id))
    for prefix, namespace in RECORD_PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def record_bytes(store: TrialStore, patient_id: str, media_type: str) -> bytes:
    """A stored patient's record in an RDF format (RESPONSE_TYPES); NotFound if there is none."""
    return graph_bytes(_stored(store, patient_id), media_type, RECORD_PREFIXES)


def record_from_request(source: str) -> PatientRecord:
    """The record in the request body; 415 for another type, 422 with the reasons if refused."""
    data = request.get_data()
    try:
        if request.mimetype in FHIR_TYPES:
            record = read_fhir(data, source)
        elif request.mimetype in RDF_TYPES:
            record = rdf_record(data, RDF_TYPES[request.mimetype], source)
        else:
            record = None
        if record is not None:
            check_record(record, source)
            within_limits(record.triples)
            return record
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

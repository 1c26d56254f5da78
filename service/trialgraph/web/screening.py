"""Screening results: one patient's (`/patients/{id}/eligibility`: the JSON of
`trialgraph screen`, or the SHACL validation report as RDF), every patient's (`/screening`),
counts with small cells suppressed (`/screening/counts`, aggregate role), and a record screened
without being stored (`POST /validate`)."""

from flask import Blueprint, jsonify
from rdflib import Graph

from trialgraph.aggregates import current_release, screening_counts
from trialgraph.loading import screen
from trialgraph.namespaces import PREFIXES
from trialgraph.shacl_report import validation_report
from trialgraph.store import StoredResult, TrialStore
from trialgraph.web.audit import audit
from trialgraph.web.auth import current_caller, requires
from trialgraph.web.conneg import negotiate
from trialgraph.web.context import services
from trialgraph.web.errors import NotFound
from trialgraph.web.records_io import as_of_parameter, graph_response, record_from_request

screening = Blueprint("screening", __name__)

JSON = "application/json"
REPORT_TYPES = ["text/turtle", "application/ld+json"]


@screening.get("/patients/<patient_id>/eligibility")
@requires("investigator")
def eligibility(patient_id: str):
    """A patient's current result as JSON, or the validation report as Turtle or JSON-LD."""
    media_type = negotiate([JSON, *REPORT_TYPES])
    result = stored_result(services().store, patient_id)
    audit("read", [patient_id])
    if media_type == JSON:
        return jsonify({"as_of": result.as_of, "patients": [result.as_json()]})
    return graph_response(stored_report(services().store, patient_id), REPORT_TYPES)


def stored_result(store: TrialStore, patient_id: str) -> StoredResult:
    """The patient's current screening result; NotFound if there is none."""
    found = store.results(patient_id)
    if not found:
        raise NotFound(f"no screening result for patient {patient_id!r}")
    return found[0]


def stored_report(store: TrialStore, patient_id: str) -> Graph:
    """The W3C SHACL validation report of the patient's current screening, from its run."""
    result = stored_result(store, patient_id).result
    result.report = store.report_results(patient_id)
    report = validation_report([result])
    for prefix, namespace in PREFIXES.items():
        report.bind(prefix, namespace)
    return report


@screening.get("/screening")
@requires("investigator")
def all_results():
    """Every stored patient's current result."""
    results = services().store.results()
    audit("read", "all")
    return jsonify({"patients": [result.as_json() for result in results]})


@screening.get("/screening/counts")
@requires("aggregate")
def counts():
    """Patients by status and by each criterion's outcome; for the aggregate role protected
    together with every other count (trialgraph.aggregates): "<5" for 1 to 4, "≥5" for a
    count that would give one away."""
    found = current_release(services().store)
    audit("counts", "all")
    return jsonify(screening_counts(found, exact=current_caller().may("investigator")))


@screening.post("/validate")
@requires("investigator")
def validate():
    """Screen a record without storing it: JSON result, or the report by Accept."""
    media_type = negotiate([JSON, *REPORT_TYPES])
    record = record_from_request("POST /validate")
    as_of = as_of_parameter()
    audit("validate", [record.patient_id])
    results = screen([record], as_of)
    if media_type == JSON:
        return jsonify({"as_of": as_of.isoformat(), "patients": [r.as_json() for r in results]})
    return graph_response(validation_report(results), REPORT_TYPES)

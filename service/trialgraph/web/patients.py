"""Patient records, Graph Store Protocol style: `GET /patients` lists them, and
`PUT` (writer), `GET` (investigator) and `DELETE` (writer) `/patients/{id}` handle one record.
A PUT maps and screens the record first; a record that fails is refused whole (422) and
nothing of it is stored."""

from flask import Blueprint, Response, jsonify

from trialgraph.fhir import RecordError
from trialgraph.loading import put_records
from trialgraph.sparql_results import content_type
from trialgraph.web.audit import audit
from trialgraph.web.auth import requires
from trialgraph.web.conneg import negotiate
from trialgraph.web.context import services
from trialgraph.web.errors import NotFound, Unprocessable
from trialgraph.web.records_io import (
    RESPONSE_TYPES,
    as_of_parameter,
    record_bytes,
    record_from_request,
)
from trialgraph.web.urls import external_url_for

patients = Blueprint("patients", __name__)


@patients.get("/patients")
@requires("investigator")
def list_patients():
    """The ids of the stored patients."""
    ids = services().store.patient_ids()
    audit("list", "all")
    return jsonify({"patients": ids})


@patients.put("/patients/<patient_id>")
@requires("writer")
def put_patient(patient_id: str):
    """Store (or replace) a patient's record and screen it; 201 if new, else 200."""
    record = record_from_request(f"PUT /patients/{patient_id}")
    if record.patient_id != patient_id:
        raise Unprocessable(
            f"record refused, nothing stored: it is patient {record.patient_id!r}, "
            f"not {patient_id!r}"
        )
    store = services().store
    existed = store.has_patient(patient_id)
    try:
        put_records(store, [record], as_of_parameter())
    except RecordError as error:
        raise Unprocessable(f"record refused, nothing stored: {error}") from None
    audit("write", [patient_id])
    results = [result.as_json() for result in store.results(patient_id)]
    response = jsonify({"patient": patient_id, "created": not existed, "screening": results})
    response.status_code = 200 if existed else 201
    if not existed:
        location = external_url_for("patients.get_patient", patient_id=patient_id)
        response.headers["Location"] = location
    return response


@patients.get("/patients/<patient_id>")
@requires("investigator")
def get_patient(patient_id: str):
    """A patient's record graph, in the RDF format asked for (written by pyoxigraph)."""
    media_type = negotiate(list(RESPONSE_TYPES))
    body = record_bytes(services().store, patient_id, media_type)
    audit("read", [patient_id])
    return Response(body, content_type=content_type(media_type))


@patients.delete("/patients/<patient_id>")
@requires("writer")
def delete_patient(patient_id: str):
    """Remove a patient's record and results."""
    if not services().store.delete(patient_id):
        raise NotFound(f"no patient {patient_id!r}")
    audit("delete", [patient_id])
    return Response(status=204)

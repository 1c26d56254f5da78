"""What a stored record must be: a patient id of FHIR's id grammar (`[A-Za-z0-9\\-\\.]{1,64}`,
https://hl7.org/fhir/R4/datatypes.html#id), so every stored patient can be named in a URL, read
and erased through the API, and text that can be written out (no unpaired UTF-16 surrogate, as
JSON's `\\ud800` escape can make, which no UTF-8 answer could carry)."""

import re

from trialgraph.fhir import PatientRecord, RecordError, map_fhir

FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_patient_id(patient_id: str) -> bool:
    """Whether a patient id follows FHIR's id grammar."""
    return FHIR_ID.fullmatch(patient_id) is not None


def check_record(record: PatientRecord, source: str) -> None:
    """Raise RecordError unless the record's patient id follows FHIR's id grammar and all of
    its text is valid Unicode."""
    if not valid_patient_id(record.patient_id):
        shown = record.patient_id.encode("utf-8", "backslashreplace").decode()[:80]
        raise RecordError(
            source, "Patient", "id", f"{shown!r} is not a FHIR id ([A-Za-z0-9-.], 1 to 64)"
        )
    for triple in record.triples:
        for term in triple:
            if _SURROGATE.search(str(term)):
                raise RecordError(
                    source, "document", "text", "holds an unpaired surrogate (not Unicode text)"
                )


def read_fhir(data: bytes, source: str) -> PatientRecord:
    """Map a FHIR bundle (trialgraph.fhir), refusing one whose text is not Unicode."""
    try:
        return map_fhir(data, source)
    except UnicodeEncodeError:
        raise RecordError(
            source, "document", "text", "holds an unpaired surrogate (not Unicode text)"
        ) from None

"""Records upload: a writer's FHIR bundle (`.json`) or RDF record (`.ttl`, `.nt`, `.jsonld`)
is read as `trialgraph screen` reads files, then screened and stored as `trialgraph load`
stores records (trialgraph.loading). A refused record is stored not at all, and the refusal
names the file, resource, field and what is wrong."""

from dataclasses import dataclass
from datetime import date

from trialgraph.fhir import PatientRecord, RecordError
from trialgraph.loading import put_records
from trialgraph.patient_ids import read_fhir
from trialgraph.records import RDF_FORMATS, SUFFIXES, rdf_record
from trialgraph.store import TrialStore


@dataclass(frozen=True)
class Refusal:
    """Why a record was refused."""

    source: str
    resource: str
    field: str
    message: str

    @classmethod
    def of(cls, error: RecordError) -> "Refusal":
        return cls(error.source, error.resource, error.field, error.message)


def read_upload(filename: str, data: bytes) -> PatientRecord:
    """The record in an uploaded file, by its suffix; raise RecordError if refused."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == ".json":
        return read_fhir(data, filename)
    if suffix in RDF_FORMATS:
        return rdf_record(data, RDF_FORMATS[suffix], filename)
    expected = f"not a record file ({', '.join(SUFFIXES)})"
    raise RecordError(filename or "upload", "file", "name", expected)


def store_upload(store: TrialStore, record: PatientRecord, as_of: date) -> bool:
    """Screen and store the record (replacing the patient's); return whether it is new.
    Raise RecordError, storing nothing, if the store refuses it."""
    created = not store.has_patient(record.patient_id)
    put_records(store, [record], as_of)
    return created

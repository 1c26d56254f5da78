"""Put patient records into the store: screen them, then store each record with its results in
one transaction. Only the loaded patients are re-screened.

Screening batches hold 50 records, as `trialgraph screen` uses: on this machine 200 demo
records take 1.5 s in batches of 5 or 50, 2.3 s in batches of 100 and 5.5 s one by one.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from trialgraph.fhir import PatientRecord, RecordError
from trialgraph.records import read_records
from trialgraph.report import results_graph
from trialgraph.screening import PatientScreening, chunks, screen_records
from trialgraph.store import TrialStore, UnstorableRecord, ntriples

SCREENING_BATCH = 50
STORE_BATCH = 100


def screen(records: list[PatientRecord], as_of: date) -> list[PatientScreening]:
    """Screen records in small batches (see the module docstring)."""
    return [
        result
        for batch in chunks(records, SCREENING_BATCH)
        for result in screen_records(batch, as_of, derived=True)
    ]


def put_records(store: TrialStore, records: list[PatientRecord], as_of: date) -> None:
    """Screen the records and store them with their results as one run, in one transaction.

    Raises RecordError, and stores nothing, if a record graph cannot be stored."""
    triples = {}
    for record in records:
        if record.patient_id in triples:
            raise RecordError("input", "Patient", "id", f"{record.patient_id} is given twice")
        try:
            triples[record.patient_id] = ntriples(record)
        except UnstorableRecord as error:
            message = f"cannot be stored: {error}"
            raise RecordError(record.patient_id, "document", "RDF", message) from None
    results = screen(records, as_of)
    store.save(triples, results_graph(results, as_of) if results else None)


def load_paths(
    store: TrialStore,
    paths: list[Path],
    as_of: date,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[str]]:
    """Load every record under the paths; return how many were stored and the refusals."""
    stored, refused = 0, []
    for batch in chunks(read_records(paths), STORE_BATCH):
        records = [item for item in batch if isinstance(item, PatientRecord)]
        refused += [str(item) for item in batch if isinstance(item, RecordError)]
        for record in _duplicates(records):
            refused.append(f"{record.patient_id}: given twice in one batch, the later one is kept")
        records = list({record.patient_id: record for record in records}.values())
        stored += _put_or_each(store, records, as_of, refused)
        if progress:
            progress(len(batch))
    return stored, refused


def _duplicates(records: list[PatientRecord]) -> list[PatientRecord]:
    seen: set[str] = set()
    duplicates = []
    for record in records:
        if record.patient_id in seen:
            duplicates.append(record)
        seen.add(record.patient_id)
    return duplicates


def _put_or_each(store: TrialStore, records: list[PatientRecord], as_of: date, refused) -> int:
    """Store a batch; if the store refuses it, store its records one by one."""
    if not records:
        return 0
    try:
        put_records(store, records, as_of)
        return len(records)
    except RecordError:
        stored = 0
        for record in records:
            try:
                put_records(store, [record], as_of)
                stored += 1
            except RecordError as error:
                refused.append(f"{record.patient_id}: {error.message}")
        return stored

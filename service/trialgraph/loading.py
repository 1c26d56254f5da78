"""Put patient records into the store: screen them, then store each record with its results in
one transaction. Only the loaded patients are re-screened.

Screening batches hold 50 records, as `trialgraph screen` uses: on this machine 200 demo
records take 1.5 s in batches of 5 or 50, 2.3 s in batches of 100 and 5.5 s one by one.
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

from trialgraph.fhir import PatientRecord, RecordError
from trialgraph.patient_ids import check_record
from trialgraph.records import read_record_files
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

    Raises RecordError, and stores nothing, if a record cannot be stored: a patient id that is
    not a FHIR id, text that is not Unicode, a graph Oxigraph refuses, or a record that
    screening gives no result (a record is stored only with its result)."""
    triples = {}
    for record in records:
        check_record(record, record.patient_id)
        if record.patient_id in triples:
            raise RecordError("input", "Patient", "id", f"{record.patient_id} is given twice")
        try:
            triples[record.patient_id] = ntriples(record)
        except UnstorableRecord as error:
            message = f"cannot be stored: {error}"
            raise RecordError(record.patient_id, "document", "RDF", message) from None
    results = screen(records, as_of)
    unscreened = set(triples) - {result.patient for result in results}
    if unscreened:
        patient = min(unscreened)
        raise RecordError(patient, "document", "tg:Screening", "no screening result: a record "
                          "needs a tg:Screening of its patient to be screened and stored")
    store.save(triples, results_graph(results, as_of) if results else None)


def load_paths(
    store: TrialStore,
    paths: list[Path],
    as_of: date,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, list[str]]:
    """Load every record under the paths; return how many were stored and the refusals,
    each naming its file."""
    stored, refused = 0, []
    for batch in chunks(read_record_files(paths), STORE_BATCH):
        records: dict[str, tuple[str, PatientRecord]] = {}  # by patient id: file, record
        for file, item in batch:
            try:
                if isinstance(item, RecordError):
                    raise item
                check_record(item, file)
            except RecordError as error:
                refused.append(str(error))
                continue
            if item.patient_id in records:
                earlier = records[item.patient_id][0]
                refused.append(f"{earlier}: patient {item.patient_id} is given again in {file}")
            records[item.patient_id] = (file, item)
        stored += _put_or_each(store, dict(records.values()), as_of, refused)
        if progress:
            progress(len(batch))
    return stored, refused


def _put_or_each(
    store: TrialStore, records: dict[str, PatientRecord], as_of: date, refused: list[str]
) -> int:
    """Store a batch ({file: record}); if the store refuses it, store its records one by one."""
    if not records:
        return 0
    try:
        put_records(store, list(records.values()), as_of)
        return len(records)
    except RecordError:
        stored = 0
        for file, record in records.items():
            try:
                put_records(store, [record], as_of)
                stored += 1
            except RecordError as error:
                refused.append(f"{file}: {error.message}")
        return stored

"""Screen patient records: run the shapes over batches of records (both cores) and turn the
derived outcomes into per-patient results with evidence."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from trialgraph.engine import BatchEngine
from trialgraph.fhir import PATIENT_BASE, PatientRecord, RecordError
from trialgraph.namespaces import TG
from trialgraph.ontology import protocol_graph
from trialgraph.records import read_records
from trialgraph.records import record_files as folder_record_files
from trialgraph.resources import queries_dir

CRITERIA = [f"IN{n}" for n in range(1, 8)] + [f"EX{n}" for n in range(1, 12)]
RUN = URIRef("urn:trialgraph:run")
RDF_TYPE = ox.NamedNode(str(RDF.type))
HAS_OUTCOME = ox.NamedNode(str(TG.hasOutcome))
OUTCOME_CLASSES = {
    ox.NamedNode(str(TG.CriterionOutcome)),
    ox.NamedNode(str(TG.EligibilityAssessment)),
}
OUTCOME_COLUMNS = (
    "patient",
    "screening",
    "status",
    "criterion",
    "outcome",
    "missing",
    "item",
    "source",
    "code",
    "value",
    "unit",
    "date",
)


@dataclass
class PatientScreening:
    """One patient's status, the outcome of each criterion and what decided it."""

    patient: str
    screening: str = ""
    status: str = ""
    criteria: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, list[dict]] = field(default_factory=dict)
    report: list["ReportResult"] = field(default_factory=list)
    derived: str = ""  # N-Triples: the facts the rules derived from the record, when asked for

    def as_json(self) -> dict:
        return {
            "patient": self.patient,
            "status": self.status,
            "criteria": {cid: self.criteria.get(cid, "unknown") for cid in CRITERIA},
            "evidence": {cid: self.evidence.get(cid, []) for cid in CRITERIA},
        }


@dataclass(frozen=True)
class ReportResult:
    """One result of the W3C validation report, on the patient's screening (the focus node)."""

    shape: str
    severity: str
    value: str
    message: str


@dataclass
class BatchScreening:
    """The screened records of one batch of files, and the errors of the refused ones."""

    results: list[PatientScreening]
    errors: list[str]
    files: int


def run_graph(as_of: date) -> Graph:
    """The screening run node that gives the as-of date to records without a screening date."""
    graph = Graph()
    graph.add((RUN, RDF.type, TG.ScreeningRun))
    graph.add((RUN, TG.asOfDate, Literal(as_of.isoformat(), datatype=XSD.date)))
    return graph


@cache
def outcomes_query() -> str:
    return (queries_dir() / "outcomes.rq").read_text(encoding="utf-8")


@cache
def batch_engine() -> BatchEngine:
    return BatchEngine(protocol_graph())


def outcome_row(solution: ox.QuerySolution) -> dict[str, str | None]:
    """A solution of an outcomes query (the OUTCOME_COLUMNS) as text."""
    return {
        name: None if solution[name] is None else solution[name].value for name in OUTCOME_COLUMNS
    }


def collect_outcomes(rows: Iterable[dict[str, str | None]]) -> list[PatientScreening]:
    """Group outcome rows (as from queries/outcomes.rq) into one result per patient."""
    results: dict[str, PatientScreening] = {}
    for row in rows:
        patient = row["patient"]
        result = results.setdefault(patient, PatientScreening(patient, row["screening"]))
        result.status = row["status"]
        criterion = row["criterion"]
        result.criteria[criterion] = row["outcome"]
        evidence = result.evidence.setdefault(criterion, [])
        if row["item"]:
            item = {key: row[key] for key in ("source", "code", "value", "unit", "date")}
            item = {"id": item.pop("source") or row["item"], "iri": row["item"], **item}
            if item not in evidence:
                evidence.append(item)
        if row["missing"] and {"missing": row["missing"]} not in evidence:
            evidence.append({"missing": row["missing"]})
    return sorted(results.values(), key=lambda result: result.patient)


def screen_records(
    records: list[PatientRecord], as_of: date, derived: bool = False
) -> list[PatientScreening]:
    """Screen a batch of records in one store with the batch engine; with `derived`, each
    result also carries the facts derived from its record (age, doses, latest results ...)."""
    documents = [run_graph(as_of).serialize(format="nt"), *(r.ntriples() for r in records)]
    engine = batch_engine()
    store = engine.run(documents)
    results = store_outcomes(store)
    by_screening = {result.screening: result for result in results}
    for shape, severity, focus, value, message in engine.violations(store):
        by_screening[focus.value].report.append(
            ReportResult(str(shape), str(severity), value.value, message.value)
        )
    if derived:
        _attach_derived(results, engine.derived(store, documents))
    return results


def _attach_derived(results: list[PatientScreening], triples: list[ox.Triple]) -> None:
    """Give each result the derived triples about its patient's record items and screening
    (their IRIs start with the patient's), leaving out the outcomes, which it holds already."""
    outcomes = {
        triple.subject
        for triple in triples
        if triple.predicate == RDF_TYPE and triple.object in OUTCOME_CLASSES
    }
    by_prefix = {f"{PATIENT_BASE}{quote(r.patient, safe='')}/": r for r in results}
    found: dict[str, list[ox.Triple]] = {prefix: [] for prefix in by_prefix}
    for triple in triples:
        if triple.subject in outcomes or triple.predicate == HAS_OUTCOME:
            continue
        subject = triple.subject.value
        prefix = subject[: subject.find("/", len(PATIENT_BASE)) + 1]
        if prefix in found:
            found[prefix].append(triple)
    for prefix, facts in found.items():
        by_prefix[prefix].derived = ox.serialize(facts, format=ox.RdfFormat.N_TRIPLES).decode()


def store_outcomes(store) -> list[PatientScreening]:
    """Read the outcomes the rules derived in an Oxigraph store, one result per patient."""
    return collect_outcomes(map(outcome_row, store.query(outcomes_query())))


def _screen_files(job: tuple[list[Path], date, bool]) -> BatchScreening:
    paths, as_of, derived = job
    records, errors = [], []
    for item in read_records(paths):
        if isinstance(item, RecordError):
            errors.append(str(item))
        else:
            records.append(item)
    results = screen_records(records, as_of, derived) if records else []
    return BatchScreening(results, errors, len(paths))


def record_files(paths: list[Path]) -> list[Path]:
    """Return the record files among the paths, each folder walked as read_records walks it."""
    files = []
    for path in paths:
        files.extend(folder_record_files(path) if path.is_dir() else [path])
    return files


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Split items into lists of at most `size`."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def screen_batches(
    paths: list[Path],
    as_of: date,
    batch_size: int = 50,
    workers: int = 2,
    derived: bool = False,
) -> Iterator[BatchScreening]:
    """Screen every record under the paths, batch by batch in file order, on `workers` cores
    (with `derived`, each result carries the facts derived from its record)."""
    jobs = [(batch, as_of, derived) for batch in chunks(record_files(paths), batch_size)]
    if workers > 1 and len(jobs) > 1:
        with get_context("fork").Pool(workers) as pool:
            yield from pool.imap(_screen_files, jobs)
    else:
        yield from map(_screen_files, jobs)

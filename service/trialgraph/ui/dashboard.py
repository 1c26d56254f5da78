"""The screening dashboard's numbers: each stored patient's status, enrolment and criterion
outcomes (read from the store with ui/queries/, again only after a write), counts by
status, attrition per criterion, and the patient-by-criterion grid filtered, sorted and paged.

Enrolled means a ResearchSubject status the study lists as tg:enrolledSubjectStatus
(ontology/protocol.ttl), read by ui/queries/screenings.rq.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from math import ceil

from rdflib.namespace import RDFS
from werkzeug.datastructures import MultiDict

from trialgraph.namespaces import TG
from trialgraph.ontology import protocol_graph
from trialgraph.screening import CRITERIA
from trialgraph.store import TrialStore
from trialgraph.web.errors import BadRequest

STATUSES = ("eligible", "ineligible", "undetermined")
OUTCOMES = ("met", "not-met", "unknown", "not-applicable")
EXCLUDING = ("excludes", "excludes-alone")
PAGE_SIZES = (25, 50, 100, 250, 500)
SORTS = ("patient", "status", "enrolled", *CRITERIA)


@dataclass
class PatientRow:
    """One patient's line of the grid."""

    patient: str
    status: str = ""
    enrolled: bool = False
    outcomes: dict[str, str] = field(default_factory=dict)


def excluded_by(row: PatientRow, excluding: dict[str, str]) -> list[str]:
    """The criteria that exclude this patient (`excluding`: each criterion's excluding outcome)."""
    return [cid for cid in CRITERIA if row.outcomes.get(cid) == excluding[cid]]


@cache
def ui_query(name: str) -> str:
    """The text of one of the workspace's queries (ui/queries/NAME.rq)."""
    return files("trialgraph.ui").joinpath(f"queries/{name}.rq").read_text(encoding="utf-8")


@cache
def _labels() -> dict[str, str]:
    """Status and outcome values by IRI as their labels, criteria by IRI as their ids."""
    graph = protocol_graph()
    found = {str(node): str(label) for node, label in graph.subject_objects(RDFS.label)}
    return found | {str(node): str(cid) for node, cid in graph.subject_objects(TG.criterionId)}


_cache: dict[int, tuple[int, list[PatientRow]]] = {}
_cache_lock = threading.Lock()


def _read_rows(store: TrialStore) -> list[PatientRow]:
    labels, rows = _labels(), {}
    for solution in store.read(ui_query("screenings")):
        row = rows.setdefault(solution["screening"].value, PatientRow(solution["patient"].value))
        row.enrolled = row.enrolled or solution["enrolled"].value == "true"
    for solution in store.read(ui_query("outcomes")):
        row = rows.get(solution["screening"].value)
        if row is not None:
            row.status = labels[solution["status"].value]
            row.outcomes[labels[solution["criterion"].value]] = labels[solution["outcome"].value]
    found = sorted((row for row in rows.values() if row.status), key=lambda row: row.patient)
    for row in found:
        row.outcomes = {cid: row.outcomes[cid] for cid in CRITERIA if cid in row.outcomes}
    return found


def patient_rows(store: TrialStore) -> list[PatientRow]:
    """Every screened patient's row, sorted by id; read again only when the store has changed."""
    with _cache_lock:
        cached = _cache.get(id(store))
        if cached and cached[0] == store.generation:
            return cached[1]
        generation = store.generation
    found = _read_rows(store)
    with _cache_lock:
        _cache[id(store)] = (generation, found)
    return found


def status_counts(rows: list[PatientRow]) -> dict[str, dict[str, int]]:
    """Patients screened and enrolled, by status and in total."""
    screened = Counter(row.status for row in rows)
    enrolled = Counter(row.status for row in rows if row.enrolled)
    return {
        column: {**{status: counts[status] for status in STATUSES}, "total": counts.total()}
        for column, counts in (("screened", screened), ("enrolled", enrolled))
    }


@dataclass(frozen=True)
class Attrition:
    """How many patients a criterion excludes, and how many it alone excludes."""

    criterion: str
    excludes: int | str
    alone: int | str


def attrition(rows: list[PatientRow], excluding: dict[str, str]) -> list[Attrition]:
    """Per criterion, in protocol order: patients it excludes, and patients only it excludes."""
    every, alone = Counter(), Counter()
    for row in rows:
        found = excluded_by(row, excluding)
        every.update(found)
        if len(found) == 1:
            alone.update(found)
    return [Attrition(cid, every[cid], alone[cid]) for cid in CRITERIA]


@dataclass(frozen=True)
class GridQuery:
    """The grid's filters, sort and page, from the page's query string."""

    status: str = ""
    criterion: str = ""
    outcome: str = ""
    sort: str = "patient"
    order: str = "asc"
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args: MultiDict) -> "GridQuery":
        """Read and check the parameters; raise BadRequest naming a bad one."""
        choices = {
            "status": ("", *STATUSES),
            "criterion": ("", *CRITERIA),
            "outcome": ("", *OUTCOMES, *EXCLUDING),
            "sort": SORTS,
            "order": ("asc", "desc"),
        }
        given = {name: args.get(name, getattr(cls, name)) for name in choices}
        for name, allowed in choices.items():
            if given[name] not in allowed:
                raise BadRequest(f"{name}={given[name]!r} is not one of {', '.join(allowed[1:])}")
        numbers = {}
        for name in ("page", "per_page"):
            text = args.get(name, str(getattr(cls, name)))
            if not text.isdigit() or int(text) < 1:
                raise BadRequest(f"{name}={text!r} is not a positive whole number")
            numbers[name] = int(text)
        if numbers["per_page"] not in PAGE_SIZES:
            raise BadRequest(f"per_page must be one of {', '.join(map(str, PAGE_SIZES))}")
        return cls(**given, **numbers)

    def keeps(self, row: PatientRow, excluding: dict[str, str]) -> bool:
        """Whether a row passes the filters."""
        if self.status and row.status != self.status:
            return False
        if not self.outcome:
            return True
        if self.outcome in EXCLUDING:
            found = excluded_by(row, excluding)
            if self.outcome == "excludes-alone" and len(found) != 1:
                return False
            return self.criterion in found if self.criterion else bool(found)
        criteria = [self.criterion] if self.criterion else CRITERIA
        return any(row.outcomes.get(cid) == self.outcome for cid in criteria)

    def sort_key(self, row: PatientRow):
        if self.sort == "patient":
            return (row.patient,)
        if self.sort == "status":
            return (STATUSES.index(row.status), row.patient)
        if self.sort == "enrolled":
            return (row.enrolled, row.patient)
        outcome = row.outcomes.get(self.sort, "unknown")
        return (OUTCOMES.index(outcome), row.patient)


@dataclass(frozen=True)
class GridPage:
    """One page of the filtered and sorted grid."""

    rows: list[PatientRow]
    matching: int
    page: int
    pages: int


def grid_page(rows: list[PatientRow], query: GridQuery, excluding: dict[str, str]) -> GridPage:
    """The rows that pass the filters, sorted, cut to the asked page (the last if beyond)."""
    kept = sorted(
        (row for row in rows if query.keeps(row, excluding)),
        key=query.sort_key,
        reverse=query.order == "desc",
    )
    pages = max(1, ceil(len(kept) / query.per_page))
    page = min(query.page, pages)
    start = (page - 1) * query.per_page
    return GridPage(kept[start : start + query.per_page], len(kept), page, pages)

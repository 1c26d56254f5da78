"""The screening dashboard: the patient-by-criterion grid (each stored patient's row from
trialgraph.screening_rows) filtered, sorted and paged. Its counts come from
trialgraph.aggregates, as every count of patients does.
"""

from dataclasses import dataclass
from math import ceil

from werkzeug.datastructures import MultiDict

from trialgraph.aggregates import OUTCOMES, STATUSES, excluded_by
from trialgraph.screening import CRITERIA
from trialgraph.screening_rows import PatientRow, patient_rows, ui_query
from trialgraph.web.errors import BadRequest

__all__ = ["OUTCOMES", "STATUSES", "PatientRow", "patient_rows", "ui_query"]

EXCLUDING = ("excludes", "excludes-alone")
PAGE_SIZES = (25, 50, 100, 250, 500)
SORTS = ("patient", "status", "enrolled", *CRITERIA)


@dataclass(frozen=True)
class Attrition:
    """How many patients a criterion excludes, and how many it alone excludes."""

    criterion: str
    excludes: int | str
    alone: int | str


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

"""Every count of patients the service shows, from one place: each screened patient's status,
enrolment and criterion outcomes (the dashboard's rows) give the counts by status, by each
criterion's outcome, of the enrolled, and the attrition per criterion. `release` protects them
all together (trialgraph.disclosure), so `/screening/counts`, the dashboard and its JSON twin,
the aggregate canned queries and the VoID sizes show the aggregate role the same protected
values, and none of them can be subtracted from another to give a small cell away.

The relations a reader could use: the patients are the sum of each status and of each
criterion's outcomes; the enrolled are the sum of the enrolled by status; a status's patients
are its enrolled and its not enrolled (never shown); the patients a criterion excludes are those
it alone excludes and those others exclude too (never shown); the ineligible are the patients
each criterion alone excludes and those several exclude (never shown).
"""

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from trialgraph.disclosure import Key, Partition, Shown, protect
from trialgraph.screening import CRITERIA
from trialgraph.screening_rows import excluding_outcomes, patient_rows
from trialgraph.store import TrialStore

STATUSES = ("eligible", "ineligible", "undetermined")
OUTCOMES = ("met", "not-met", "unknown", "not-applicable")
PATIENTS: Key = ("patients",)


class Row(Protocol):
    """A screened patient as the dashboard reads one."""

    status: str
    enrolled: bool
    outcomes: dict[str, str]


@dataclass(frozen=True)
class Release:
    """The exact counts and what the aggregate role is shown of them."""

    exact: dict[Key, int]
    shown: dict[Key, Shown]
    excluding: dict[str, str]

    def value(self, key: Key, exact: bool) -> Shown:
        """A count as an investigator (exact) or the aggregate role sees it."""
        return self.exact[key] if exact else self.shown[key]


def excluded_by(row: Row, excluding: dict[str, str]) -> list[str]:
    """The criteria that exclude this patient (`excluding`: each criterion's excluding outcome)."""
    return [cid for cid in CRITERIA if row.outcomes.get(cid) == excluding[cid]]


def _counts(rows: Sequence[Row], excluding: dict[str, str]) -> Counter:
    counts: Counter = Counter({PATIENTS: len(rows), ("enrolled", "total"): 0})
    for status in STATUSES:
        counts.update({("status", status): 0, ("enrolled", status): 0, ("others", status): 0})
    for cid in CRITERIA:
        counts.update({("alone", cid): 0, ("with-others", cid): 0})
        counts.update({("outcome", cid, outcome): 0 for outcome in OUTCOMES})
    counts[("ineligible", "several")] = 0
    for row in rows:
        counts[("status", row.status)] += 1
        enrolled = ("enrolled", row.status) if row.enrolled else ("others", row.status)
        counts[enrolled] += 1
        counts[("enrolled", "total")] += row.enrolled
        for cid in CRITERIA:
            counts[("outcome", cid, row.outcomes.get(cid, "unknown"))] += 1
        found = excluded_by(row, excluding)
        if len(found) == 1:
            counts[("alone", found[0])] += 1
        for cid in found if len(found) > 1 else []:
            counts[("with-others", cid)] += 1
        counts[("ineligible", "several")] += len(found) > 1
    return counts


def _partitions(excluding: dict[str, str]) -> list[Partition]:
    return [
        Partition(PATIENTS, tuple(("status", s) for s in STATUSES)),
        *(Partition(PATIENTS, tuple(("outcome", c, o) for o in OUTCOMES)) for c in CRITERIA),
        Partition(("enrolled", "total"), tuple(("enrolled", s) for s in STATUSES)),
        *(Partition(("status", s), (("enrolled", s), ("others", s))) for s in STATUSES),
        *(
            Partition(("outcome", c, excluding[c]), (("alone", c), ("with-others", c)))
            for c in CRITERIA
        ),
        Partition(
            ("status", "ineligible"),
            (*(("alone", c) for c in CRITERIA), ("ineligible", "several")),
        ),
    ]


def release(rows: Sequence[Row], excluding: dict[str, str]) -> Release:
    """Every count of these patients, protected together."""
    counts = _counts(rows, excluding)
    hidden = frozenset(
        key for key in counts if key[0] in ("others", "with-others", "ineligible")
    )
    return Release(dict(counts), protect(counts, _partitions(excluding), hidden), excluding)


_released: dict[int, tuple[int, Release]] = {}
_released_lock = threading.Lock()


def current_release(store: TrialStore) -> Release:
    """The protected counts of the stored patients, worked out again only after a write."""
    generation = store.generation
    with _released_lock:
        cached = _released.get(id(store))
        if cached and cached[0] == generation:
            return cached[1]
    found = release(patient_rows(store), excluding_outcomes())
    with _released_lock:
        _released[id(store)] = (generation, found)
    return found


# --- the outputs ---------------------------------------------------------------------------


def screening_counts(found: Release, exact: bool) -> dict:
    """`/screening/counts`: patients, by status and by each criterion's outcome (the values
    that occur)."""
    return {
        "patients": found.value(PATIENTS, exact),
        "status": {
            s: found.value(("status", s), exact)
            for s in sorted(STATUSES)
            if found.exact[("status", s)]
        },
        "criteria": {
            cid: {
                o: found.value(("outcome", cid, o), exact)
                for o in sorted(OUTCOMES)
                if found.exact[("outcome", cid, o)]
            }
            for cid in CRITERIA
        },
    }


def status_table(found: Release, exact: bool) -> dict[str, dict[str, Shown]]:
    """The dashboard's patients screened and enrolled, by status and in total."""
    return {
        "screened": {
            **{s: found.value(("status", s), exact) for s in STATUSES},
            "total": found.value(PATIENTS, exact),
        },
        "enrolled": {
            **{s: found.value(("enrolled", s), exact) for s in STATUSES},
            "total": found.value(("enrolled", "total"), exact),
        },
    }


def attrition(found: Release, exact: bool) -> list[tuple[str, Shown, Shown]]:
    """Per criterion, in protocol order: patients it excludes, and patients only it excludes."""
    return [
        (
            cid,
            found.value(("outcome", cid, found.excluding[cid]), exact),
            found.value(("alone", cid), exact),
        )
        for cid in CRITERIA
    ]


@dataclass(frozen=True)
class Table:
    """How the rows of an aggregate canned query map onto the counts: the variable that names
    a row, and for each count variable the key of its count."""

    row: str
    cells: dict[str, Callable[[str, Release], Key]]


TABLES = {
    "status": Table(
        "status",
        {
            "screened": lambda status, _: ("status", status),
            "enrolled": lambda status, _: ("enrolled", status),
        },
    ),
    "attrition": Table(
        "criterion",
        {
            "excluded": lambda cid, found: ("outcome", cid, found.excluding[cid]),
            "excludedAlone": lambda cid, _: ("alone", cid),
        },
    ),
}

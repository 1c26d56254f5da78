"""Small-cell protection for the aggregate role (trialgraph.disclosure), and the release of
every count of patients (trialgraph.aggregates)."""

import pytest

from trialgraph.aggregates import attrition, release, screening_counts
from trialgraph.disclosure import HIDDEN, SUPPRESSED, Partition, column, protect
from trialgraph.disclosure import suppressed as small
from trialgraph.screening import CRITERIA
from trialgraph.screening_rows import PatientRow, excluding_outcomes


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, "<5"), (4, "<5"), (5, 5), (250, 250)])
def test_small_cells(count, shown):
    assert small(count) == shown


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        (
            {"eligible": 6, "ineligible": 9, "undetermined": 3, "total": 18},
            {"eligible": "≥5", "ineligible": 9, "undetermined": "<5", "total": 18},
        ),
        (
            {"eligible": 2, "ineligible": 9, "undetermined": 3, "total": 14},
            {"eligible": "<5", "ineligible": 9, "undetermined": "<5", "total": 14},
        ),
        (
            {"eligible": 1, "ineligible": 0, "undetermined": 0, "total": 1},
            {"eligible": "<5", "ineligible": 0, "undetermined": 0, "total": "<5"},
        ),
        (
            {"eligible": 3, "ineligible": 0, "undetermined": 40, "total": 43},
            {"eligible": "<5", "ineligible": 0, "undetermined": "≥5", "total": 43},
        ),
        (
            {"eligible": 7, "ineligible": 9, "undetermined": 0, "total": 16},
            {"eligible": 7, "ineligible": 9, "undetermined": 0, "total": 16},
        ),
    ],
    ids=["one-small-hides-smallest-other", "two-small", "small-total", "zeros-stay", "none"],
)
def test_a_single_small_cell_cannot_be_worked_out_from_the_total(counts, shown):
    assert column(counts) == shown


def test_a_hidden_count_is_protected_too():
    """screened = enrolled + not enrolled (never shown): 9 screened and 7 enrolled would give
    2 not enrolled away."""
    counts = {"screened": 9, "enrolled": 7, "others": 2}
    shown = protect(counts, [Partition("screened", ("enrolled", "others"))], frozenset({"others"}))
    assert HIDDEN in shown.values()


def row(status: str, enrolled: bool = False, **outcomes: str) -> PatientRow:
    base = {cid: ("not-met" if cid.startswith("EX") else "met") for cid in CRITERIA}
    return PatientRow("p", status, enrolled, {**base, **outcomes})


def test_attrition_and_counts_agree_for_the_aggregate_role():
    """The attack of issue 9: counts hid a cell as "≥5" that attrition showed exactly."""
    rows = [row("eligible") for _ in range(7)] + [row("ineligible", IN1="not-met")] * 2
    found = release(rows, excluding_outcomes())
    counts = screening_counts(found, exact=False)["criteria"]["IN1"]
    shown = {cid: excludes for cid, excludes, _ in attrition(found, exact=False)}
    assert counts["not-met"] == SUPPRESSED
    assert shown["IN1"] == counts["not-met"]
    assert counts["met"] == HIDDEN, "met = total - not-met would give not-met away"

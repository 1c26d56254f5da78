"""Small-cell suppression for the aggregate role (trialgraph.ui.suppression)."""

import pytest

from trialgraph.disclosure import column
from trialgraph.disclosure import suppressed as small
from trialgraph.ui.dashboard import Attrition
from trialgraph.ui.suppression import attrition


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


def test_attrition_suppresses_each_count():
    found = attrition([Attrition("IN1", 12, 3), Attrition("EX1", 4, 0)])
    assert found == [Attrition("IN1", 12, "<5"), Attrition("EX1", "<5", 0)]

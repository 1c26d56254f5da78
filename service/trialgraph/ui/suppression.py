"""Counts for the aggregate role on the dashboard, by the rules of trialgraph.disclosure."""

from trialgraph.disclosure import HIDDEN, SMALL_CELL, SUPPRESSED, column, suppressed
from trialgraph.ui.dashboard import Attrition

__all__ = ["HIDDEN", "SMALL_CELL", "SUPPRESSED", "attrition", "column"]


def attrition(items: list[Attrition]) -> list[Attrition]:
    """Attrition with small cells suppressed (criteria share patients: no total to subtract
    from)."""
    return [
        Attrition(item.criterion, suppressed(item.excludes), suppressed(item.alone))
        for item in items
    ]

"""Counts for the aggregate role: a cell of 1 to 4 patients is shown as "<5" (as the API's
/screening/counts does), and where a column shows its total, one more cell is hidden ("≥5")
whenever a single small cell could otherwise be worked out by subtraction."""

from trialgraph.ui.dashboard import Attrition

SMALL_CELL = 5
SMALL = f"<{SMALL_CELL}"
HIDDEN = f"≥{SMALL_CELL}"


def small(count: int) -> int | str:
    """A count, or "<5" for 1 to 4."""
    return SMALL if 0 < count < SMALL_CELL else count


def column(counts: dict[str, int], total: str = "total") -> dict[str, int | str]:
    """A column of counts with its total, small cells suppressed, and a second cell hidden if
    exactly one is suppressed (else total minus the others would give it away)."""
    shown: dict[str, int | str] = {name: small(count) for name, count in counts.items()}
    cells = [name for name in counts if name != total]
    suppressed = [name for name in cells if shown[name] == SMALL]
    if len(suppressed) == 1 and shown[total] != SMALL:
        others = [name for name in cells if name not in suppressed and counts[name] > 0]
        if others:
            shown[min(others, key=lambda name: counts[name])] = HIDDEN
    return shown


def attrition(items: list[Attrition]) -> list[Attrition]:
    """Attrition with small cells suppressed (criteria share patients: no total to subtract
    from)."""
    return [Attrition(item.criterion, small(item.excludes), small(item.alone)) for item in items]

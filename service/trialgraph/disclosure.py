"""Small-cell suppression for counts of patients shown to the aggregate role: a count from 1 to
4 could single out a patient, so it is shown as "<5"; 0 is shown. Where a column shows its total
and exactly one cell is small, the smallest other non-zero cell is hidden too ("≥5"), else the
total minus the others would give the small one away (README, Decisions)."""

SMALL_CELL = 5
SUPPRESSED = f"<{SMALL_CELL}"
HIDDEN = f"≥{SMALL_CELL}"


def is_small(count: int) -> bool:
    """Whether a count of patients is a small cell that must not be shown."""
    return 0 < count < SMALL_CELL


def suppressed(count: int) -> int | str:
    """The count, or "<5" for a small cell."""
    return SUPPRESSED if is_small(count) else count


def column(counts: dict[str, int], total: str = "total") -> dict[str, int | str]:
    """A column of counts with its total (the `total` entry), small cells suppressed, and a
    second cell hidden if exactly one is suppressed."""
    shown: dict[str, int | str] = {name: suppressed(count) for name, count in counts.items()}
    cells = [name for name in counts if name != total]
    small = [name for name in cells if shown[name] == SUPPRESSED]
    if len(small) == 1 and shown[total] != SUPPRESSED:
        others = [name for name in cells if name not in small and counts[name] > 0]
        if others:
            shown[min(others, key=lambda name: counts[name])] = HIDDEN
    return shown

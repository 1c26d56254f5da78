"""Small-cell suppression for counts of patients shown to the aggregate role: a count from 1 to
4 could single out a patient, so it is shown as "<5"; 0 is shown (README, Decisions)."""

SMALL_CELL = 5
SUPPRESSED = f"<{SMALL_CELL}"


def is_small(count: int) -> bool:
    """Whether a count of patients is a small cell that must not be shown."""
    return 0 < count < SMALL_CELL


def suppressed(count: int) -> int | str:
    """The count, or "<5" for a small cell."""
    return SUPPRESSED if is_small(count) else count

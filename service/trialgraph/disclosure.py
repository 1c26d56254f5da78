"""Small-cell protection for counts of patients shown to the aggregate role, across every
output at once (README, Decisions and "Threat model").

A count from 1 to 4 could single out a patient, so it is shown as "<5"; 0 is shown. Counts are
related: a total is the sum of its cells, a status's enrolled patients are part of its screened
ones, and so on. Each relation is a `Partition` (a parent count is the sum of its parts, some of
which may never be shown), and the counts of every output are protected together: from what is
shown ("<5" means 1 to 4, "≥5" at least 5) and the partitions, bounds on every count are worked
out the way a reader could (interval propagation), and while some count from 1 to 4 could be
worked out exactly, one more count is hidden as "≥5": the smallest shown one near it. So no sum
or difference of shown numbers, in one output or across outputs, gives a small cell exactly.
"""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

SMALL_CELL = 5
SUPPRESSED = f"<{SMALL_CELL}"
HIDDEN = f"≥{SMALL_CELL}"
_UNBOUNDED = 10**12

Key = Hashable
Shown = int | str


def is_small(count: int) -> bool:
    """Whether a count of patients is a small cell that must not be shown."""
    return 0 < count < SMALL_CELL


def suppressed(count: int) -> Shown:
    """The count, or "<5" for a small cell (on its own: see `protect` for related counts)."""
    return SUPPRESSED if is_small(count) else count


@dataclass(frozen=True)
class Partition:
    """`parent` counts the patients of `parts` together, each patient in exactly one part."""

    parent: Key
    parts: tuple[Key, ...]


def _bounds(
    counts: Mapping[Key, int], shown: Mapping[Key, Shown], partitions: Sequence[Partition]
) -> dict[Key, tuple[int, int]]:
    """What a reader can tell of every count from the shown values and the partitions."""
    bounds: dict[Key, tuple[int, int]] = {}
    for key in counts:
        value = shown.get(key)
        if value == SUPPRESSED:
            bounds[key] = (1, SMALL_CELL - 1)
        elif value == HIDDEN:
            bounds[key] = (SMALL_CELL, _UNBOUNDED)
        elif isinstance(value, int):
            bounds[key] = (value, value)
        else:  # never shown
            bounds[key] = (0, _UNBOUNDED)
    for _ in range(100):
        changed = False
        for partition in partitions:
            parts = partition.parts
            low_sum = sum(bounds[p][0] for p in parts)
            high_sum = sum(bounds[p][1] for p in parts)
            low, high = bounds[partition.parent]
            new_parent = (max(low, low_sum), min(high, high_sum))
            if new_parent != (low, high):
                bounds[partition.parent], changed = new_parent, True
            low, high = new_parent
            for part in parts:
                part_low, part_high = bounds[part]
                others_low = low_sum - part_low
                others_high = high_sum - part_high
                new = (max(part_low, low - others_high), min(part_high, high - others_low))
                if new != (part_low, part_high):
                    bounds[part], changed = new, True
        if not changed:
            break
    return bounds


def _exposed(counts, shown, partitions) -> Key | None:
    """A count from 1 to 4 that the shown values give away exactly, if any."""
    bounds = _bounds(counts, shown, partitions)
    for key, count in counts.items():
        low, high = bounds[key]
        if is_small(count) and low == high:
            return key
    return None


def _next_to_hide(key: Key, counts, shown, partitions) -> Key | None:
    """The smallest count still shown exactly (5 or more) in the partitions nearest `key`."""
    seen, frontier = {key}, {key}
    while frontier:
        near = [p for p in partitions if p.parent in frontier or frontier & set(p.parts)]
        keys = {k for p in near for k in (p.parent, *p.parts)}
        candidates = [
            k for k in keys if isinstance(shown.get(k), int) and counts[k] >= SMALL_CELL
        ]
        if candidates:
            return min(candidates, key=lambda k: (counts[k], str(k)))
        frontier = keys - seen
        seen |= keys
    return None


def protect(
    counts: Mapping[Key, int],
    partitions: Sequence[Partition],
    hidden: frozenset[Key] = frozenset(),
) -> dict[Key, Shown]:
    """What the aggregate role sees of each count (the `hidden` ones are never shown, but are
    protected too): exact, "<5", or "≥5" where showing it would give a small count away."""
    shown: dict[Key, Shown] = {
        key: suppressed(count) for key, count in counts.items() if key not in hidden
    }
    while (exposed := _exposed(counts, shown, partitions)) is not None:
        chosen = _next_to_hide(exposed, counts, shown, partitions)
        if chosen is None:
            break
        shown[chosen] = HIDDEN
    return shown


def column(counts: dict[str, int], total: str = "total") -> dict[str, Shown]:
    """One column of counts with its total (the `total` entry), protected."""
    parts = tuple(name for name in counts if name != total)
    return protect(counts, [Partition(total, parts)])  # type: ignore[return-value]

"""Fair sharing of the query workers: no caller, and not the callers without a token together,
can hold them all. A caller (a token's name, or an address for callers without a token) runs
at most `per_caller` worker jobs at once, and callers without a token together at most
`anonymous`; a job over either limit is refused at once (the web layer answers 503 with
`Retry-After`) instead of waiting behind the others.
"""

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

ANONYMOUS_GROUP = "(no token)"


class Saturated(Exception):
    """The caller (or every caller without a token) already has its share of the workers."""


class FairShare:
    """Counts the worker jobs in progress per caller and for callers without a token."""

    def __init__(self, per_caller: int, anonymous: int) -> None:
        self.per_caller, self.anonymous = per_caller, anonymous
        self._running: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, caller: str, has_token: bool) -> Iterator[None]:
        """Hold one of the caller's slots while a job runs; raise Saturated if there is none."""
        keys = [caller] if has_token else [caller, ANONYMOUS_GROUP]
        with self._lock:
            if self._running[caller] >= self.per_caller:
                raise Saturated(f"{caller} already runs {self.per_caller} queries at once")
            if not has_token and self._running[ANONYMOUS_GROUP] >= self.anonymous:
                raise Saturated("the queries without a token already use their share of workers")
            self._running.update(keys)
        try:
            yield
        finally:
            with self._lock:
                self._running.subtract(keys)

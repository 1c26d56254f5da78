"""The audit log: one JSON line per read or write of patient data, naming who (the token's
name and role), what, and which patients, never a clinical value nor a query's text."""

import json
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, request

from trialgraph.web.auth import current_caller


class AuditLog:
    """Appends audit lines to a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, entry: dict) -> None:
        line = json.dumps({"time": datetime.now(UTC).isoformat(), **entry}, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as file:
            file.write(line + "\n")

    def lines(self) -> list[dict]:
        """Every entry, oldest first."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]


def audit(action: str, patients: list[str] | str, **details: object) -> None:
    """Record that the current caller did `action` to these patients ("all": every one)."""
    caller = current_caller()
    current_app.extensions["trialgraph"].audit.write(
        {
            "who": caller.name,
            "role": caller.role,
            "action": action,
            "patients": patients,
            "method": request.method,
            "path": request.path,
            **details,
        }
    )

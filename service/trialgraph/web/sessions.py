"""Sessions of the pages, kept by the server: the session cookie holds only a random session
id, and the id names a session here (the hash of its token and when it ends), in
`<DATA_DIR>/sessions.json` (mode 0600, so sessions survive a restart). Signing out deletes the
session, so an old cookie opens nothing; a session also ends when its token is removed from
the tokens file, or after its lifetime."""

import json
import secrets
import threading
import time
from pathlib import Path

from trialgraph.private_files import write_private


class Sessions:
    """The live sessions: id -> (token hash, end time in seconds since the epoch)."""

    def __init__(self, path: Path, lifetime: float) -> None:
        self.path, self.lifetime = path, lifetime
        self._lock = threading.Lock()
        self._live: dict[str, tuple[str, float]] = {}
        if path.exists():
            found = json.loads(path.read_text(encoding="utf-8"))
            self._live = {sid: (digest, float(end)) for sid, (digest, end) in found.items()}

    def _save(self) -> None:
        now = time.time()
        self._live = {sid: entry for sid, entry in self._live.items() if entry[1] > now}
        write_private(self.path, json.dumps(self._live))

    def start(self, token_digest: str) -> str:
        """A new session for a token (by its hash); return its id."""
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._live[sid] = (token_digest, time.time() + self.lifetime)
            self._save()
        return sid

    def token_of(self, sid: str) -> str | None:
        """The token hash of a live session, or None."""
        with self._lock:
            entry = self._live.get(sid)
        return entry[0] if entry and entry[1] > time.time() else None

    def end(self, sid: str) -> None:
        """End a session (sign-out)."""
        with self._lock:
            if self._live.pop(sid, None) is not None:
                self._save()

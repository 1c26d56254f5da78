"""API tokens and roles. A request names its token as `Authorization: Bearer <token>`.

Roles, each allowed what the one before it is: `aggregate` (counts, small cells suppressed),
`investigator` (patient-level reads and SPARQL over every graph), `writer` (records and SPARQL
Update), `admin` (also the audit log). Without a token only the protocol, ontology and shapes
can be read. The tokens file keeps SHA-256 hashes; a new file gets one demo token per role,
whose text is known only to the process that made it (`Tokens.created`).
"""

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path

from flask import current_app, g, request

from trialgraph.private_files import write_private
from trialgraph.web.errors import Forbidden, Unauthorized

ROLES = ("aggregate", "investigator", "writer", "admin")


@dataclass(frozen=True)
class Caller:
    """Who is asking: the token's name and role (role None: no token)."""

    name: str
    role: str | None

    def may(self, role: str) -> bool:
        """Whether the caller has this role or a higher one."""
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)


ANONYMOUS = Caller("anonymous", None)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _read_entries(path: Path) -> list[dict]:
    entries = json.loads(path.read_text(encoding="utf-8"))["tokens"]
    bad = [e for e in entries if e.get("role") not in ROLES or not e.get("sha256")]
    if bad:
        raise ValueError(f"{path}: tokens without a known role or hash: {bad}")
    return entries


@dataclass
class Tokens:
    """The tokens file: name, role and hash of each token. The file is read again when it
    changes, so a token removed from it (`trialgraph revoke`) is refused at once."""

    path: Path
    entries: list[dict] = field(default_factory=list)
    created: dict[str, str] = field(default_factory=dict)
    _stamp: int = 0

    @classmethod
    def open(cls, path: Path) -> "Tokens":
        """Read the tokens file, or create it with a demo token per role."""
        if path.exists():
            return cls(path, _read_entries(path), _stamp=path.stat().st_mtime_ns)
        tokens = cls(path)
        for role in ROLES:
            tokens.created[role] = tokens.add(f"demo-{role}", role)
        return tokens

    def refresh(self) -> None:
        """Read the file again if it has changed since it was read or written."""
        try:
            stamp = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if stamp != self._stamp:
            self.entries, self._stamp = _read_entries(self.path), stamp

    def _save(self) -> None:
        write_private(self.path, json.dumps({"tokens": self.entries}, indent=1))
        self._stamp = self.path.stat().st_mtime_ns

    def remove(self, name: str) -> int:
        """Remove the tokens of this name; return how many there were."""
        self.refresh()
        kept = [entry for entry in self.entries if entry["name"] != name]
        removed, self.entries = len(self.entries) - len(kept), kept
        self._save()
        return removed

    def add(self, name: str, role: str) -> str:
        """Make a new token for a role, save its hash, and return its text."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
        token = f"tg-{role}-{secrets.token_urlsafe(24)}"
        self.refresh()
        self.entries.append({"name": name, "role": role, "sha256": _digest(token)})
        self._save()
        return token

    def caller(self, token: str) -> Caller | None:
        """The caller a token belongs to, or None."""
        self.refresh()
        digest = _digest(token)
        for entry in self.entries:
            if hmac.compare_digest(entry["sha256"], digest):
                return Caller(entry["name"], entry["role"])
        return None


def current_caller() -> Caller:
    """The caller of this request; raise Unauthorized for a malformed or unknown token."""
    if "caller" not in g:
        header = request.headers.get("Authorization")
        if header is None:
            g.caller = ANONYMOUS
        else:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("the Authorization header must be 'Bearer <token>'")
            found = current_app.extensions["trialgraph"].tokens.caller(token.strip())
            if found is None:
                raise Unauthorized("unknown token")
            g.caller = found
    return g.caller


def require(role: str) -> Caller:
    """The caller, if it has this role or a higher one; else raise 401 (no token) or 403."""
    caller = current_caller()
    if caller.role is None:
        raise Unauthorized(f"this needs a token with the {role} role or higher")
    if not caller.may(role):
        raise Forbidden(f"the {caller.role} role may not do this; it needs {role} or higher")
    return caller


def requires(role: str):
    """Decorate a view so it runs only for callers with this role or a higher one."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            require(role)
            return view(*args, **kwargs)

        return guarded

    return decorate

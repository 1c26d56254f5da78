"""Service settings, read from environment variables that start with `TRIALGRAPH_`.

Every setting has a default; the README's "Settings" table documents them all.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "TRIALGRAPH_"


class SettingsError(ValueError):
    """A setting whose value cannot be used."""


@dataclass(frozen=True)
class Settings:
    """The service's guardrails and places."""

    data_dir: Path = Path("trialgraph-data")
    tokens_file: Path | None = None
    query_timeout: float = 30.0
    max_rows: int = 10_000
    max_upload_bytes: int = 10_000_000
    service_allowlist: tuple[str, ...] = field(default_factory=tuple)
    query_workers: int = 2
    query_memory_mb: int = 2048
    caller_requests: int = 2
    max_triples: int = 200_000
    max_literal_bytes: int = 1_000_000
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str | None = None

    @property
    def base_url(self) -> str:
        """The public base URL of created IRIs and `Location`: the setting, or host and port."""
        return (self.public_base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def tokens_path(self) -> Path:
        """The tokens file: the setting, or tokens.json in the data folder."""
        return self.tokens_file or self.data_dir / "tokens.json"

    @property
    def store_dir(self) -> Path:
        return self.data_dir / "store"

    @property
    def snapshots_dir(self) -> Path:
        return self.data_dir / "snapshots"

    @property
    def audit_log(self) -> Path:
        return self.data_dir / "audit.log"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        """Read the settings from `TRIALGRAPH_*` variables; raise SettingsError on a bad value."""
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(PREFIX + name)
            return value.strip() if value is not None and value.strip() else None

        def number(name: str, kind: type, default: float, minimum: float) -> float:
            text = get(name)
            if text is None:
                return default
            try:
                value = kind(text)
            except ValueError:
                raise SettingsError(f"{PREFIX}{name}={text!r} is not a number") from None
            if value < minimum:
                raise SettingsError(f"{PREFIX}{name}={text!r} is below {minimum}")
            return value

        defaults = cls()
        tokens, allowlist = get("TOKENS_FILE"), get("SERVICE_ALLOWLIST") or ""
        return cls(
            data_dir=Path(get("DATA_DIR") or defaults.data_dir),
            tokens_file=Path(tokens) if tokens else None,
            query_timeout=number("QUERY_TIMEOUT", float, defaults.query_timeout, 0.1),
            max_rows=int(number("MAX_ROWS", int, defaults.max_rows, 1)),
            max_upload_bytes=int(number("MAX_UPLOAD_BYTES", int, defaults.max_upload_bytes, 1)),
            service_allowlist=tuple(u for u in re.split(r"[\s,]+", allowlist) if u),
            query_workers=int(number("QUERY_WORKERS", int, defaults.query_workers, 1)),
            query_memory_mb=int(number("QUERY_MEMORY_MB", int, defaults.query_memory_mb, 256)),
            caller_requests=int(number("CALLER_REQUESTS", int, defaults.caller_requests, 1)),
            max_triples=int(number("MAX_TRIPLES", int, defaults.max_triples, 1)),
            max_literal_bytes=int(number("MAX_LITERAL_BYTES", int, defaults.max_literal_bytes, 1)),
            host=get("HOST") or defaults.host,
            port=int(number("PORT", int, defaults.port, 0)),
            public_base_url=_base_url(get("PUBLIC_BASE_URL")),
        )


def _base_url(text: str | None) -> str | None:
    """A public base URL: absolute http(s), no query or fragment."""
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise SettingsError(f"{PREFIX}PUBLIC_BASE_URL={text!r} is not an http(s) base URL")
    return text.rstrip("/")

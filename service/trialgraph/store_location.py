"""Where the live store is on disk, and how big its write-ahead log is.

A SPARQL Update runs on a copy of the store (a checkpoint, made with hard links) in a worker
that can be stopped at the deadline; when it has finished, the copy becomes the live store.
The store folder setting (`<DATA_DIR>/store`) is the root: the live store is the root itself
until a copy replaces it, then the folder named in `<root>.live` (written whole with a rename,
so a crash leaves the old or the new one live, never a mix); copies that never became live are
removed when the store opens.
"""

import os
import shutil
import uuid
from pathlib import Path

# RocksDB keeps its write-ahead log until the memory tables are written out, and Oxigraph's
# are large: 2,000 re-PUTs of 300 patients grew the log to 1.8 GB. Past this size the store
# is flushed, which writes the tables out and lets RocksDB drop the old log.
WAL_LIMIT = 32 * 1024 * 1024


def wal_bytes(folder: Path) -> int:
    """The size of the store's write-ahead log files."""
    return sum(entry.stat().st_size for entry in os.scandir(folder) if entry.name.endswith(".log"))


def _pointer(root: Path) -> Path:
    return root.parent / f"{root.name}.live"


def live_path(root: Path) -> Path:
    """The folder of the live store."""
    pointer = _pointer(root)
    if pointer.exists():
        return root.parent / pointer.read_text(encoding="utf-8").strip()
    return root


def new_copy_path(root: Path) -> Path:
    """A new folder name for a copy of the store."""
    return root.parent / f"{root.name}.{uuid.uuid4().hex[:12]}"


def make_live(root: Path, copy: Path) -> None:
    """Make a copy the live store: the pointer names it, atomically and durably."""
    pointer = _pointer(root)
    temporary = pointer.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(copy.name)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, pointer)


def remove_stale(root: Path) -> None:
    """Delete the copies (and the root) that are not the live store."""
    live = live_path(root)
    for folder in [root, *root.parent.glob(f"{root.name}.*")]:
        if folder != live and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)

"""Read-only checkpoints of the store for the query workers, which never open the live store
(RocksDB is undefined when another process writes): one per store generation, made with hard
links by Oxigraph's `backup` when first asked for after a write, and deleted once no reader
uses it and a newer one exists."""

import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox


class Snapshots:
    """The checkpoints of one store, in their own folder (emptied when made)."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        shutil.rmtree(folder, ignore_errors=True)
        self._lock = threading.Lock()
        self._readers: Counter[Path] = Counter()

    @contextmanager
    def of(self, store: Callable[[], ox.Store], generation: Callable[[], int]) -> Iterator[Path]:
        """The checkpoint of the store's current generation, kept while the caller reads it."""
        with self._lock:
            target = self._folder / f"{generation():09d}"
            if not target.exists():
                self._folder.mkdir(parents=True, exist_ok=True)
                live = store()
                live.flush()
                live.backup(str(target))
            self._readers[target] += 1
        try:
            yield target
        finally:
            with self._lock:
                self._readers[target] -= 1
                self._prune(current=self._folder / f"{generation():09d}")

    def _prune(self, current: Path) -> None:
        for folder in self._folder.iterdir():
            if folder != current and self._readers[folder] == 0:
                shutil.rmtree(folder, ignore_errors=True)
                del self._readers[folder]

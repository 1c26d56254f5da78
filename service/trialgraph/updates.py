"""A client's SPARQL Update (`POST /update`): checked, then run on a copy of the store by a
one-off worker process that is stopped at the deadline, and the copy made the live store.

Under the write lock, so no other write comes between: `CLEAR`/`DROP ALL` and `NAMED` are
written out over the graphs a writer may write (trialgraph.update_guard), the update is checked
(no `LOAD`, no write to TrialGraph's own graphs, `SERVICE` only to allow-listed endpoints), the
protocol's `using-graph-uri` / `using-named-graph-uri` are applied (trialgraph.update_dataset),
and the worker runs it on a checkpoint of the store. Queries go on meanwhile, on the
snapshot of the store as it was; a write waits. If the worker fails or is stopped, the copy is
deleted and nothing has changed.
"""

import shutil

from trialgraph.query_guard import check_update, decode_escapes
from trialgraph.query_workers import UpdateJob, WorkerPool
from trialgraph.store import TrialStore
from trialgraph.update_dataset import with_dataset
from trialgraph.update_guard import expand_all


def run_client_update(
    store: TrialStore,
    workers: WorkerPool,
    text: str,
    dataset: tuple[list[str], list[str]],
    *,
    base_iri: str | None,
    allowlist: tuple[str, ...],
    timeout: float,
) -> None:
    """Check and run an update within `timeout` seconds; raise the guard's errors
    (QuerySyntaxError, QueryRefused, ReservedGraph, DatasetConflict) or the worker's
    (QueryTimeout, QueryFailed)."""
    decoded = decode_escapes(text)
    with store.writing():
        checked = check_update(expand_all(decoded, store.writable_graphs()), allowlist, base_iri)
        final = with_dataset(checked.text, *dataset)
        copy = store.update_copy()
        job = UpdateJob(str(copy), final, base_iri, network=bool(checked.services))
        try:
            workers.run_once(job, timeout)
        except BaseException:
            shutil.rmtree(copy, ignore_errors=True)
            raise
        store.adopt(copy)

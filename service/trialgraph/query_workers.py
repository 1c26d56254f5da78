"""Run SPARQL in worker processes that can be killed at the deadline: neither rdflib nor
pyoxigraph can cancel a running query. A query worker reads a read-only snapshot of the store
(TrialStore.snapshot) and sends back the serialized answer; an update runs in a worker of its
own on a private copy of the store (TrialStore.update). A worker that misses the deadline is
killed and replaced, and the caller gets QueryTimeout while other workers go on serving.

Workers are confined (trialgraph.sandbox): no network unless the job calls an allow-listed
`SERVICE` endpoint (then a one-off worker runs it), and at most `memory_mb` of address space.
"""

import multiprocessing
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing.connection import Connection

import pyoxigraph as ox

from trialgraph.sandbox import SandboxError, deny_network, limit_memory
from trialgraph.sparql_results import RESULT_TYPES, ask_bytes, graph_bytes, select_bytes

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "tg": "https://w3id.org/trialgraph/ontology#",
    "tgp": "https://w3id.org/trialgraph/protocol/",
}
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class QueryTimeout(Exception):
    """The query ran past the deadline and was cancelled (or no worker was free in time)."""


class QueryFailed(Exception):
    """The engine refused or failed the query; the message is the engine's."""


class WorkerStopped(QueryFailed):
    """The worker died running the job: past its memory limit, most likely."""


class TooManyRows(Exception):
    """The answer has more rows (or triples) than allowed."""


@dataclass(frozen=True)
class Job:
    """One query to run: where, on which dataset, in which media type, with which limit.

    `default_graphs` None means the union of all graphs; `named_graphs` None means all;
    relative IRIs in the query resolve against `base_iri`; `substitutions` bind variables
    (SEP-0007). `max_rows` None: no row limit, the answer is SPARQL JSON as Oxigraph writes it
    (for the service's own reads, parsed back by `solutions`)."""

    snapshot: str
    query: str
    form: str
    media_type: str
    max_rows: int | None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    substitutions: tuple[tuple[str, Term], ...] = field(default_factory=tuple)
    network: bool = False


@dataclass(frozen=True)
class UpdateJob:
    """A SPARQL Update to run on a private copy of the store, opened read-write."""

    store: str
    update: str
    base_iri: str | None = None
    network: bool = False


def run_job(store: ox.Store, job: Job) -> bytes:
    """Run a query job on an open store and serialize its answer."""
    options: dict = {"use_default_graph_as_union": job.default_graphs is None}
    if job.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    if job.substitutions:
        options["substitutions"] = {ox.Variable(name): term for name, term in job.substitutions}
    answer = store.query(job.query, base_iri=job.base_iri, **options)
    if job.form == "ASK":
        return ask_bytes(bool(answer), job.media_type)
    if job.max_rows is None:
        return answer.serialize(format=ox.QueryResultsFormat.JSON)
    rows = list(islice(answer, job.max_rows + 1))
    if len(rows) > job.max_rows:
        unit = "rows" if job.form == "SELECT" else "triples"
        raise TooManyRows(f"the answer has more than {job.max_rows} {unit}")
    if job.form != "SELECT":
        return graph_bytes(rows, job.media_type, PREFIXES)
    if RESULT_TYPES[job.media_type] == ox.QueryResultsFormat.JSON:
        return select_bytes([v.value for v in answer.variables], rows, job.media_type)
    # pyoxigraph's JSON results reader stops at 16 MB: the other formats are written by
    # pyoxigraph from a second run of the query, now known to be within the row limit
    del rows
    again = store.query(job.query, base_iri=job.base_iri, **options)
    return again.serialize(format=RESULT_TYPES[job.media_type])


def run_update(job: UpdateJob) -> bytes:
    """Run an update job on its copy of the store and flush it to disk."""
    store = ox.Store(job.store)
    store.update(job.update, base_iri=job.base_iri)
    store.flush()
    return b""


def solutions(answer: bytes) -> ox.QuerySolutions:
    """The solutions of a job run without a row limit."""
    return ox.parse_query_results(answer, format=ox.QueryResultsFormat.JSON)


def _confine(network: bool, memory_mb: int) -> None:
    if not network:
        try:
            deny_network()
        except SandboxError as error:
            print(f"trialgraph query worker: no network sandbox: {error}", file=sys.stderr)
    limit_memory(memory_mb)


def _serve(connection: Connection, network: bool, memory_mb: int) -> None:
    """A worker's loop: receive jobs, answer ("ok", bytes) or (error class name, message)."""
    _confine(network, memory_mb)
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            job: Job | UpdateJob = connection.recv()
        except EOFError:  # the server has gone, or this was a one-off worker
            return
        try:
            if isinstance(job, UpdateJob):
                connection.send(("ok", run_update(job)))
                continue
            if opened is None or opened[0] != job.snapshot:
                opened = None
                opened = (job.snapshot, ox.Store.read_only(job.snapshot))
            connection.send(("ok", run_job(opened[1], job)))
        except TooManyRows as error:
            connection.send(("TooManyRows", str(error)))
        except (SyntaxError, ValueError, OSError, RuntimeError, TypeError) as error:
            connection.send(("QueryFailed", f"{type(error).__name__}: {error}"))
        except MemoryError:
            connection.send(("WorkerStopped", "the query needed more memory than allowed"))


class _Worker:
    def __init__(self, context, network: bool, memory_mb: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, network, memory_mb), daemon=True
        )
        self.process.start()
        child.close()

    def ask(self, job: Job | UpdateJob, end: float, timeout: float) -> bytes:
        """Send a job and wait for its answer until `end` (monotonic time)."""
        try:
            self.connection.send(job)
            if not self.connection.poll(max(end - time.monotonic(), 0)):
                raise QueryTimeout(f"the work ran longer than {timeout:g} s and was cancelled")
            kind, payload = self.connection.recv()
        except (EOFError, OSError):
            raise WorkerStopped(
                "the query worker stopped: the work needed more memory than allowed "
                "(TRIALGRAPH_QUERY_MEMORY_MB)"
            ) from None
        if kind == "ok":
            return payload
        raise {"TooManyRows": TooManyRows, "WorkerStopped": WorkerStopped}.get(
            kind, QueryFailed
        )(payload)

    def stop(self) -> None:
        """Let the worker end by itself (it ends when its pipe closes), else kill it."""
        self.connection.close()
        self.process.join(5)
        self.kill()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """A fixed number of confined worker processes, and one-off workers for the rest."""

    def __init__(self, size: int, memory_mb: int = 2048) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._memory_mb = memory_mb
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self.size = size
        for _ in range(size):
            self._start()

    def _start(self) -> None:
        worker = _Worker(self._context, network=False, memory_mb=self._memory_mb)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def run(self, job: Job, timeout: float) -> bytes:
        """Run a query job within `timeout` seconds (waiting for a free worker included)."""
        if job.network:
            return self.run_once(job, timeout)
        end = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker is busy; try again later") from None
        try:
            answer = worker.ask(job, end, timeout)
        except (QueryTimeout, WorkerStopped):
            self._replace(worker)
            raise
        except BaseException:
            self._idle.put(worker)
            raise
        self._idle.put(worker)
        return answer

    def run_once(self, job: Job | UpdateJob, timeout: float) -> bytes:
        """Run a job in a worker of its own, which has ended when this returns."""
        worker = _Worker(self._context, network=job.network, memory_mb=self._memory_mb)
        try:
            return worker.ask(job, time.monotonic() + timeout, timeout)
        finally:
            worker.stop()

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        self._start()

    def close(self) -> None:
        """Stop every worker."""
        with self._lock:
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.kill()

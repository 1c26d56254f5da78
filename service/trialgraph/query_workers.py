"""Run SPARQL queries in worker processes that can be killed at the deadline: neither rdflib
nor pyoxigraph can cancel a running query. Each worker reads a read-only snapshot of the store
(TrialStore.snapshot) and sends back the serialized answer; a worker that misses the deadline
is killed and replaced, and the caller gets QueryTimeout while other workers go on serving.
"""

import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from itertools import islice
from multiprocessing.connection import Connection

import pyoxigraph as ox

from trialgraph.sparql_results import ask_bytes, graph_bytes, select_bytes

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "tg": "https://w3id.org/trialgraph/ontology#",
    "tgp": "https://w3id.org/trialgraph/protocol/",
}


class QueryTimeout(Exception):
    """The query ran past the deadline and was cancelled (or no worker was free in time)."""


class QueryFailed(Exception):
    """The engine refused or failed the query; the message is the engine's."""


class TooManyRows(Exception):
    """The answer has more rows (or triples) than allowed."""


@dataclass(frozen=True)
class Job:
    """One query to run: where, on which dataset, in which media type, with which limit.

    `default_graphs` None means the union of all graphs; `named_graphs` None means all;
    relative IRIs in the query resolve against `base_iri`."""

    snapshot: str
    query: str
    form: str
    media_type: str
    max_rows: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None


def run_job(store: ox.Store, job: Job) -> bytes:
    """Run a job on an open store and serialize its answer."""
    options: dict = {"use_default_graph_as_union": job.default_graphs is None}
    if job.default_graphs is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    answer = store.query(job.query, base_iri=job.base_iri, **options)
    if job.form == "ASK":
        return ask_bytes(bool(answer), job.media_type)
    rows = list(islice(answer, job.max_rows + 1))
    if len(rows) > job.max_rows:
        unit = "rows" if job.form == "SELECT" else "triples"
        raise TooManyRows(f"the answer has more than {job.max_rows} {unit}")
    if job.form == "SELECT":
        return select_bytes([v.value for v in answer.variables], rows, job.media_type)
    return graph_bytes(rows, job.media_type, PREFIXES)


def _serve(connection: Connection) -> None:
    """A worker's loop: receive jobs, answer ("ok", bytes) or (error class name, message)."""
    opened: tuple[str, ox.Store] | None = None
    while True:
        try:
            job: Job = connection.recv()
        except EOFError:  # the server has gone
            return
        try:
            if opened is None or opened[0] != job.snapshot:
                opened = None
                opened = (job.snapshot, ox.Store.read_only(job.snapshot))
            connection.send(("ok", run_job(opened[1], job)))
        except TooManyRows as error:
            connection.send(("TooManyRows", str(error)))
        except (SyntaxError, ValueError, OSError, RuntimeError, TypeError) as error:
            connection.send(("QueryFailed", f"{type(error).__name__}: {error}"))


class _Worker:
    def __init__(self, context) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """A fixed number of query worker processes."""

    def __init__(self, size: int) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        for _ in range(size):
            self._start()

    def _start(self) -> None:
        worker = _Worker(self._context)
        with self._lock:
            self._all.add(worker)
        self._idle.put(worker)

    def run(self, job: Job, timeout: float) -> bytes:
        """Run a job within `timeout` seconds (waiting for a free worker included)."""
        end = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker is busy; try again later") from None
        try:
            worker.connection.send(job)
            if not worker.connection.poll(max(end - time.monotonic(), 0)):
                self._replace(worker)
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was cancelled")
            kind, payload = worker.connection.recv()
        except (EOFError, OSError):
            self._replace(worker)
            raise QueryFailed("the query worker stopped") from None
        self._idle.put(worker)
        if kind == "ok":
            return payload
        raise (TooManyRows if kind == "TooManyRows" else QueryFailed)(payload)

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

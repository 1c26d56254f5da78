"""The limits on a request's work: one deadline per request (`TRIALGRAPH_QUERY_TIMEOUT` from
its start), every worker job under fair sharing (trialgraph.fair_share), and the store's own
reads (results, counts, the dashboard, canned queries, VoID sizes) run by the query workers on
a snapshot, so they too are stopped at the deadline and are bounded in memory. Outside a
request (the command line) the store reads in its own process.
"""

import time

import pyoxigraph as ox
from flask import g, has_request_context, request

from trialgraph.fair_share import Saturated
from trialgraph.query_workers import Job, QueryTimeout, WorkerStopped, solutions
from trialgraph.store import PREFIXES, TrialStore
from trialgraph.web.auth import current_caller
from trialgraph.web.context import services
from trialgraph.web.errors import Unavailable, Unprocessable


def time_left() -> float:
    """Seconds left before this request's deadline; 503 when none are."""
    if "deadline" not in g:
        g.deadline = time.monotonic() + services().settings.query_timeout
    left = g.deadline - time.monotonic()
    if left <= 0:
        raise Unavailable("the request ran out of time and was stopped", {"Retry-After": "5"})
    return left


def _caller() -> tuple[str, bool]:
    caller = current_caller()
    if caller.role is not None:
        return caller.name, True
    return f"no token from {request.remote_addr}", False


def run_job(job: Job) -> bytes:
    """Run a worker job for this request: within its fair share and before its deadline."""
    resources = services()
    name, has_token = _caller()
    try:
        with resources.fair_share.slot(name, has_token):
            return resources.workers.run(job, time_left())
    except Saturated as error:
        raise Unavailable(f"{error}; try again shortly", {"Retry-After": "2"}) from None
    except QueryTimeout as error:
        raise Unavailable(str(error), {"Retry-After": "5"}) from None


def _iris(graphs) -> tuple[str, ...]:
    items = graphs if isinstance(graphs, list | tuple) else [graphs]
    return tuple(graph.value for graph in items)


def read_in_worker(store: TrialStore, query: str, options: dict) -> ox.QuerySolutions:
    """TrialStore's reader: a SELECT query of the service's own, run by a query worker."""
    if not has_request_context():
        return store.read_here(query, **options)
    prologue = "".join(f"PREFIX {prefix}: <{iri}> " for prefix, iri in PREFIXES.items())
    substitutions = options.get("substitutions") or {}
    with store.snapshot() as snapshot:
        job = Job(
            str(snapshot),
            prologue + query,
            "SELECT",
            "application/sparql-results+json",
            None,
            default_graphs=_iris(options["default_graph"]),
            named_graphs=_iris(options["named_graphs"]) if "named_graphs" in options else None,
            substitutions=tuple((v.value, term) for v, term in substitutions.items()),
        )
        try:
            return solutions(run_job(job))
        except WorkerStopped as error:
            raise Unprocessable(str(error)) from None

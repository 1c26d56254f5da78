"""SPARQL 1.1 Protocol: queries at `/sparql` (GET; POST form-encoded or
`application/sparql-query`), updates at `/update` (POST, writers only; `using-graph-uri` and
`using-named-graph-uri` as trialgraph.update_dataset applies them).

Who sees what: investigators and above query the union of all graphs; callers without a
token and aggregate callers see only the ontology and shapes graphs (patient-level data reach
aggregate callers only as suppressed counts, at /screening/counts). A query is checked by
trialgraph.query_guard, then run by a worker process on a snapshot of the store. Relative IRIs
in a query or update resolve against the endpoint's URL (the protocol's service-defined base).
"""

import hashlib
from collections.abc import Callable
from importlib.resources import files

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from trialgraph.graphs import PUBLIC_GRAPHS, patient_of
from trialgraph.query_guard import CheckedQuery, QueryRefused, QuerySyntaxError, check_query
from trialgraph.query_workers import Job, QueryFailed, QueryTimeout, TooManyRows, WorkerStopped
from trialgraph.sparql_results import GRAPH_TYPES, RESULT_TYPES, content_type, graph_bytes
from trialgraph.store import StoreBusy
from trialgraph.update_dataset import DatasetConflict
from trialgraph.update_guard import ReservedGraph
from trialgraph.updates import run_client_update
from trialgraph.web.audit import audit
from trialgraph.web.auth import Caller, current_caller, require
from trialgraph.web.conneg import negotiate
from trialgraph.web.context import services
from trialgraph.web.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    Unauthorized,
    Unavailable,
    Unprocessable,
    UnsupportedMediaType,
)
from trialgraph.web.limits import run_job
from trialgraph.web.urls import request_url

sparql = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_BODY = "application/sparql-query"
UPDATE_BODY = "application/sparql-update"
DESCRIPTION_TYPES = ["text/turtle", "text/html", *(t for t in GRAPH_TYPES if t != "text/turtle")]


DATASET_PARAMS = (
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "using-named-graph-uri",
)


def _operation(name: str, body_type: str) -> tuple[str | None, MultiDict]:
    """The query (or update) text of a protocol request and the parameters that go with it."""
    if request.method == "GET":
        params, texts = request.args, request.args.getlist(name)
    elif request.mimetype == FORM:  # graph parameters may come in the body or the URL
        params, texts = request.values, request.form.getlist(name)
    elif request.mimetype == body_type:
        params, texts = request.args, [_utf8_body(body_type)]
    else:
        raise UnsupportedMediaType(
            f"send the {name} as {FORM} or {body_type}, not {request.mimetype or 'no type'}"
        )
    if request.method == "POST" and name in request.args:
        raise BadRequest(f"give the {name} in the body only, not in the URL as well")
    misplaced = [p for p in DATASET_PARAMS if p in request.args] if params is request.form else []
    if misplaced:
        raise BadRequest(
            f"give {', '.join(misplaced)} in the form body with the {name}, not in the URL"
        )
    if len(texts) > 1:
        raise BadRequest(f"more than one {name} given")
    return (texts[0] if texts else None), params


def _utf8_body(body_type: str) -> str:
    """The body of a direct POST, which the protocol requires to be UTF-8."""
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"send {body_type} in UTF-8, not {charset}")
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"the body is not UTF-8: {error}") from None


def _dataset(checked: CheckedQuery, params: MultiDict, caller: Caller):
    """The (default graphs, named graphs) to query; None means every graph (the union).
    A graph that is not in the store is empty: pyoxigraph never fetches a dataset IRI."""
    default = params.getlist("default-graph-uri") or []
    named = params.getlist("named-graph-uri") or []
    if not (default or named):
        default, named = list(checked.default_graphs), list(checked.named_graphs)
    patient_level = caller.may("investigator")
    if not (default or named):
        return (None, None) if patient_level else (PUBLIC_GRAPHS, PUBLIC_GRAPHS)
    for graph in (*default, *named):
        if not (patient_level or graph in PUBLIC_GRAPHS):
            message = f"graph <{graph}> is not readable without the investigator role"
            raise (Forbidden if caller.role else Unauthorized)(message)
    return tuple(default), tuple(named)


@sparql.route("/sparql", methods=["GET", "POST"])
def query():
    """Answer a SPARQL query; without one, describe the service."""
    text, params = _operation("query", QUERY_BODY)
    if text is None:
        if request.method == "POST":
            raise BadRequest("no query given")
        return description()
    caller = current_caller()

    def offers(form: str) -> str:
        return negotiate(list(RESULT_TYPES if form in ("SELECT", "ASK") else GRAPH_TYPES))

    _, media_type, body = answer(text, params, caller, offers, base_iri=request_url())
    return Response(body, content_type=content_type(media_type))


def answer(
    text: str,
    params: MultiDict,
    caller: Caller,
    choose: Callable[[str], str],
    base_iri: str | None = None,
) -> tuple[str, str, bytes]:
    """Check a query, run it on the graphs the caller may read (in a worker killed at the
    timeout) and audit it; return its form, the media type `choose` picks for it, and the body."""
    resources = services()
    try:
        checked = check_query(text, resources.settings.service_allowlist, base_iri)
    except QuerySyntaxError as error:
        raise BadRequest(f"malformed query: {error}") from None
    except QueryRefused as error:
        raise Forbidden(str(error)) from None
    default, named = _dataset(checked, params, caller)
    media_type = choose(checked.form)
    settings = resources.settings
    with resources.store.snapshot() as snapshot:
        job = Job(
            str(snapshot),
            checked.text,
            checked.form,
            media_type,
            settings.max_rows,
            default,
            named,
            base_iri=base_iri,
            network=bool(checked.services),
        )
        try:
            body = run_job(job)
        except TooManyRows as error:
            raise Unprocessable(f"{error}; page it with LIMIT and OFFSET") from None
        except WorkerStopped as error:
            raise Unprocessable(str(error)) from None
        except QueryFailed as error:
            raise BadRequest(str(error)) from None
    patients = patients_read(default, named)
    if patients:
        audit("query", patients, query_sha256=hashlib.sha256(text.encode()).hexdigest())
    return checked.form, media_type, body


def patients_read(default: tuple[str, ...] | None, named: tuple[str, ...] | None):
    """Whose data a query over this dataset may read: "all" for the union or any graph that
    is not a record graph (it may hold anyone's data), the patients of the record graphs named,
    or none for the public graphs alone."""
    if default is None or named is None:
        return "all"
    graphs = [graph for graph in (*default, *named) if graph not in PUBLIC_GRAPHS]
    patients = [patient_of(graph) for graph in graphs]
    if None in patients:
        return "all"
    return sorted(set(patients))


@sparql.route("/update", methods=["POST"])
def update():
    """Run a SPARQL Update (writers); 204 when done."""
    require("writer")
    text, params = _operation("update", UPDATE_BODY)
    if not text:
        raise BadRequest("no update given")
    dataset = params.getlist("using-graph-uri"), params.getlist("using-named-graph-uri")
    resources = services()
    settings = resources.settings
    try:
        run_client_update(
            resources.store,
            resources.workers,
            text,
            dataset,
            base_iri=request_url(),
            allowlist=settings.service_allowlist,
            timeout=settings.query_timeout,
        )
    except DatasetConflict as error:
        raise BadRequest(str(error)) from None
    except QuerySyntaxError as error:
        raise BadRequest(f"malformed update: {error}") from None
    except ReservedGraph as error:
        raise Conflict(str(error)) from None
    except QueryRefused as error:
        raise Forbidden(str(error)) from None
    except (QueryTimeout, StoreBusy) as error:
        raise Unavailable(f"{error}; nothing changed", {"Retry-After": "5"}) from None
    except WorkerStopped as error:
        raise Unprocessable(f"{error}; nothing changed") from None
    except QueryFailed as error:
        raise BadRequest(f"update failed, nothing changed: {error}") from None
    audit("update", "all", update_sha256=hashlib.sha256(text.encode()).hexdigest())
    return Response(status=204)


def description() -> Response:
    """The SPARQL Service Description (Turtle or another RDF format), or a query page."""
    media_type = negotiate(DESCRIPTION_TYPES)
    if media_type == "text/html":
        page = files("trialgraph.web").joinpath("query.html").read_text(encoding="utf-8")
        return Response(page, content_type=content_type(media_type))
    endpoint = request_url()
    formats = " , ".join(f"<{f.iri}>" for f in {*RESULT_TYPES.values(), *GRAPH_TYPES.values()})
    turtle = f"""
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;
  sd:resultFormat {formats} .
"""
    if media_type == "text/turtle":
        return Response(turtle, content_type=content_type(media_type))
    triples = ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    return Response(graph_bytes(triples, media_type), content_type=content_type(media_type))

"""The query page: the canned queries (`queries/*.rq` with a `#+ summary:` header) as
examples, and a query run for the signed-in caller exactly as `/sparql` runs it: checked by
trialgraph.query_guard, on the graphs the caller's role may read, in a killable worker."""

import hashlib
import json
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from trialgraph.query_guard import QueryRefused, QuerySyntaxError, check_query
from trialgraph.query_workers import Job, QueryFailed, QueryTimeout, TooManyRows
from trialgraph.web.audit import audit
from trialgraph.web.auth import Caller
from trialgraph.web.context import services
from trialgraph.web.errors import BadRequest, Forbidden, Unavailable, Unprocessable
from trialgraph.web.sparql import _dataset

DISPLAY_ROWS = 1000
TABLE = "table"
DOWNLOADS = {
    "SELECT": {"csv": "text/csv", "json": "application/sparql-results+json"},
    "GRAPH": {"turtle": "text/turtle", "jsonld": "application/ld+json"},
}
SUFFIXES = {"csv": "csv", "json": "srj", "turtle": "ttl", "jsonld": "jsonld"}


@dataclass(frozen=True)
class Answer:
    """A query's answer: its form (SELECT, ASK, CONSTRUCT, DESCRIBE), media type and bytes."""

    form: str
    media_type: str
    body: bytes

    def table(self) -> tuple[list[str], list[list[str]], int]:
        """A SELECT or ASK answer (SPARQL JSON) as columns, the first DISPLAY_ROWS rows as
        text, and the number of rows."""
        document = json.loads(self.body)
        if "boolean" in document:
            return ["answer"], [["true" if document["boolean"] else "false"]], 1
        columns = document["head"]["vars"]
        bindings = document["results"]["bindings"]
        rows = [
            [row[name]["value"] if name in row else "" for name in columns]
            for row in bindings[:DISPLAY_ROWS]
        ]
        return columns, rows, len(bindings)


def media_type(form: str, wanted: str) -> str:
    """The media type for an answer shown as a table, or downloaded as `wanted`."""
    kind = "SELECT" if form in ("SELECT", "ASK") else "GRAPH"
    if wanted == TABLE:
        return "application/sparql-results+json" if kind == "SELECT" else "text/turtle"
    if wanted not in DOWNLOADS[kind]:
        offered = ", ".join(DOWNLOADS[kind])
        raise BadRequest(f"a {form} answer downloads as {offered}, not {wanted!r}")
    return DOWNLOADS[kind][wanted]


def run_query(text: str, caller: Caller, wanted: str = TABLE) -> Answer:
    """Run a query for the caller, on the graphs its role may read."""
    resources = services()
    try:
        checked = check_query(text, resources.settings.service_allowlist)
    except QuerySyntaxError as error:
        raise BadRequest(f"malformed query: {error}") from None
    except QueryRefused as error:
        raise Forbidden(str(error)) from None
    default, named = _dataset(checked, MultiDict(), caller)
    chosen = media_type(checked.form, wanted)
    settings = resources.settings
    with resources.store.snapshot() as snapshot:
        job = Job(str(snapshot), text, checked.form, chosen, settings.max_rows, default, named)
        try:
            body = resources.workers.run(job, settings.query_timeout)
        except QueryTimeout as error:
            raise Unavailable(str(error), {"Retry-After": "5"}) from None
        except TooManyRows as error:
            raise Unprocessable(f"{error}; page it with LIMIT and OFFSET") from None
        except QueryFailed as error:
            raise BadRequest(str(error)) from None
    if caller.may("investigator") and default is None:
        audit("query", "all", query_sha256=hashlib.sha256(text.encode()).hexdigest())
    return Answer(checked.form, chosen, body)

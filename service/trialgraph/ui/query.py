"""The query page: the canned queries (`queries/*.rq` with a `#+ summary:` header) as
examples, and a query run for the signed-in caller exactly as `/sparql` runs it: checked by
trialgraph.query_guard, on the graphs the caller's role may read, in a killable worker."""

import json
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from trialgraph.web.auth import Caller
from trialgraph.web.errors import BadRequest
from trialgraph.web.sparql import answer

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
    form, chosen, body = answer(text, MultiDict(), caller, lambda form: media_type(form, wanted))
    return Answer(form, chosen, body)

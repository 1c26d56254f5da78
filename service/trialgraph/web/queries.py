"""Canned queries over HTTP (trialgraph.canned): `GET /queries` lists them, for anyone;
`GET /queries/{name}?param=value` runs one. An aggregate query is for the aggregate role and
up, and the aggregate role sees its counts from 1 to 4 as "<5"; any other query returns
patient-level rows, for investigators and up. Answers are SPARQL JSON, XML, CSV or TSV by
`Accept`, as at /sparql."""

from flask import Blueprint, Response, jsonify, request, url_for

from trialgraph.aggregates import current_release
from trialgraph.canned import ParameterError, UnknownQuery, canned_queries, canned_query, run
from trialgraph.query_workers import TooManyRows
from trialgraph.sparql_results import RESULT_TYPES, content_type, select_bytes
from trialgraph.web.audit import audit
from trialgraph.web.auth import require
from trialgraph.web.conneg import negotiate
from trialgraph.web.context import services
from trialgraph.web.errors import BadRequest, Forbidden, NotFound, Unprocessable

queries = Blueprint("queries", __name__)


@queries.get("/queries")
def catalogue():
    """Every canned query: name, summary, parameters, whether it is aggregate, and its URL."""
    return jsonify(
        {
            "queries": [
                {**query.as_json(), "url": url_for("queries.answer", name=query.name)}
                for query in canned_queries().values()
            ]
        }
    )


@queries.get("/queries/<name>")
def answer(name: str):
    """Run a canned query with the request's parameters bound by the engine."""
    try:
        query = canned_query(name)
    except UnknownQuery as error:
        raise NotFound(str(error)) from None
    caller = require("aggregate" if query.aggregate else "investigator")
    exact = caller.may("investigator")
    if not (exact or query.release):
        raise Forbidden(f"{name} has no protected counts for the aggregate role; investigators")
    media_type = negotiate(list(RESULT_TYPES))
    resources = services()
    try:
        found = run(
            resources.store,
            query,
            request.args.to_dict(flat=False),
            release=None if exact else current_release(resources.store),
            max_rows=resources.settings.max_rows,
        )
    except ParameterError as error:
        raise BadRequest(str(error)) from None
    except TooManyRows as error:
        raise Unprocessable(str(error)) from None
    audit("canned-query", "all", query=name)
    body = select_bytes(found.variables, found.rows, media_type)
    return Response(body, content_type=content_type(media_type))

"""The workspace's route table. Each page answers HTML at `/ui/x` and JSON at `/ui/x.json`.

| route | who | what |
|---|---|---|
| `/ui/` | anyone | the dashboard if signed in, else the protocol |
| `/ui/protocol` | anyone | the study and its 18 criteria |
| `/ui/criteria/{id}` | anyone | one criterion: text, rule, parameters, value sets, shapes |
| `/ui/dashboard` | aggregate | counts by status, attrition chart; investigators: the grid |
| `/ui/patients/{id}` | investigator | status, outcomes, evidence, data to collect |
| `/ui/patients/{id}/record.ttl`, `.jsonld` | investigator | the stored record |
| `/ui/patients/{id}/report.ttl`, `.jsonld` | investigator | the SHACL validation report |
| `/ui/records` | writer | upload a record: screened at once, or why refused |
| `/ui/query` | anyone | SPARQL editor over the graphs the role may read |
| `/ui/sign-in`, `/ui/sign-out` | anyone | session from an API token |
"""

from dataclasses import asdict
from datetime import date

from flask import Response, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from trialgraph.aggregates import attrition, current_release, status_table
from trialgraph.canned import canned_queries
from trialgraph.disclosure import HIDDEN, SMALL_CELL, SUPPRESSED
from trialgraph.fhir import RecordError
from trialgraph.sparql_results import content_type
from trialgraph.ui import ui
from trialgraph.ui.chart import attrition_svg
from trialgraph.ui.dashboard import (
    OUTCOMES,
    PAGE_SIZES,
    STATUSES,
    Attrition,
    GridQuery,
    grid_page,
    patient_rows,
)
from trialgraph.ui.patient import patient_page
from trialgraph.ui.protocol import criteria, criterion_labels, excluding_outcomes, study
from trialgraph.ui.query import SUFFIXES, TABLE, run_query
from trialgraph.ui.session import sign_in, sign_out
from trialgraph.ui.twins import local_target, page, twin
from trialgraph.ui.upload import Refusal, read_upload, store_upload
from trialgraph.web.audit import audit
from trialgraph.web.auth import current_caller, require
from trialgraph.web.context import services
from trialgraph.web.errors import ApiError, BadRequest, NotFound
from trialgraph.web.rdf_bodies import within_limits
from trialgraph.web.records_io import record_bytes
from trialgraph.web.screening import stored_report

RDF_DOWNLOADS = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld")}


@ui.get("/")
def home() -> BaseResponse:
    target = "ui.dashboard" if current_caller().may("aggregate") else "ui.protocol"
    return redirect(url_for(target))


@twin("/protocol")
def protocol(fmt: str) -> Response:
    return page(fmt, "protocol.html", {"study": study()})


@twin("/criteria/<criterion_id>")
def criterion(fmt: str, criterion_id: str) -> Response:
    found = criteria().get(criterion_id)
    if found is None:
        raise NotFound(f"no criterion {criterion_id!r}; criteria: {', '.join(criteria())}")
    return page(fmt, "criterion.html", {"criterion": found})


@twin("/dashboard")
def dashboard(fmt: str) -> Response:
    caller = require("aggregate")
    store, exact = services().store, caller.may("investigator")
    released, labels = current_release(store), criterion_labels()
    counts = status_table(released, exact)
    items = [Attrition(*item) for item in attrition(released, exact)]
    if not exact:
        audit("counts", "all")
        data = {
            "counts": counts,
            "attrition": items,
            "small_cells": f"counts of 1 to {SMALL_CELL - 1} are shown as {SUPPRESSED}; "
            f"{HIDDEN} hides a count that would reveal one",
        }
        return page(fmt, "dashboard.html", data, chart=attrition_svg(items, labels))
    rows, excluding = patient_rows(store), excluding_outcomes()
    query = GridQuery.from_args(request.args)
    grid = grid_page(rows, query, excluding)
    audit("read", [row.patient for row in grid.rows])

    def grid_url(**changes) -> str:
        return url_for("ui.dashboard", **{**asdict(query), **changes})

    data = {"counts": counts, "attrition": items, "query": query, "grid": grid}
    chart = attrition_svg(
        items, labels, lambda cid, kind: grid_url(criterion=cid, outcome=kind, page=1)
    )
    extras = {
        "chart": chart,
        "grid_url": grid_url,
        "labels": labels,
        "excluding": excluding,
        "statuses": STATUSES,
        "outcomes": OUTCOMES,
        "page_sizes": PAGE_SIZES,
    }
    return page(fmt, "dashboard.html", data, **extras)


@twin("/patients/<patient_id>")
def patient(fmt: str, patient_id: str) -> Response:
    require("investigator")
    found = patient_page(services().store, patient_id)
    audit("read", [patient_id])
    return page(fmt, "patient.html", {"patient": found})


def _rdf_format(suffix: str) -> tuple[str, str]:
    if suffix not in RDF_DOWNLOADS:
        raise NotFound(f"no .{suffix} download; there are .{' and .'.join(RDF_DOWNLOADS)}")
    return RDF_DOWNLOADS[suffix]


@ui.get("/patients/<patient_id>/record.<suffix>")
def record(patient_id: str, suffix: str) -> Response:
    require("investigator")
    media_type, _ = _rdf_format(suffix)
    body = record_bytes(services().store, patient_id, media_type)
    audit("read", [patient_id])
    return Response(body, content_type=content_type(media_type))


@ui.get("/patients/<patient_id>/report.<suffix>")
def report(patient_id: str, suffix: str) -> Response:
    require("investigator")
    media_type, rdflib_format = _rdf_format(suffix)
    graph = stored_report(services().store, patient_id)
    audit("read", [patient_id])
    return Response(graph.serialize(format=rdflib_format), content_type=content_type(media_type))


def _as_of(text: str) -> date:
    if not text.strip():
        return date.today()
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"as-of date {text!r} is not a date (YYYY-MM-DD)") from None


@twin("/records", methods=["GET", "POST"])
def records(fmt: str) -> Response:
    require("writer")
    if request.method == "GET":
        return page(fmt, "records.html", {})
    upload = request.files.get("record")
    if upload is None or not upload.filename:
        raise BadRequest("choose a record file (FHIR .json, or .ttl, .nt, .jsonld) to upload")
    as_of, store = _as_of(request.form.get("as_of", "")), services().store
    try:
        found = read_upload(upload.filename, upload.read())
        within_limits(found.triples)
        created = store_upload(store, found, as_of)
    except RecordError as error:
        refusal = {"refused": Refusal.of(error), "stored": False}
        return page(fmt, "records.html", refusal, status=422)
    audit("write", [found.patient_id])
    data = {"stored": True, "created": created, "screening": patient_page(store, found.patient_id)}
    return page(fmt, "records.html", data, status=201 if created else 200)


@twin("/query", methods=["GET", "POST"])
def query(fmt: str) -> Response:
    caller, known = current_caller(), canned_queries()
    examples = [{"name": q.name, "summary": q.summary, "text": q.text} for q in known.values()]
    if request.method == "GET":
        chosen = known.get(request.args.get("example", "")) or next(iter(known.values()), None)
        text = chosen.text if chosen else ""
        return page(fmt, "query.html", {"examples": examples, "query": text})
    text, wanted = request.form.get("query", ""), request.form.get("as", TABLE)
    data: dict = {"examples": examples, "query": text}
    try:
        answer = run_query(text, caller, wanted)
    except ApiError as error:
        if fmt == "json":
            raise
        return page(fmt, "query.html", {**data, "error": error.message}, status=error.status)
    if wanted != TABLE or fmt == "json":
        response = Response(answer.body, content_type=content_type(answer.media_type))
        if wanted != TABLE:
            filename = f"query-results.{SUFFIXES[wanted]}"
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if answer.form in ("SELECT", "ASK"):
        columns, rows, total = answer.table()
        data |= {"form": answer.form, "columns": columns, "rows": rows, "total": total}
    else:
        data |= {"form": answer.form, "turtle": answer.body.decode()}
    return page(fmt, "query.html", data)


@twin("/sign-in", methods=["GET", "POST"])
def sign_in_page(fmt: str) -> BaseResponse:
    target = local_target(request.values.get("next"))
    if request.method == "POST":
        caller = sign_in(request.form.get("token", ""))
        if caller is None:
            data = {"next": target, "error": "unknown token"}
            return page(fmt, "sign_in.html", data, status=401)
        if fmt == "html":
            return redirect(target)
    caller = current_caller()
    data = {"next": target, "signed_in": caller.role is not None, "name": caller.name}
    return page(fmt, "sign_in.html", {**data, "role": caller.role})


@ui.post("/sign-out")
def sign_out_page() -> BaseResponse:
    sign_out()
    return redirect(url_for("ui.protocol"))

"""Canned queries over HTTP (trialgraph.web.queries): the public list, each role's access,
small cells suppressed for the aggregate role, SPARQL JSON, XML or CSV by Accept (406
otherwise), parameter errors as 400s naming the parameter, values bound by the engine, the row
limit and the audit log."""

import csv
import io
import json
from urllib.parse import urlencode

import pytest

from tests.conftest import AS_OF, SCREENING_DATE, bearer, make_app
from trialgraph.fhir import map_fhir
from trialgraph.loading import put_records
from trialgraph.synthetic import SCENARIOS, baseline_bundle
from trialgraph.web.dataset import dataset
from trialgraph.web.queries import queries

INELIGIBLE = next(s for s in SCENARIOS if s.outcomes()["IN1"] == "not-met")
INJECTION = 'EX4" } ; DELETE WHERE { ?s ?p ?o } #'
SPARQL_JSON = "application/sparql-results+json"
# patient id: (ineligible?, ResearchSubject status); six eligible, two ineligible, two enrolled
PATIENTS = {
    **{f"q-{n}": (False, "candidate") for n in range(2, 7)},
    "q-1": (False, "on-study"),
    "q-7": (True, "follow-up"),
    "q-8": (True, "candidate"),
}


def with_blueprints(app):
    """Register the canned-query and dataset blueprints (unless the app factory already does)."""
    for blueprint in (queries, dataset):
        if blueprint.name not in app.blueprints:
            app.register_blueprint(blueprint)
    return app


def record(patient_id: str, ineligible: bool, subject_status: str):
    bundle = baseline_bundle(patient_id, SCREENING_DATE)
    if ineligible:
        INELIGIBLE.change(bundle, SCREENING_DATE)
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "ResearchSubject":
            entry["resource"]["status"] = subject_status
    return map_fhir(json.dumps(bundle), source=patient_id)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = with_blueprints(make_app(tmp_path_factory.mktemp("queries") / "data", patients=()))
    store = app.extensions["trialgraph"].store
    put_records(store, [record(pid, *how) for pid, how in PATIENTS.items()], AS_OF)
    yield app
    app.extensions["trialgraph"].close()


@pytest.fixture(scope="module")
def web(served):
    return served.test_client()


def ask(web, app, path: str, role: str | None = "investigator", accept: str = SPARQL_JSON):
    headers = {"Accept": accept, **(bearer(app, role) if role else {})}
    return web.get(path, headers=headers)


def table(response) -> list[dict]:
    """SPARQL JSON bindings as {variable: value} rows."""
    assert response.status_code == 200, response.json
    bindings = response.json["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in bindings]


def assert_error(response, status: int, *words: str) -> None:
    assert response.status_code == status, response.data
    assert response.json["status"] == status
    assert all(word in response.json["error"] for word in words), response.json


def triples(app) -> int:
    store = app.extensions["trialgraph"].store
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return int(next(iter(store.query(query)))["n"].value)


def test_the_list_is_public_with_summaries_parameters_and_urls(web):
    response = web.get("/queries")
    assert response.status_code == 200
    listed = {query["name"]: query for query in response.json["queries"]}
    assert {"enrolled", "failing-criterion", "attrition", "counts-by-status"} <= set(listed)
    assert listed["failing-criterion"]["params"] == [
        {
            "name": "criterion",
            "type": "criterion",
            "optional": False,
            "description": "the criterion, by its id (EX4) or its IRI",
        }
    ]
    assert listed["attrition"]["aggregate"] and not listed["enrolled"]["aggregate"]
    assert listed["enrolled"]["url"] == "/queries/enrolled"
    assert all(query["summary"] for query in listed.values())


@pytest.mark.parametrize(
    ("role", "status"), [(None, 401), ("aggregate", 403), ("investigator", 200), ("admin", 200)]
)
def test_patient_level_query_needs_the_investigator_role(role, status, web, served):
    response = ask(web, served, "/queries/enrolled", role)
    assert response.status_code == status
    if status == 200:
        assert {(r["patient"], r["subjectStatus"]) for r in table(response)} == {
            ("q-1", "on-study"),
            ("q-7", "follow-up"),
        }
    else:
        assert response.json["status"] == status


def test_aggregate_query_suppresses_small_cells_for_the_aggregate_role(web, served):
    shown = {
        r["status"]: r for r in table(ask(web, served, "/queries/counts-by-status", "aggregate"))
    }
    # 6 eligible of 8 patients (/screening/counts) would give the 2 ineligible away
    assert shown["eligible"] == {"status": "eligible", "screened": "≥5", "enrolled": "<5"}
    assert shown["ineligible"] == {"status": "ineligible", "screened": "<5", "enrolled": "<5"}
    assert shown["undetermined"] == {"status": "undetermined", "screened": "0", "enrolled": "0"}
    exact = {r["status"]: r for r in table(ask(web, served, "/queries/counts-by-status"))}
    assert (exact["ineligible"]["screened"], exact["ineligible"]["enrolled"]) == ("2", "1")
    assert_error(ask(web, served, "/queries/counts-by-status", None), 401)


def test_csv_and_xml_by_accept(web, served):
    response = ask(web, served, "/queries/counts-by-status", accept="text/csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["status"] for row in rows] == ["eligible", "ineligible", "undetermined"]
    xml = ask(web, served, "/queries/counts-by-status", accept="application/sparql-results+xml")
    assert xml.status_code == 200 and b"<sparql" in xml.data


def test_unacceptable_media_type_is_406(web, served):
    assert_error(ask(web, served, "/queries/enrolled", accept="image/png"), 406)


def test_parameter_is_bound(web, served):
    found = table(ask(web, served, "/queries/failing-criterion?criterion=IN1"))
    assert [r["patient"] for r in found] == ["q-7", "q-8"]
    iri = "https://w3id.org/trialgraph/protocol/IN1"
    assert table(ask(web, served, f"/queries/failing-criterion?criterion={iri}")) == found


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/queries/failing-criterion", "criterion"),
        ("/queries/failing-criterion?criterion=EX99", "criterion"),
        ("/queries/failing-criterion?criterion=EX4&criterion=EX5", "criterion"),
        ("/queries/failing-criterion?criterion=EX4&limit=5", "limit"),
        ("/queries/enrolled?patient=q-1", "patient"),
    ],
    ids=["missing", "not-a-criterion", "repeated", "unknown", "none-taken"],
)
def test_bad_parameters_are_400_naming_the_parameter(path, parameter, web, served):
    assert_error(ask(web, served, path), 400, f"parameter {parameter!r}")


def test_a_value_holding_sparql_matches_nothing_and_changes_nothing(web, served):
    before = triples(served)
    assert table(ask(web, served, "/queries/assessments?patient=q-1")), "q-1 has an assessment"
    found = ask(web, served, "/queries/assessments?" + urlencode({"patient": INJECTION}))
    assert table(found) == []
    assert_error(
        ask(web, served, "/queries/failing-criterion?" + urlencode({"criterion": INJECTION})),
        400,
        "criterion",
    )
    assert triples(served) == before


def test_unknown_query_is_404(web, served):
    assert_error(ask(web, served, "/queries/no-such-query"), 404, "no-such-query")


def test_a_run_is_audited_without_its_values(web, served):
    ask(web, served, "/queries/missing-data?patient=q-3")
    entry = served.extensions["trialgraph"].audit.lines()[-1]
    assert entry["action"] == "canned-query" and entry["query"] == "missing-data"
    assert entry["role"] == "investigator" and "q-3" not in json.dumps(entry)


def test_an_answer_over_the_row_limit_is_422(tmp_path):
    app = with_blueprints(make_app(tmp_path / "data", patients=("limit-1",), max_rows=5))
    try:
        response = ask(app.test_client(), app, "/queries/attrition")
        assert_error(response, 422, "more than 5 rows")
    finally:
        app.extensions["trialgraph"].close()

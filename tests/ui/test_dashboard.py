"""The screening dashboard (trialgraph.ui.dashboard and its page): counts by status, screened
and enrolled; attrition per criterion; the patient-by-criterion grid filtered, sorted, paged."""

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import AS_OF, scenario_record
from tests.ui.conftest import ELIGIBLE, ENROLLED, EPILEPSY, HBSAG_MISSING, PATIENTS, UNDER_AGE
from trialgraph.loading import put_records
from trialgraph.screening import CRITERIA
from trialgraph.ui.dashboard import GridQuery, PatientRow, grid_page, patient_rows
from trialgraph.ui.protocol import excluding_outcomes
from trialgraph.web.errors import BadRequest


def dashboard(as_role, query: str = "") -> dict:
    response = as_role("investigator").get(f"/ui/dashboard.json{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_counts_by_status_screened_and_enrolled(as_role):
    counts = dashboard(as_role)["counts"]
    assert counts["screened"] == {"eligible": 6, "ineligible": 6, "undetermined": 3, "total": 15}
    assert counts["enrolled"] == {"eligible": 1, "ineligible": 0, "undetermined": 0, "total": 1}


def test_attrition_counts_patients_excluded_and_excluded_alone(as_role):
    attrition = {a["criterion"]: a for a in dashboard(as_role)["attrition"]}
    assert list(attrition) == CRITERIA
    assert attrition["IN1"] == {"criterion": "IN1", "excludes": 5, "alone": 5}
    assert attrition["EX1"] == {"criterion": "EX1", "excludes": 1, "alone": 1}
    assert all(attrition[cid]["excludes"] == 0 for cid in CRITERIA if cid not in ("IN1", "EX1"))


def test_grid_lists_every_patient_with_18_outcomes(as_role):
    grid = dashboard(as_role)["grid"]
    assert [row["patient"] for row in grid["rows"]] == sorted(PATIENTS)
    assert all(list(row["outcomes"]) == CRITERIA for row in grid["rows"])
    enrolled = {row["patient"] for row in grid["rows"] if row["enrolled"]}
    assert enrolled == {ENROLLED}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=undetermined", HBSAG_MISSING),
        ("?status=eligible", ELIGIBLE),
        ("?criterion=EX4&outcome=unknown", HBSAG_MISSING),
        ("?criterion=IN1&outcome=excludes", UNDER_AGE),
        ("?outcome=excludes-alone", [*UNDER_AGE, EPILEPSY]),
        ("?criterion=EX1&outcome=met", [EPILEPSY]),
        ("?status=eligible&criterion=EX4&outcome=unknown", []),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_grid_filters(as_role, query, expected):
    rows = dashboard(as_role, query)["grid"]["rows"]
    assert sorted(row["patient"] for row in rows) == sorted(expected)


def test_grid_sorts_by_status_and_by_a_criterion(as_role):
    rows = dashboard(as_role, "?sort=status&order=desc")["grid"]["rows"]
    assert [row["status"] for row in rows] == ["undetermined"] * 3 + ["ineligible"] * 6 + [
        "eligible"
    ] * 6
    rows = dashboard(as_role, "?sort=IN1")["grid"]["rows"]
    assert [row["outcomes"]["IN1"] for row in rows][-5:] == ["not-met"] * 5


@pytest.mark.parametrize(
    "query", ["?status=bogus", "?criterion=IN9", "?per_page=7", "?page=0", "?sort=age"]
)
def test_bad_grid_parameters_are_400(as_role, query):
    response = as_role("investigator").get(f"/ui/dashboard.json{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]


def rows(count: int) -> list[PatientRow]:
    return [
        PatientRow(f"p{n:05d}", "eligible", False, dict.fromkeys(CRITERIA, "met"))
        for n in range(count)
    ]


def test_grid_pages_thousands_of_patients():
    query = GridQuery.from_args(MultiDict({"per_page": "100", "page": "7"}))
    page = grid_page(rows(5_000), query, excluding_outcomes())
    assert (page.matching, page.page, page.pages) == (5_000, 7, 50)
    assert [row.patient for row in page.rows][:2] == ["p00600", "p00601"]


def test_a_page_beyond_the_last_shows_the_last():
    query = GridQuery.from_args(MultiDict({"per_page": "25", "page": "99"}))
    page = grid_page(rows(60), query, excluding_outcomes())
    assert (page.page, page.pages, len(page.rows)) == (3, 3, 10)


def test_grid_query_names_a_bad_parameter():
    with pytest.raises(BadRequest, match="outcome"):
        GridQuery.from_args(MultiDict({"outcome": "maybe"}))


def test_dashboard_page_has_chart_grid_and_pager(as_role):
    text = as_role("investigator").get("/ui/dashboard?per_page=25").get_data(as_text=True)
    assert 'id="attrition-chart"' in text and "<rect" in text
    assert text.count('class="patient-link"') == 15
    assert "/ui/dashboard?status=&amp;criterion=IN1&amp;outcome=excludes" in text, "bar links"
    assert "page 1 of 1" in text


def test_rows_are_read_again_after_a_write(writable_app):
    store = writable_app.extensions["trialgraph"].store
    before = patient_rows(store)
    assert patient_rows(store) is before, "read again without a write"
    put_records(store, [scenario_record("ui-new")], AS_OF)
    after = patient_rows(store)
    assert len(after) == len(before) + 1 and "ui-new" in {row.patient for row in after}

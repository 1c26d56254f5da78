"""Each page for each role: what it may see, and that nothing names a patient to a role that
may not see patients (aggregate: counts only, small cells suppressed)."""

import pytest

from tests.conftest import tokens_of
from tests.ui.conftest import PATIENTS, csrf_of

PATIENT = PATIENTS[0]
PAGES = [
    "/ui/protocol",
    "/ui/criteria/EX4",
    "/ui/dashboard",
    f"/ui/patients/{PATIENT}",
    "/ui/records",
    "/ui/query",
    "/ui/sign-in",
]
# the least role that may open each page (None: anyone)
NEEDS = {
    "/ui/dashboard": "aggregate",
    f"/ui/patients/{PATIENT}": "investigator",
    "/ui/records": "writer",
}
ROLES = [None, "aggregate", "investigator", "writer", "admin"]
ORDER = {role: index for index, role in enumerate(ROLES)}


def allowed(path: str, role: str | None) -> bool:
    needed = NEEDS.get(path)
    return needed is None or (role is not None and ORDER[role] >= ORDER[needed])


@pytest.mark.parametrize("role", ROLES, ids=str)
@pytest.mark.parametrize("path", PAGES)
def test_page_and_twin_by_role(as_role, path, role):
    client = as_role(role)
    page, twin = client.get(path), client.get(f"{path}.json")
    if allowed(path, role):
        assert (page.status_code, twin.status_code) == (200, 200), path
        assert page.mimetype == "text/html" and twin.mimetype == "application/json"
    elif role is None:
        assert page.status_code == 302 and "/ui/sign-in?next=" in page.headers["Location"]
        assert twin.status_code == 401 and twin.get_json()["status"] == 401
    else:
        assert (page.status_code, twin.status_code) == (403, 403)
        assert "may not" in page.get_data(as_text=True)


@pytest.mark.parametrize("suffix", ["record.ttl", "record.jsonld"])
@pytest.mark.parametrize("role", ROLES, ids=str)
def test_record_downloads_need_the_investigator_role(as_role, role, suffix):
    response = as_role(role).get(f"/ui/patients/{PATIENT}/{suffix}")
    expected = 200 if allowed(f"/ui/patients/{PATIENT}", role) else (302 if role is None else 403)
    assert response.status_code == expected


@pytest.mark.parametrize("path", ["/ui/dashboard", "/ui/dashboard.json", "/ui/query"])
def test_aggregate_sees_no_patient_identifier(as_role, path):
    text = as_role("aggregate").get(path).get_data(as_text=True)
    assert "ui-" not in text, "a patient id reached the aggregate role"
    assert "patient-link" not in text and 'id="grid"' not in text


def test_aggregate_dashboard_suppresses_small_cells(as_role):
    twin = as_role("aggregate").get("/ui/dashboard.json").get_json()
    assert set(twin) == {"counts", "attrition", "small_cells"}
    # ineligible 6 shown with IN1 alone excluding 5 would give EX1's one patient away
    assert twin["counts"]["screened"] == {
        "eligible": "≥5",
        "ineligible": "≥5",
        "undetermined": "<5",
        "total": 15,
    }
    assert twin["counts"]["enrolled"] == {
        "eligible": "<5",
        "ineligible": 0,
        "undetermined": 0,
        "total": "<5",
    }
    attrition = {a["criterion"]: a for a in twin["attrition"]}
    assert attrition["IN1"] == {"criterion": "IN1", "excludes": "≥5", "alone": "≥5"}
    assert attrition["EX1"] == {"criterion": "EX1", "excludes": "<5", "alone": "<5"}


def test_aggregate_query_reads_no_patient_graph(as_role):
    client = as_role("aggregate")
    query = "SELECT ?id WHERE { ?p <https://w3id.org/trialgraph/ontology#patientId> ?id }"
    form = {"csrf": csrf_of(client, "/ui/query"), "query": query}
    answer = client.post("/ui/query.json", data=form).get_json()
    assert answer["results"]["bindings"] == []


def test_bearer_token_reads_a_twin_without_a_session(ui_app):
    client = ui_app.test_client()
    headers = {"Authorization": f"Bearer {tokens_of(ui_app)['investigator']}"}
    response = client.get(f"/ui/patients/{PATIENT}.json", headers=headers)
    assert response.status_code == 200 and response.get_json()["patient"]["patient"] == PATIENT
    bad = client.get("/ui/dashboard.json", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_patient_reads_are_audited_and_counts_are_not_per_patient(ui_app, as_role):
    as_role("investigator").get(f"/ui/patients/{PATIENT}")
    as_role("aggregate").get("/ui/dashboard")
    lines = ui_app.extensions["trialgraph"].audit.lines()
    assert {"who": "demo-investigator", "action": "read", "patients": [PATIENT]}.items() <= (
        next(line for line in reversed(lines) if line["path"] == f"/ui/patients/{PATIENT}").items()
    )
    counts = next(line for line in reversed(lines) if line["role"] == "aggregate")
    assert (counts["action"], counts["patients"]) == ("counts", "all")

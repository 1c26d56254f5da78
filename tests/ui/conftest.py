"""Fixtures of the browser workspace's tests: one app on a store of 15 screened patients
(6 eligible, one of them enrolled; 6 ineligible; 3 undetermined), and a client per role."""

import json
import re

import pytest

from tests.conftest import AS_OF, SCREENING_DATE, make_app, scenario_record, tokens_of
from trialgraph.fhir import PatientRecord, map_fhir
from trialgraph.synthetic import SCENARIOS, baseline_bundle

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
ELIGIBLE = [f"ui-e{n:02d}" for n in range(1, 7)]
ENROLLED = "ui-e01"
UNDER_AGE = [f"ui-i{n:02d}" for n in range(1, 6)]  # IN1 not met: ineligible
EPILEPSY = "ui-x01"  # EX1 met: ineligible
HBSAG_MISSING = [f"ui-u{n:02d}" for n in range(1, 4)]  # EX4 unknown: undetermined
PATIENTS = [*ELIGIBLE, *UNDER_AGE, EPILEPSY, *HBSAG_MISSING]


def enrolled_record(patient_id: str) -> PatientRecord:
    """The eligible baseline record with its ResearchSubject on study."""
    bundle = baseline_bundle(patient_id, SCREENING_DATE)
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == "ResearchSubject":
            entry["resource"]["status"] = "on-study"
    return map_fhir(json.dumps(bundle), source="enrolled")


def ui_records() -> list[PatientRecord]:
    """The records of PATIENTS."""
    under_age = BY_NAME["IN1-18th-birthday-day-after-screening-date"]
    return [
        enrolled_record(ENROLLED),
        *(scenario_record(pid) for pid in ELIGIBLE if pid != ENROLLED),
        *(scenario_record(pid, under_age) for pid in UNDER_AGE),
        scenario_record(EPILEPSY, BY_NAME["EX1-epilepsy-icd10-G40.9"]),
        *(scenario_record(pid, BY_NAME["EX4-hbsag-missing"]) for pid in HBSAG_MISSING),
    ]


def ui_app_on(folder):
    """An app on a new store in `folder` holding the records of PATIENTS."""
    from trialgraph.loading import put_records

    app = make_app(folder, patients=())
    put_records(app.extensions["trialgraph"].store, ui_records(), AS_OF)
    return app


@pytest.fixture(scope="session")
def ui_app(tmp_path_factory):
    """One app for the read-only page tests."""
    app = ui_app_on(tmp_path_factory.mktemp("ui") / "data")
    yield app
    app.extensions["trialgraph"].close()


@pytest.fixture
def writable_app(tmp_path):
    """A fresh app for tests that write."""
    app = ui_app_on(tmp_path / "data")
    yield app
    app.extensions["trialgraph"].close()


def csrf_of(client, path: str = "/ui/sign-in") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def signed_in(app, role: str | None):
    """A test client signed in with the app's demo token of `role` (None: not signed in)."""
    client = app.test_client()
    if role is not None:
        token = tokens_of(app)[role]
        response = client.post("/ui/sign-in", data={"csrf": csrf_of(client), "token": token})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture(scope="session")
def as_role(ui_app):
    """`as_role(role)`: a client of the shared app signed in with that role (cached)."""
    clients: dict = {}

    def client(role: str | None):
        if role not in clients:
            clients[role] = signed_in(ui_app, role)
        return clients[role]

    return client

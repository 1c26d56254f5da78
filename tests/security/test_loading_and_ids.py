"""Issue 9, attack 7: `trialgraph load` stores every good record, names each refused one,
prints a summary and exits 1 if any was refused; a record is stored only with its result;
patient ids follow FHIR's id grammar everywhere, so every stored patient can be read and
erased through the API."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCREENING_DATE, bearer
from trialgraph.namespaces import TG
from trialgraph.synthetic import baseline_bundle

PATIENT = "https://w3id.org/trialgraph/patient/"


def bundle(pid: str) -> str:
    return json.dumps(baseline_bundle(pid, SCREENING_DATE))


def no_screening(pid: str) -> str:
    """An RDF record with its Patient but no Screening: screening gives it no result."""
    return f'@prefix tg: <{TG}> .\n<{PATIENT}{pid}> a tg:Patient ; tg:patientId "{pid}" .\n'


GOOD = {f"good-{n}.json": bundle(f"good-{n}") for n in range(3)}
BAD = {
    "slash.json": bundle("slashed").replace("slashed", "a/b"),
    "space.json": bundle("spaced").replace("spaced", "a b"),
    "too-long.json": bundle("long").replace('"long', '"' + "x" * 65),
    "surrogate.json": bundle("sur").replace("sur", "\\ud800"),
    "no-screening.ttl": no_screening("alone"),
    "not-json.json": "{ not json",
}


def trialgraph(*arguments: str, data: Path) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "trialgraph"), *arguments]
    env = {**os.environ, "TRIALGRAPH_DATA_DIR": str(data)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("records")
    for name, text in {**GOOD, **BAD}.items():
        (folder / name).write_text(text, encoding="utf-8")
    data = tmp_path_factory.mktemp("data")
    return trialgraph("load", str(folder), "--as-of", "2025-06-01", data=data), data


def test_load_stores_every_good_record_and_names_each_refused_one(loaded):
    result, _ = loaded
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for name in BAD:
        assert name in result.stderr, f"{name} is not named: {result.stderr}"
    assert "stored 3" in result.stdout and f"refused {len(BAD)}" in result.stdout, result.stdout


def test_every_stored_patient_can_be_read_and_erased(loaded):
    from trialgraph.app import create_app
    from trialgraph.settings import Settings

    _, data = loaded
    app = create_app(Settings(data_dir=data, query_workers=1))
    try:
        client = app.test_client()
        token = app.extensions["trialgraph"].tokens
        writer = {"Authorization": f"Bearer {token.add('w', 'writer')}"}
        patients = client.get("/patients", headers=writer).get_json()["patients"]
        assert sorted(patients) == ["good-0", "good-1", "good-2"]
        for patient in patients:
            assert client.get(f"/patients/{patient}", headers=writer).status_code == 200
            assert client.delete(f"/patients/{patient}", headers=writer).status_code == 204
        assert client.get("/patients", headers=writer).get_json()["patients"] == []
    finally:
        app.extensions["trialgraph"].close()


def test_a_record_without_a_result_is_not_stored(client, app):
    response = client.put(
        "/patients/alone",
        data=no_screening("alone"),
        headers={**bearer(app, "writer"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 422, response.data
    assert client.get("/patients/alone", headers=bearer(app, "writer")).status_code == 404


@pytest.mark.parametrize("pid", ["a b", "x" * 65, "é", "a:b", "a_b"])
def test_a_patient_id_outside_fhir_grammar_is_refused(client, app, pid):
    text = f'@prefix tg: <{TG}> .\n<urn:p> a tg:Patient ; tg:patientId "{pid}" .\n'
    response = client.post(
        "/validate",
        data=text,
        headers={**bearer(app, "writer"), "Content-Type": "text/turtle"},
    )
    assert response.status_code == 422, response.data
    assert "FHIR id" in response.get_json()["error"]


def test_the_upload_page_refuses_an_id_with_a_slash(app):
    import io

    from tests.ui.conftest import csrf_of, signed_in

    client = signed_in(app, "writer")
    response = client.post(
        "/ui/records.json",
        data={
            "csrf": csrf_of(client, "/ui/records"),
            "record": (io.BytesIO(BAD["slash.json"].encode()), "slash.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422, response.data
    assert "a/b" not in app.extensions["trialgraph"].store.patient_ids()

"""Issue 9, attack 9: sign-out and token removal end sessions on the server; tokens are never
printed; the data folder is its owner's alone; answers with patient data are not cached or
sniffed; created IRIs and `Location` use the configured public base URL, never `Host`."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SCREENING_DATE, bearer, make_app
from tests.ui.conftest import csrf_of, signed_in
from trialgraph.synthetic import baseline_bundle

EVIL = {"Host": "evil.example"}


def test_an_old_cookie_opens_nothing_after_sign_out(app):
    client = signed_in(app, "investigator")
    cookie = client.get_cookie("trialgraph_session").value
    assert client.get("/ui/dashboard.json").status_code == 200
    client.post("/ui/sign-out", data={"csrf": csrf_of(client)})
    thief = app.test_client()
    thief.set_cookie("trialgraph_session", cookie)
    assert thief.get("/ui/dashboard.json").status_code == 401
    assert thief.get("/ui/patients/svc-eligible.json").status_code == 401


def test_removing_a_token_from_the_file_ends_its_sessions_and_requests(app):
    client = signed_in(app, "investigator")
    tokens = app.extensions["trialgraph"].tokens
    path = tokens.path
    document = json.loads(path.read_text())
    document["tokens"] = [t for t in document["tokens"] if t["role"] != "investigator"]
    path.write_text(json.dumps(document))  # as another process (`trialgraph revoke`) would
    os.utime(path, ns=(1, 1))
    assert client.get("/ui/dashboard.json").status_code == 401
    response = app.test_client().get("/patients", headers=bearer(app, "investigator"))
    assert response.status_code == 401


def trialgraph(data: Path, *arguments: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "trialgraph"), *arguments]
    env = {**os.environ, "TRIALGRAPH_DATA_DIR": str(data)}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_tokens_go_to_private_files_never_to_standard_output(tmp_path):
    data = tmp_path / "data"
    made = trialgraph(data, "token", "writer", "--name", "lab")
    assert made.returncode == 0, made.stderr
    assert "tg-" not in made.stdout + made.stderr
    for name in ("demo-tokens.txt", "token-lab.txt"):
        assert name in made.stdout
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600
    token = (data / "token-lab.txt").read_text().strip()
    revoked = trialgraph(data, "revoke", "lab")
    assert revoked.returncode == 0 and token not in revoked.stdout
    assert "lab" not in (data / "tokens.json").read_text()


def test_the_data_folder_is_its_owners_alone(app, client):
    bundle = json.dumps(baseline_bundle("private", SCREENING_DATE))
    headers = {**bearer(app, "writer"), "Content-Type": "application/fhir+json"}
    assert client.put("/patients/private", data=bundle, headers=headers).status_code == 201
    client.get("/patients/private", headers=headers)
    data = app.extensions["trialgraph"].settings.data_dir
    for root, folders, files in os.walk(data):
        for name in folders:
            mode = stat.S_IMODE(Path(root, name).stat().st_mode)
            assert mode == 0o700, f"{Path(root, name)} is {oct(mode)}"
        for name in files:
            mode = stat.S_IMODE(Path(root, name).stat().st_mode)
            assert mode == 0o600, f"{Path(root, name)} is {oct(mode)}"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "path",
    [
        "/patients",
        "/patients/svc-eligible",
        "/patients/svc-eligible/eligibility",
        "/screening",
        "/screening/counts",
        "/queries/enrolled",
        "/sparql?query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D%20LIMIT%201",
        "/ui/patients/svc-eligible.json",
        "/patients/nobody",
    ],
)
def test_answers_with_patient_data_are_neither_cached_nor_sniffed(client, app, path):
    response = client.get(path, headers=bearer(app, "investigator"))
    assert response.headers["Cache-Control"] == "no-store", path
    assert response.headers["X-Content-Type-Options"] == "nosniff", path


@pytest.fixture
def based_app(tmp_path):
    app = make_app(tmp_path / "data", public_base_url="https://trials.example.org/tg")
    yield app
    app.extensions["trialgraph"].close()


def test_location_and_created_iris_use_the_public_base_url(based_app):
    client, base = based_app.test_client(), "https://trials.example.org/tg"
    writer = {**bearer(based_app, "writer"), **EVIL}
    bundle = json.dumps(baseline_bundle("located", SCREENING_DATE))
    put = client.put("/patients/located", data=bundle,
                     headers={**writer, "Content-Type": "application/fhir+json"})
    assert put.headers["Location"] == f"{base}/patients/located"
    made = client.post("/rdf-graphs", data="<urn:a> <urn:b> <urn:c> .",
                       headers={**writer, "Content-Type": "application/n-triples"})
    assert made.status_code == 201 and made.headers["Location"].startswith(f"{base}/rdf-graphs/")
    direct = client.put("/rdf-graphs/mine", data="<urn:a> <urn:b> <urn:c> .",
                        headers={**writer, "Content-Type": "application/n-triples"})
    assert direct.status_code == 201
    update = client.post("/update", data={"update": "INSERT DATA { GRAPH <relative> "
                                          "{ <urn:a> <urn:b> <urn:c> } }"}, headers=writer)
    assert update.status_code == 204, update.data
    graphs = based_app.extensions["trialgraph"].store.graphs()
    assert f"{base}/rdf-graphs/mine" in graphs and f"{base}/relative" in graphs
    assert not any("evil.example" in graph for graph in graphs)

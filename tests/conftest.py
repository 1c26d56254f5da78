"""Shared fixtures: the repository layout and the protocol graph."""

import json
from datetime import date
from pathlib import Path

import pytest
from rdflib import Graph

from trialgraph.fhir import PatientRecord, map_fhir
from trialgraph.ontology import protocol_graph
from trialgraph.synthetic import Scenario, baseline_bundle
from trialgraph.synthetic.changes import Change

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SCREENING_DATE = date(2025, 3, 2)
AS_OF = date(2025, 6, 1)


def changed_record(
    patient_id: str, change: Change | None = None, source: str = "baseline"
) -> PatientRecord:
    """The eligible baseline record, screened on SCREENING_DATE, with a change applied."""
    bundle = baseline_bundle(patient_id, SCREENING_DATE)
    if change is not None:
        change(bundle, SCREENING_DATE)
    return map_fhir(json.dumps(bundle), source=source)


def scenario_record(patient_id: str, scenario: Scenario | None = None) -> PatientRecord:
    """The eligible baseline record, screened on SCREENING_DATE, with the scenario's change."""
    if scenario is None:
        return changed_record(patient_id)
    return changed_record(patient_id, scenario.change, scenario.name)


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The ontology, protocol and value sets as one read-only graph."""
    return protocol_graph()


# --- the service: an app on a fresh store, its test client, and a live HTTP server ----------

SERVICE_PATIENTS = ("svc-eligible", "svc-other")


def make_app(folder: Path, patients=SERVICE_PATIENTS, **settings):
    """An app on a new store in `folder`, with baseline records for the given patient ids."""
    from trialgraph.app import create_app
    from trialgraph.loading import put_records
    from trialgraph.settings import Settings
    from trialgraph.store import open_store

    # the test client's requests are for http://localhost/
    options = {
        "query_timeout": 20.0,
        "query_workers": 2,
        "public_base_url": "http://localhost",
        **settings,
    }
    config = Settings(data_dir=folder, **options)
    store = open_store(config.store_dir, config.snapshots_dir)
    if patients:
        put_records(store, [scenario_record(pid) for pid in patients], AS_OF)
    return create_app(config, store)


def tokens_of(app) -> dict[str, str]:
    """The demo tokens the app made, by role."""
    return app.extensions["trialgraph"].tokens.created


def bearer(app, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens_of(app)[role]}"}


@pytest.fixture
def app(tmp_path):
    """A fresh app for tests that write."""
    made = make_app(tmp_path / "data")
    yield made
    made.extensions["trialgraph"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory):
    """One app for read-only tests."""
    made = make_app(tmp_path_factory.mktemp("shared") / "data")
    yield made
    made.extensions["trialgraph"].close()


@pytest.fixture(scope="session")
def reader(shared_app):
    return shared_app.test_client()


@pytest.fixture(scope="session")
def live_server(shared_app):
    """The shared app behind waitress on a free port; yields its base URL."""
    import threading

    from waitress.server import create_server

    server = create_server(shared_app, host="127.0.0.1", port=0, threads=6)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture
def loopback_site():
    """A web server on loopback that answers every request (GET, POST, HEAD) with one Turtle
    triple; yields its base URL and the list of paths it was asked for (to show that nothing
    fetched it: SPARQL clients such as Oxigraph's SERVICE send a POST)."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    fetched: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def answer(self):
            fetched.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.end_headers()
            self.wfile.write(b"<urn:a> <urn:b> <urn:c> .")

        do_GET = do_POST = do_HEAD = answer

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", fetched
    server.shutdown()
    server.server_close()

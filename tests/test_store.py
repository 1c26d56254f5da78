"""The persistent store, on a real on-disk Oxigraph store: named graphs, current results only,
atomic writes, re-screening one patient, and data that survive a restart."""

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from tests.conftest import AS_OF, scenario_record
from trialgraph.fhir import RecordError
from trialgraph.graphs import ONTOLOGY_GRAPH, RUN_BASE, SHAPES_GRAPH, record_graph
from trialgraph.loading import load_paths, put_records
from trialgraph.namespaces import TG
from trialgraph.screening import screen_records
from trialgraph.store import StoreError, TrialStore, open_store
from trialgraph.synthetic import SCENARIOS, baseline_bundle

INELIGIBLE = next(s for s in SCENARIOS if s.outcomes()["IN1"] == "not-met")


def open_at(folder: Path) -> TrialStore:
    return open_store(folder / "store", folder / "snapshots")


@pytest.fixture
def store(tmp_path) -> TrialStore:
    return open_at(tmp_path)


def run_graphs(store: TrialStore) -> set[str]:
    return {graph for graph in store.graphs() if graph.startswith(RUN_BASE)}


def comparable(result: dict) -> dict:
    evidence = {cid: sorted(items, key=json.dumps) for cid, items in result["evidence"].items()}
    return {**result, "evidence": evidence}


def test_protocol_and_shapes_are_named_graphs(store):
    assert {ONTOLOGY_GRAPH, SHAPES_GRAPH} <= store.graphs()
    assert store.query(f"ASK {{ GRAPH <{SHAPES_GRAPH}> {{ ?s a ?shape }} }}")


def test_stored_results_equal_direct_screening(store):
    records = [scenario_record("p1"), scenario_record("p2", INELIGIBLE)]
    put_records(store, records, AS_OF)
    direct = {r.patient: comparable(r.as_json()) for r in screen_records(records, AS_OF)}
    stored = {r.result.patient: comparable(r.result.as_json()) for r in store.results()}
    assert stored == direct
    assert store.patient_ids() == ["p1", "p2"]
    assert {record_graph("p1"), record_graph("p2")} <= store.graphs()
    assert [r.as_of for r in store.results("p2")] == [AS_OF.isoformat()]


def test_reloading_a_patient_rescreens_that_patient_only(store):
    put_records(store, [scenario_record("p1"), scenario_record("p2")], AS_OF)
    (first_run,) = run_graphs(store)
    put_records(store, [scenario_record("p2", INELIGIBLE)], AS_OF)
    assert len(run_graphs(store)) == 2, "the first run still holds p1's assessment"
    (p1,) = store.results("p1")
    (p2,) = store.results("p2")
    assert p1.result.status == "eligible" and p1.run.endswith(first_run.rsplit("/", 1)[1])
    assert p2.result.status == "ineligible" and not p2.run.endswith(first_run.rsplit("/", 1)[1])
    assessments = f"SELECT ?a WHERE {{ GRAPH <{first_run}> {{ ?a a tg:EligibilityAssessment }} }}"
    assert len(list(store.query(assessments))) == 1, "p2's old assessment was not removed"


def test_a_run_without_current_assessments_is_dropped(store):
    put_records(store, [scenario_record("p1")], AS_OF)
    (first_run,) = run_graphs(store)
    put_records(store, [scenario_record("p1", INELIGIBLE)], AS_OF)
    assert first_run not in run_graphs(store)
    assert len(run_graphs(store)) == 1


def test_a_record_that_cannot_be_stored_is_refused_whole(store):
    put_records(store, [scenario_record("p1")], AS_OF)
    before = sorted(map(str, store.record("p1")))
    bad = scenario_record("p1", INELIGIBLE)
    bad.triples.append((URIRef("https://example.org/not an iri"), TG.code, Literal("x")))
    with pytest.raises(RecordError, match="cannot be stored"):
        put_records(store, [bad, scenario_record("p2")], AS_OF)
    assert sorted(map(str, store.record("p1"))) == before
    assert store.patient_ids() == ["p1"], "p2 was stored although its batch was refused"
    assert [r.result.status for r in store.results("p1")] == ["eligible"]


def test_a_failing_update_leaves_nothing(store):
    graph = "https://example.org/g"
    with pytest.raises(RuntimeError):
        store.update(
            f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> <urn:c> }} }} ;"
            "DROP GRAPH <https://example.org/absent>"
        )
    assert graph not in store.graphs()


def test_delete_removes_record_and_results(store):
    put_records(store, [scenario_record("p1"), scenario_record("p2")], AS_OF)
    assert store.delete("p1")
    assert not store.delete("p1")
    assert store.patient_ids() == ["p2"]
    assert [r.result.patient for r in store.results()] == ["p2"]


def test_load_paths_reports_refused_files_and_stores_the_rest(store, tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "good.json").write_text(json.dumps(baseline_bundle("good", AS_OF)))
    (folder / "bad.json").write_text('{"resourceType": "Bundle", "type": "nonsense"}')
    stored, refused = load_paths(store, [folder], AS_OF)
    assert stored == 1
    assert len(refused) == 1 and "bad.json" in refused[0]
    assert store.patient_ids() == ["good"]


def test_data_survive_a_restart(tmp_path):
    store = open_at(tmp_path)
    put_records(store, [scenario_record("p1")], AS_OF)
    store.close()
    del store
    gc.collect()
    reopened = open_at(tmp_path)
    assert reopened.patient_ids() == ["p1"]
    assert [r.result.status for r in reopened.results()] == ["eligible"]


def test_a_second_process_cannot_open_a_store_in_use(store, tmp_path):
    with pytest.raises(StoreError, match="in use"):
        TrialStore(tmp_path / "store")


def test_load_command_stores_records_for_the_next_process(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    for pid in ("a", "b"):
        (folder / f"{pid}.json").write_text(json.dumps(baseline_bundle(pid, AS_OF)))
    (folder / "broken.json").write_text("{")
    env = {"TRIALGRAPH_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    command = [str(Path(sys.executable).parent / "trialgraph"), "load", str(folder)]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "refused:" in done.stderr and "broken.json" in done.stderr
    assert "stored 2 patient record(s)" in done.stdout
    store = open_at(tmp_path / "data")
    assert store.patient_ids() == ["a", "b"]


def test_the_old_runs_report_forgets_a_rescreened_patient(store):
    put_records(store, [scenario_record("p1"), scenario_record("p2", INELIGIBLE)], AS_OF)
    (first_run,) = run_graphs(store)
    shacl = "PREFIX sh: <http://www.w3.org/ns/shacl#> "
    conforms = f"{shacl} ASK {{ GRAPH <{first_run}> {{ ?report sh:conforms true }} }}"
    assert not store.query(conforms)
    assert store.report_results("p2"), "the ineligible patient has no report results"
    put_records(store, [scenario_record("p2")], AS_OF)
    leftover = f"{shacl} ASK {{ GRAPH <{first_run}> {{ ?report sh:result ?r }} }}"
    assert not store.query(leftover)
    assert store.query(conforms), "the old run's report still says it does not conform"
    assert store.report_results("p2") == []


def test_derived_facts_are_stored_with_the_run_and_replaced_on_rescreening(store):
    ages = (
        "SELECT ?patient ?age WHERE { ?screening tg:minimumAgeYears ?age ; "
        "tg:aboutPatient/tg:patientId ?patient } ORDER BY ?patient"
    )
    put_records(store, [scenario_record("p1"), scenario_record("p2")], AS_OF)
    before = [(s["patient"].value, s["age"].value) for s in store.query(ages)]
    assert [patient for patient, _ in before] == ["p1", "p2"], "one age per patient"
    put_records(store, [scenario_record("p2", INELIGIBLE)], AS_OF)
    after = [(s["patient"].value, s["age"].value) for s in store.query(ages)]
    assert after[0] == before[0], "p1's derived facts were touched"
    assert [patient for patient, _ in after] == ["p1", "p2"], "p2's old age was not removed"
    assert int(after[1][1]) == 17, "IN1 not-met: p2 is 17 after re-screening"
    latest = "ASK { ?fact a tg:LatestResult ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?item }"
    assert store.query(latest), "latest results do not say what they come from"

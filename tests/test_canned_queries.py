"""The shipped canned queries on a store of generated patients: each answer is checked against
the JSON that `trialgraph screen` prints for the same patients; parameters are bound by the
engine and checked; the aggregate role's small cells are suppressed."""

import json
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from trialgraph.aggregates import current_release
from trialgraph.canned import (
    ParameterError,
    canned_queries,
    canned_query,
    run,
)
from trialgraph.loading import load_paths
from trialgraph.query_workers import TooManyRows
from trialgraph.store import TrialStore, open_store
from trialgraph.synthetic import SCENARIOS

AS_OF = "2025-06-01"
RANDOM_MIXES = 40  # generated after the scenario catalogue: 0-3 scenarios each
# Every n-th patient gets this ResearchSubject status (the generator writes candidate).
SUBJECT_STATUSES = {6: "on-study", 9: "follow-up", 13: "on-study-intervention", 4: "withdrawn"}
ENROLLED = {"on-study", "on-study-intervention", "follow-up"}  # fhir-intake.md, ResearchSubject
INJECTION = 'EX4" } ; DELETE WHERE { ?s ?p ?o } #'
SHIPPED = {
    "enrolled",
    "eligible-not-enrolled",
    "protocol-deviations",
    "failing-criterion",
    "missing-data",
    "attrition",
    "counts-by-status",
}
CRITERIA = [f"IN{n}" for n in range(1, 8)] + [f"EX{n}" for n in range(1, 12)]
EXAMPLE_VALUES = {"criterion": "EX4", "string": "syn-00003"}


def trialgraph(*args: str) -> str:
    command = [str(Path(sys.executable).parent / "trialgraph"), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return done.stdout


def subject_status(index: int) -> str:
    """The ResearchSubject status the test gives the index-th generated patient."""
    found = [status for n, status in SUBJECT_STATUSES.items() if index % n == 0]
    return found[0] if found else "candidate"


def excludes(criterion: str, outcome: str) -> bool:
    """eligibility-spec.md section 1: an inclusion not met or an exclusion met excludes."""
    return outcome == ("not-met" if criterion.startswith("IN") else "met")


def chosen_files() -> set[str]:
    """For each criterion, the first catalogue scenario it excludes and the first it leaves
    unknown (the generator writes scenario i as patient i + 1), and the random mixes."""
    chosen = set()
    for criterion in CRITERIA:
        for outcome in ("unknown", "not-met" if criterion.startswith("IN") else "met"):
            index = next(i for i, s in enumerate(SCENARIOS) if s.outcomes()[criterion] == outcome)
            chosen.add(f"syn-{index + 1:05d}.json")
    after = range(len(SCENARIOS) + 1, len(SCENARIOS) + RANDOM_MIXES + 1)
    return chosen | {f"syn-{n:05d}.json" for n in after}


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> dict:
    """Generated patients with their subject statuses: the store they are loaded into, and
    `trialgraph screen`'s JSON for the same files, by patient id."""
    folder = tmp_path_factory.mktemp("population")
    records = folder / "records"
    count = str(len(SCENARIOS) + RANDOM_MIXES)
    trialgraph("generate", count, str(records), "--seed", "7", "--as-of", AS_OF)
    keep, statuses = chosen_files(), {}
    for path in sorted(records.glob("*.json")):
        if path.name not in keep:
            path.unlink()
            continue
        bundle = json.loads(path.read_text())
        status = subject_status(len(statuses) + 1)
        for entry in bundle["entry"]:
            if entry["resource"]["resourceType"] == "ResearchSubject":
                entry["resource"]["status"] = status
        path.write_text(json.dumps(bundle))
        statuses[path.stem] = status
    screened = json.loads(trialgraph("screen", str(records), "--as-of", AS_OF))["patients"]
    store = open_store(folder / "store", folder / "snapshots")
    assert load_paths(store, [records], date.fromisoformat(AS_OF)) == (len(keep), [])
    expected = {patient["patient"]: patient for patient in screened}
    assert set(expected) == set(statuses), "a patient's file name is not its id"
    for pid, patient in expected.items():
        patient["subject_status"] = statuses[pid]
    return {"store": store, "patients": expected}


def rows(store: TrialStore, name: str, suppress: bool = False, **values: str) -> list[dict]:
    """A canned query's rows, each a {variable: value text} dict without unbound variables."""
    answer = run(
        store,
        canned_query(name),
        {key: [value] for key, value in values.items()},
        release=current_release(store) if suppress else None,
        max_rows=10_000,
    )
    return [{k: term.value for k, term in row.items() if term is not None} for row in answer.rows]


def excluding(patient: dict) -> set[str]:
    return {c for c, outcome in patient["criteria"].items() if excludes(c, outcome)}


def enrolled(patient: dict) -> bool:
    return patient["subject_status"] in ENROLLED


def triple_count(store: TrialStore) -> int:
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    return int(next(iter(store.query(query)))["n"].value)


# --- the shipped queries, against `trialgraph screen` -------------------------------------


def test_population_has_every_status_enrolled_or_not(population):
    seen = Counter((p["status"], enrolled(p)) for p in population["patients"].values())
    for status in ("eligible", "ineligible", "undetermined"):
        assert seen[(status, True)] and seen[(status, False)], f"no {status} in both: {seen}"


def test_the_required_queries_are_shipped():
    assert sorted(SHIPPED - set(canned_queries())) == [], "required queries missing"
    assert {name for name, q in canned_queries().items() if q.aggregate} == {
        "attrition",
        "counts-by-status",
    }


def test_enrolled(population):
    found = {
        r["patient"]: (r["subjectStatus"], r["status"])
        for r in rows(population["store"], "enrolled")
    }
    wanted = {
        pid: (p["subject_status"], p["status"])
        for pid, p in population["patients"].items()
        if enrolled(p)
    }
    assert found == wanted


def test_eligible_not_enrolled(population):
    found = [r["patient"] for r in rows(population["store"], "eligible-not-enrolled")]
    wanted = sorted(
        pid
        for pid, p in population["patients"].items()
        if p["status"] == "eligible" and not enrolled(p)
    )
    assert found == wanted


def test_protocol_deviations_name_each_excluding_or_unknown_criterion(population):
    found = {
        (r["patient"], r["status"], r["criterion"], r["outcome"])
        for r in rows(population["store"], "protocol-deviations")
    }
    wanted = {
        (pid, p["status"], criterion, outcome)
        for pid, p in population["patients"].items()
        if enrolled(p) and p["status"] != "eligible"
        for criterion, outcome in p["criteria"].items()
        if outcome == "unknown" or excludes(criterion, outcome)
    }
    assert found == wanted
    assert {status for _, status, _, _ in found} == {"ineligible", "undetermined"}


@pytest.mark.parametrize("criterion", CRITERIA)
def test_failing_criterion_by_id_and_by_iri(criterion, population):
    store, patients = population["store"], population["patients"]
    wanted = sorted(pid for pid, p in patients.items() if criterion in excluding(p))
    by_id = rows(store, "failing-criterion", criterion=criterion)
    iri = f"https://w3id.org/trialgraph/protocol/{criterion}"
    assert [r["patient"] for r in by_id] == wanted
    assert rows(store, "failing-criterion", criterion=iri) == by_id
    assert all(r["status"] == "ineligible" for r in by_id)


def test_every_criterion_excludes_some_patient_alone_or_not(population):
    patients = population["patients"].values()
    assert {c for p in patients for c in excluding(p)} == set(CRITERIA)
    assert any(len(excluding(p)) > 1 for p in patients), "no patient excluded twice"


def missing_items(patient: dict) -> set[tuple[str, str, str]]:
    return {
        (patient["patient"], criterion, item["missing"])
        for criterion, items in patient["evidence"].items()
        for item in items
        if "missing" in item
    }


def test_missing_data_of_undetermined_patients(population):
    found = {
        (r["patient"], r["criterion"], r["missing"])
        for r in rows(population["store"], "missing-data")
    }
    wanted = set().union(
        *(
            missing_items(p)
            for p in population["patients"].values()
            if p["status"] == "undetermined"
        )
    )
    assert found == wanted and found


def test_missing_data_of_one_patient(population):
    undetermined = sorted(
        pid for pid, p in population["patients"].items() if p["status"] == "undetermined"
    )
    pid = undetermined[0]
    found = {
        (r["patient"], r["criterion"], r["missing"])
        for r in rows(population["store"], "missing-data", patient=pid)
    }
    assert found == missing_items(population["patients"][pid])


def test_attrition_per_criterion(population):
    patients = population["patients"].values()
    excluded = Counter(c for p in patients for c in excluding(p))
    alone = Counter(next(iter(excluding(p))) for p in patients if len(excluding(p)) == 1)
    found = rows(population["store"], "attrition")
    assert [r["criterion"] for r in found] == CRITERIA
    for row in found:
        criterion = row["criterion"]
        assert int(row["excluded"]) == excluded[criterion], criterion
        assert int(row["excludedAlone"]) == alone[criterion], criterion


def test_counts_by_status(population):
    patients = population["patients"].values()
    screened = Counter(p["status"] for p in patients)
    enrolled_ = Counter(p["status"] for p in patients if enrolled(p))
    found = {
        r["status"]: (int(r["screened"]), int(r["enrolled"]))
        for r in rows(population["store"], "counts-by-status")
    }
    assert found == {
        s: (screened[s], enrolled_[s]) for s in ("eligible", "ineligible", "undetermined")
    }


@pytest.mark.parametrize("name", sorted(canned_queries()))
def test_every_canned_query_runs_with_example_values(name, population):
    query = canned_query(name)
    values = {p.name: EXAMPLE_VALUES[p.type] for p in query.params}
    assert rows(population["store"], name, **values), f"{name} found nothing"


# --- suppression ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["attrition", "counts-by-status"])
def test_aggregate_role_sees_counts_from_1_to_4_as_under_5(name, population):
    exact = rows(population["store"], name)
    shown = rows(population["store"], name, suppress=True)
    assert len(shown) == len(exact)
    cells = [
        (row[k], shown_row[k]) for row, shown_row in zip(exact, shown, strict=True) for k in row
    ]
    small = [(e, s) for e, s in cells if e.isdigit() and 0 < int(e) < 5]
    assert small, f"{name}: no small cell to suppress in this population"
    assert all(s == "<5" for _, s in small)
    # a count of 5 or more is shown, or hidden as "≥5" where it would give a small one away
    assert all(s in (e, "≥5") for e, s in cells if not (e.isdigit() and 0 < int(e) < 5))


def test_aggregate_answers_hold_no_patient_id(population):
    ids = set(population["patients"])
    for name, query in canned_queries().items():
        if query.aggregate:
            values = {v for row in rows(population["store"], name) for v in row.values()}
            assert not values & ids, name


# --- parameters are bound by the engine ----------------------------------------------------


def test_a_value_holding_sparql_matches_nothing_and_changes_nothing(population):
    store = population["store"]
    before = triple_count(store)
    assert rows(store, "missing-data", patient=INJECTION) == []
    assert rows(store, "assessments", patient=INJECTION) == []
    assert triple_count(store) == before


def test_a_criterion_holding_sparql_is_refused_and_changes_nothing(population):
    store = population["store"]
    before = triple_count(store)
    with pytest.raises(ParameterError) as refused:
        rows(store, "failing-criterion", criterion=INJECTION)
    assert refused.value.parameter == "criterion"
    assert triple_count(store) == before


@pytest.mark.parametrize(
    ("name", "values", "parameter"),
    [
        ("missing-data", {"patients": ["x"]}, "patients"),
        ("enrolled", {"patient": ["x"]}, "patient"),
        ("failing-criterion", {}, "criterion"),
        ("failing-criterion", {"criterion": ["EX4", "EX5"]}, "criterion"),
        ("failing-criterion", {"criterion": ["EX8a"]}, "criterion"),
        (
            "failing-criterion",
            {"criterion": ["https://w3id.org/trialgraph/protocol/EX99"]},
            "criterion",
        ),
    ],
    ids=["unknown", "none-taken", "missing", "repeated", "part-of-a-criterion", "unknown-iri"],
)
def test_bad_parameters_are_refused_naming_the_parameter(name, values, parameter, population):
    with pytest.raises(ParameterError) as refused:
        run(population["store"], canned_query(name), values, max_rows=10)
    assert refused.value.parameter == parameter
    assert repr(parameter) in str(refused.value)


def test_an_answer_over_the_row_limit_is_refused(population):
    with pytest.raises(TooManyRows):
        run(population["store"], canned_query("attrition"), {}, max_rows=17)

"""The synthetic patients: well-formed FHIR JSON, tagged synthetic, deterministic for a seed,
and a catalogue with every outcome of every criterion. Screening outcomes are tested elsewhere."""

import json
from collections import Counter
from datetime import date, timedelta

import pytest

from trialgraph.synthetic import (
    CRITERIA,
    PROVENANCE,
    SCENARIOS,
    Scenario,
    baseline_bundle,
    generate_bundles,
    screening_date,
    write_bundles,
)

AS_OF = date(2025, 6, 30)
# Screening dates where a birth date relative to T_S may not exist or may decide the age.
EDGE_DATES = [date(2025, 3, 10), date(2024, 2, 29), date(2024, 2, 28), date(2023, 12, 31)]


def problems(bundle: dict) -> list[str]:
    """What makes a bundle unfit as a synthetic FHIR collection; empty if it is fit."""
    found = []
    if json.loads(json.dumps(bundle)) != bundle:
        found.append("does not survive a JSON round trip")
    if (bundle.get("resourceType"), bundle.get("type")) != ("Bundle", "collection"):
        found.append("is not a collection Bundle")
    resources = [entry["resource"] for entry in bundle["entry"]]
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) != 1:
        return [*found, f"has {len(patients)} Patients"]
    tags = patients[0].get("meta", {}).get("tag", [])
    if {"system": PROVENANCE, "code": "synthetic"} not in [
        {"system": t["system"], "code": t["code"]} for t in tags
    ]:
        found.append("Patient is not tagged synthetic")
    if patients[0]["name"][0]["family"] != "Synthetic":
        found.append("Patient is not named Synthetic")
    ids = Counter(r["id"] for r in resources)
    urls = Counter(entry["fullUrl"] for entry in bundle["entry"])
    found += [f"id {i} used {n} times" for i, n in ids.items() if n > 1]
    found += [f"fullUrl {u} used {n} times" for u, n in urls.items() if n > 1]
    found += [f"fullUrl {u} is not a urn:uuid" for u in urls if not u.startswith("urn:uuid:")]
    for resource in resources:
        for field in ("subject", "patient", "individual"):
            reference = resource.get(field, {}).get("reference")
            if reference is not None and reference not in urls:
                found.append(f"{resource['id']}.{field} points outside the bundle")
    return found


def test_baseline_is_a_well_formed_synthetic_bundle():
    bundle = baseline_bundle("syn-00001", date(2025, 3, 10))
    assert problems(bundle) == []
    assert 30 <= len(bundle["entry"]) <= 40, f"{len(bundle['entry'])} resources"
    assert screening_date(bundle) == date(2025, 3, 10)


@pytest.mark.parametrize("when", EDGE_DATES, ids=str)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_scenario_keeps_the_bundle_well_formed(scenario, when):
    bundle = baseline_bundle("syn-00001", when)
    scenario.change(bundle, when)
    assert problems(bundle) == []
    moved = when - screening_date(bundle)
    assert timedelta(0) <= moved <= timedelta(days=2), f"screening date moved by {moved}"


@pytest.mark.parametrize("criterion", CRITERIA)
def test_every_criterion_has_met_not_met_and_unknown(criterion):
    outcomes = {s.expected for s in SCENARIOS if s.criterion == criterion}
    wanted = {"met", "not-met", "unknown"} | ({"not-applicable"} if criterion == "IN6" else set())
    assert wanted <= outcomes, f"{criterion} lacks {wanted - outcomes}"


def test_scenario_names_are_unique_and_start_with_their_criterion():
    names = Counter(s.name for s in SCENARIOS)
    assert [n for n, count in names.items() if count > 1] == []
    assert [s.name for s in SCENARIOS if not s.name.startswith(f"{s.criterion}-")] == []


def test_scenario_outcomes_name_every_criterion():
    for scenario in SCENARIOS:
        outcomes = scenario.outcomes()
        assert list(outcomes) == list(CRITERIA), scenario.name
        assert outcomes[scenario.criterion] == scenario.expected, scenario.name


@pytest.mark.parametrize(
    ("criterion", "expected"), [("IN8", "met"), ("IN1", "maybe"), ("EX1", "not-applicable")]
)
def test_scenario_refuses_an_unknown_criterion_or_outcome(criterion, expected):
    with pytest.raises(ValueError):
        Scenario("bad", criterion, expected, lambda bundle, t: None)


def _serialised(n: int, seed: int) -> list[str]:
    return [json.dumps(b) for _, b in generate_bundles(n, seed=seed, as_of=AS_OF)]


def test_same_seed_gives_the_same_bytes():
    assert _serialised(len(SCENARIOS) + 20, 7) == _serialised(len(SCENARIOS) + 20, 7)


def test_other_seed_gives_other_bundles():
    assert _serialised(5, 7) != _serialised(5, 8)


def test_generated_bundles_cover_the_catalogue_then_mix():
    n = len(SCENARIOS) + 40
    generated = list(generate_bundles(n, seed=3, as_of=AS_OF))
    assert [pid for pid, _ in generated] == [f"syn-{i:05d}" for i in range(1, n + 1)]
    for pid, bundle in generated:
        assert problems(bundle) == [], pid
        assert AS_OF - timedelta(days=367) <= screening_date(bundle) <= AS_OF, pid
        assert 30 <= len(bundle["entry"]) <= 45, f"{pid}: {len(bundle['entry'])} resources"
    mixes = {json.dumps(b["entry"][1:]) for _, b in generated[len(SCENARIOS) :]}
    assert len(mixes) > 1, "the random mixes are all alike"


def test_write_bundles_writes_n_compact_files(tmp_path):
    out = tmp_path / "bundles"
    assert write_bundles(5, out, seed=1, as_of=AS_OF) == 5
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [f"syn-{i:05d}.json" for i in range(1, 6)]
    for path in files:
        text = path.read_text(encoding="utf-8")
        compact = json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False)
        assert text == compact, f"{path.name} is not compact JSON"

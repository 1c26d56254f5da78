"""Every criterion, every outcome, every boundary: each synthetic scenario changes one thing in
an eligible baseline record, and the shapes must give exactly the outcomes the spec says."""

import pytest

from tests.conftest import AS_OF, scenario_record
from trialgraph.screening import CRITERIA, screen_records
from trialgraph.synthetic import SCENARIOS


@pytest.fixture(scope="module")
def screened():
    records = [scenario_record(f"scenario-{i:03d}", s) for i, s in enumerate(SCENARIOS)]
    baseline = scenario_record("baseline")
    results = screen_records([*records, baseline], AS_OF)
    return {result.patient: result for result in results}


def test_baseline_is_eligible_with_every_criterion_decided(screened):
    baseline = screened["baseline"]
    assert baseline.status == "eligible", baseline.criteria
    assert set(baseline.criteria) >= set(CRITERIA)


@pytest.mark.parametrize(
    ("index", "scenario"), list(enumerate(SCENARIOS)), ids=[s.name for s in SCENARIOS]
)
def test_scenario_outcomes(index, scenario, screened):
    result = screened[f"scenario-{index:03d}"]
    expected = scenario.outcomes()
    got = {cid: result.criteria[cid] for cid in CRITERIA}
    wrong = {cid: (got[cid], expected[cid]) for cid in CRITERIA if got[cid] != expected[cid]}
    assert not wrong, f"{scenario.name}: (got, expected) {wrong}"


@pytest.mark.parametrize(
    ("index", "scenario"), list(enumerate(SCENARIOS)), ids=[s.name for s in SCENARIOS]
)
def test_unknown_outcomes_say_what_is_missing(index, scenario, screened):
    result = screened[f"scenario-{index:03d}"]
    for cid in CRITERIA:
        if result.criteria[cid] == "unknown":
            missing = [item for item in result.evidence[cid] if "missing" in item]
            assert missing, f"{scenario.name}: {cid} is unknown but names no missing data"

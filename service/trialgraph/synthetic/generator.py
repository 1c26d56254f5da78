"""The generator: N synthetic bundles, first the scenario catalogue in order, then random mixes
of scenarios, deterministic for a seed."""

import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from trialgraph.synthetic.baseline import baseline_bundle
from trialgraph.synthetic.bundles import screening_date
from trialgraph.synthetic.catalogue import SCENARIOS
from trialgraph.synthetic.scenarios import CRITERIA

_BY_CRITERION = {c: [s for s in SCENARIOS if s.criterion == c] for c in CRITERIA}


def generate_bundles(n: int, seed: int, as_of: date) -> Iterator[tuple[str, dict]]:
    """Yield n (patient id, bundle): first each scenario in order, then random mixes of 0-3
    scenarios of different criteria; screening dates fall in the year before `as_of`."""
    rng = random.Random(seed)
    for index in range(n):
        patient_id = f"syn-{index + 1:05d}"
        bundle = baseline_bundle(patient_id, as_of - timedelta(days=rng.randrange(365)))
        if index < len(SCENARIOS):
            changes = [SCENARIOS[index]]
        else:
            criteria = rng.sample(CRITERIA, rng.randint(0, 3))
            changes = [rng.choice(_BY_CRITERION[c]) for c in criteria]
        for scenario in changes:
            scenario.change(bundle, screening_date(bundle))
        yield patient_id, bundle


def write_bundles(n: int, out_dir: Path, seed: int, as_of: date) -> int:
    """Write n generated bundles as compact `<patient id>.json` files; return how many."""
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    for patient_id, bundle in generate_bundles(n, seed, as_of):
        text = json.dumps(bundle, separators=(",", ":"), ensure_ascii=False)
        (out_dir / f"{patient_id}.json").write_text(text, encoding="utf-8")
        count += 1
    return count

"""Synthetic FHIR R4 patients: an eligible baseline, a catalogue of scenarios, a generator.

A scenario applies one change to the baseline bundle so that one criterion of
shared/protocol/eligibility-spec.md takes a stated outcome while every other criterion keeps its
baseline outcome (where the spec makes that impossible, `Scenario.also` names the others that
move). Resources and codes follow shared/protocol/fhir-intake.md. Every patient is tagged
synthetic and describes no real person.

Modules, in the order they build on each other:

- `fhir_builders`: code systems, codes and one builder per FHIR resource kind;
- `bundles`: reading and editing a bundle (resources, patient, screening date T_S);
- `baseline`: `baseline_bundle`, the patient who meets every criterion;
- `changes`, `birth_dates`: factories of changes to a bundle;
- `scenarios`: the outcomes and the `Scenario` type;
- `inclusion`, `exclusion`: the scenarios, criterion by criterion; `catalogue`: all of them;
- `generator`: `generate_bundles`, `write_bundles`.
"""

from trialgraph.synthetic.baseline import ATTESTATIONS, baseline_bundle
from trialgraph.synthetic.bundles import screening_date
from trialgraph.synthetic.catalogue import SCENARIOS
from trialgraph.synthetic.fhir_builders import PROVENANCE, SYNTHETIC_TAG
from trialgraph.synthetic.generator import generate_bundles, write_bundles
from trialgraph.synthetic.scenarios import (
    BASELINE_OUTCOMES,
    CRITERIA,
    EXCLUSIONS,
    INCLUSIONS,
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    OUTCOMES,
    UNKNOWN,
    Scenario,
)

__all__ = [
    "ATTESTATIONS",
    "BASELINE_OUTCOMES",
    "CRITERIA",
    "EXCLUSIONS",
    "INCLUSIONS",
    "MET",
    "NOT_APPLICABLE",
    "NOT_MET",
    "OUTCOMES",
    "PROVENANCE",
    "SCENARIOS",
    "SYNTHETIC_TAG",
    "UNKNOWN",
    "Scenario",
    "baseline_bundle",
    "generate_bundles",
    "screening_date",
    "write_bundles",
]

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

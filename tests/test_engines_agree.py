"""The batch engine (Oxigraph) and the reference engine (pySHACL, SHACL-AF) agree on the same
shapes: same outcome for every criterion of every patient, same report results."""

import json

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from tests.conftest import AS_OF, scenario_record
from trialgraph.engine import BatchEngine
from trialgraph.ontology import protocol_graph
from trialgraph.reference import run_reference
from trialgraph.screening import (
    OUTCOME_COLUMNS,
    collect_outcomes,
    outcomes_query,
    run_graph,
    store_outcomes,
)
from trialgraph.synthetic import SCENARIOS

SAMPLE = SCENARIOS[::15]  # one scenario in fifteen, across all criteria


def _records() -> list[Graph]:
    records = [scenario_record(f"agree-{i:02d}", s).graph for i, s in enumerate(SAMPLE)]
    return [run_graph(AS_OF), *records]


@pytest.fixture(scope="module")
def both():
    records = _records()
    engine = BatchEngine(protocol_graph())
    store = engine.run(graph.serialize(format="nt") for graph in records)
    data = Graph()
    for graph in [protocol_graph(), *records]:
        for triple in graph:
            data.add(triple)
    report = run_reference(data)
    reference_rows = [
        {name: (str(row[name]) if row[name] is not None else None) for name in OUTCOME_COLUMNS}
        for row in data.query(outcomes_query())
    ]
    return (
        store_outcomes(store),
        engine.violations(store),
        collect_outcomes(reference_rows),
        report,
    )


@pytest.mark.slow
def test_outcomes_agree(both):
    batch, _, reference, _ = both
    assert len(batch) == len(SAMPLE)
    assert [comparable(r.as_json()) for r in batch] == [comparable(r.as_json()) for r in reference]


def comparable(result: dict) -> dict:
    """The result with each criterion's evidence in a stable order (engines list it in any)."""
    evidence = {cid: sorted(items, key=json.dumps) for cid, items in result["evidence"].items()}
    return {**result, "evidence": evidence}


@pytest.mark.slow
def test_report_results_agree(both):
    _, violations, _, report = both
    batch = sorted(
        (str(severity), focus.value, value.value) for _, severity, focus, value, _ in violations
    )
    reference = sorted(
        (
            str(report.value(result, SH.resultSeverity)),
            str(report.value(result, SH.focusNode)),
            str(report.value(result, SH.value)),
        )
        for result in report.subjects(SH.resultSeverity, None)
    )
    assert batch == reference

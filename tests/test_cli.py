"""The `trialgraph screen` contract that scripts rely on: formats, exit statuses, refusals."""

import json
from datetime import date

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH

from trialgraph.cli import main
from trialgraph.namespaces import TG, TGP
from trialgraph.screening import CRITERIA
from trialgraph.synthetic import write_bundles

AS_OF = "2025-06-01"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """Three synthetic bundles: eligible, ineligible on IN1, and one more from the catalogue."""
    folder = tmp_path_factory.mktemp("bundles")
    write_bundles(3, folder, seed=1, as_of=date.fromisoformat(AS_OF))
    return folder


def screen(*arguments: str):
    return CliRunner().invoke(main, ["screen", *arguments])


def test_json_has_every_criterion_of_every_patient(bundles):
    result = screen(str(bundles), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["as_of"] == AS_OF
    assert [p["patient"] for p in document["patients"]] == ["syn-00001", "syn-00002", "syn-00003"]
    for patient in document["patients"]:
        assert list(patient["criteria"]) == CRITERIA, patient["patient"]
        assert list(patient["evidence"]) == CRITERIA, patient["patient"]
        assert patient["status"] in ("eligible", "ineligible", "undetermined")
    first, second = document["patients"][:2]
    assert first["status"] == "eligible"
    assert second["status"] == "ineligible"


def test_refused_record_exits_1_and_the_others_are_reported(bundles, tmp_path):
    (tmp_path / "good.json").write_bytes((bundles / "syn-00001.json").read_bytes())
    (tmp_path / "broken.json").write_text('{"resourceType": "Bundle", "type": "collection",')
    result = screen(str(tmp_path), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "refused:" in result.stderr and "broken.json" in result.stderr, result.stderr
    patients = json.loads(result.stdout)["patients"]
    assert [p["patient"] for p in patients] == ["syn-00001"]


@pytest.mark.parametrize(
    "arguments",
    [["--as-of", "2025-13-01"], ["--format", "csv"], []],
    ids=["bad-date", "unknown-format", "no-path"],
)
def test_usage_error_exits_2(bundles, arguments):
    paths = [str(bundles)] if arguments else []
    result = screen(*paths, *arguments)
    assert result.exit_code == 2, result.output


def test_table_has_a_row_per_patient(bundles):
    result = screen(str(bundles), "--as-of", AS_OF, "--format", "table")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["patient", "status", "IN1"]
    assert lines[2].split()[:2] == ["syn-00001", "eligible"]
    assert sum(line.startswith("syn-") for line in lines) == 3


def test_turtle_has_results_and_the_validation_report(bundles):
    result = screen(str(bundles / "syn-00002.json"), "--as-of", AS_OF, "--format", "ttl")
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    assessments = list(graph.subjects(RDF.type, TG.EligibilityAssessment))
    assert len(assessments) == 1
    assert (assessments[0], TG.eligibilityStatus, TG.ineligible) in graph
    screening = graph.value(assessments[0], TG.assessedScreening)
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert (report, SH.conforms, Literal(False)) in graph
    violations = [
        node
        for node in graph.objects(report, SH.result)
        if (node, SH.resultSeverity, SH.Violation) in graph
    ]
    assert [graph.value(node, SH.value) for node in violations] == [TGP.IN1]
    assert graph.value(violations[0], SH.focusNode) == screening
    assert graph.value(violations[0], SH.sourceShape) == URIRef(
        "https://w3id.org/trialgraph/shapes#Eligibility"
    )


def test_eligible_patient_conforms(bundles):
    result = screen(str(bundles / "syn-00001.json"), "--as-of", AS_OF, "--format", "ttl")
    graph = Graph().parse(data=result.stdout, format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert (report, SH.conforms, Literal(True)) in graph
    assert list(graph.objects(report, SH.result)) == []


def test_turtle_has_the_derived_facts_with_what_they_come_from(bundles):
    result = screen(str(bundles / "syn-00002.json"), "--as-of", AS_OF, "--format", "ttl")
    graph = Graph().parse(data=result.stdout, format="turtle")
    [assessment] = graph.subjects(RDF.type, TG.EligibilityAssessment)
    screening = graph.value(assessment, TG.assessedScreening)
    assert graph.value(screening, TG.minimumAgeYears) == Literal(17)
    alt = next(f for f in graph.objects(screening, TG.latestResult) if str(f).endswith("/alt"))
    item = graph.value(alt, PROV.wasDerivedFrom)
    assert item is not None and graph.value(item, TG.ulnMultiple) is not None

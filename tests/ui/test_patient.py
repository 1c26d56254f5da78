"""The patient page (trialgraph.ui.patient): status, each criterion's outcome and evidence in
plain words, the data to collect for every unknown outcome, and the record and SHACL report as
Turtle and JSON-LD."""

import json

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from tests.conftest import SCREENING_DATE
from tests.ui.conftest import ELIGIBLE, ENROLLED, HBSAG_MISSING, UNDER_AGE
from trialgraph.namespaces import TG, TGP, TGSH
from trialgraph.screening import CRITERIA


def patient(as_role, patient_id: str) -> dict:
    response = as_role("investigator").get(f"/ui/patients/{patient_id}.json")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["patient"]


def criterion(found: dict, cid: str) -> dict:
    return next(c for c in found["criteria"] if c["id"] == cid)


def test_every_criterion_with_its_outcome(as_role):
    found = patient(as_role, HBSAG_MISSING[0])
    assert found["status"] == "undetermined"
    assert [c["id"] for c in found["criteria"]] == CRITERIA
    assert criterion(found, "EX4")["outcome"] == "unknown"
    text = as_role("investigator").get(f"/ui/patients/{HBSAG_MISSING[0]}").get_data(as_text=True)
    assert text.count('class="criterion') == 18


def test_an_unknown_outcome_says_what_to_collect(as_role):
    missing = criterion(patient(as_role, HBSAG_MISSING[0]), "EX4")["missing"]
    assert len(missing) == 1
    assert "an HBsAg result" in missing[0] and f"to {SCREENING_DATE.isoformat()}" in missing[0]
    text = as_role("investigator").get(f"/ui/patients/{HBSAG_MISSING[0]}").get_data(as_text=True)
    assert 'id="to-collect"' in text and f"To collect: {missing[0]}" in text


def test_evidence_is_told_with_labels_values_units_and_dates(as_role):
    found = patient(as_role, ELIGIBLE[1])
    alt = next(e for e in criterion(found, "EX8")["evidence"] if "1742-6" in e["what"])
    facts = dict(alt["facts"])
    assert alt["kind"] == "observation record" and alt["source"].startswith("Observation/")
    assert {"unit", "numeric value", "effective date"} <= set(facts)
    assert facts["unit"] == "U/L"
    sle = next(e for e in criterion(found, "IN2")["evidence"] if e["kind"] == "condition record")
    assert sle["what"] == "systemic lupus erythematosus (SNOMED CT 55464009)"


def test_an_excluding_criterion_is_marked(as_role):
    found = patient(as_role, UNDER_AGE[0])
    assert found["status"] == "ineligible"
    in1 = criterion(found, "IN1")
    assert (in1["outcome"], in1["excludes"]) == ("not-met", True)
    assert dict(in1["evidence"][0]["facts"])["birth date"]


def test_enrolment_and_screening_date(as_role):
    found = patient(as_role, ENROLLED)
    assert (found["subject_status"], found["enrolled"]) == ("on-study", True)
    assert found["screening_date"] == SCREENING_DATE.isoformat()
    assert patient(as_role, ELIGIBLE[1])["enrolled"] is False


def test_unknown_patient_is_404(as_role):
    assert as_role("investigator").get("/ui/patients/nobody").status_code == 404
    assert as_role("investigator").get("/ui/patients/nobody/record.ttl").status_code == 404


@pytest.mark.parametrize(("suffix", "rdf_format"), [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_record_downloads_parse(as_role, suffix, rdf_format):
    response = as_role("investigator").get(f"/ui/patients/{ENROLLED}/record.{suffix}")
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format=rdf_format)
    assert (None, TG.patientId, Literal(ENROLLED)) in graph
    if suffix == "jsonld":
        json.loads(response.get_data(as_text=True))


def test_other_download_suffixes_are_404(as_role):
    assert as_role("investigator").get(f"/ui/patients/{ENROLLED}/record.xml").status_code == 404


def test_the_report_is_a_shacl_validation_report(as_role):
    client = as_role("investigator")
    turtle = client.get(f"/ui/patients/{HBSAG_MISSING[0]}/report.ttl")
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    report = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(list(report.subjects(RDF.type, SH.ValidationReport))) == 1
    results = {
        (
            report.value(r, SH.sourceShape),
            report.value(r, SH.resultSeverity),
            report.value(r, SH.value),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    assert results == {(TGSH.Decided, SH.Warning, TGP.EX4)}
    jsonld = client.get(f"/ui/patients/{UNDER_AGE[0]}/report.jsonld")
    report = Graph().parse(data=jsonld.get_data(as_text=True), format="json-ld")
    assert (None, SH.value, TGP.IN1) in report and (None, SH.resultSeverity, SH.Violation) in report

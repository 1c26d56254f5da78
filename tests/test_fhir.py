"""FHIR intake: each mapping rule of fhir-intake.md gives the record model's triples, and each
malformed bundle (or one mixing in another patient's items) is refused with the file, resource
and field named."""

import json
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from rdflib import RDF, SKOS, Graph, Literal, Namespace, URIRef

from trialgraph.fhir import CodeSystems, PatientRecord, RecordError, code_systems, map_fhir
from trialgraph.namespaces import TG, TGCS

SCT = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
SCR = "https://w3id.org/trialgraph/fhir/CodeSystem/screening"
ISN = "https://w3id.org/trialgraph/fhir/CodeSystem/isn-rps-2003"
OUTCOME = "https://w3id.org/trialgraph/fhir/CodeSystem/therapy-outcome"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
P1 = {"reference": "Patient/p1"}
PATIENT_URL = "urn:uuid:5f0c6a8e-2b1d-4c3a-9e7f-1a2b3c4d5e6f"

XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's XSD warns when pytest scans it
PATIENT = URIRef("https://w3id.org/trialgraph/patient/p1")
SNOMED = Namespace("http://snomed.info/id/")
ICD = Namespace("http://purl.bioontology.org/ontology/ICD10/")
LNC = Namespace("http://loinc.org/rdf#")
ATC_ = Namespace("http://purl.bioontology.org/ontology/ATC/")
SCR_ = Namespace(SCR + "/")
OUTCOME_ = Namespace(OUTCOME + "/")


def cc(system: str, code: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": code}]}


def mg(value: object, unit: str = "mg") -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def bundle(
    *resources: dict,
    patient: dict | None = None,
    kind: str = "collection",
    patient_url: str | None = None,
) -> dict:
    patient = {"resourceType": "Patient", "id": "p1"} if patient is None else patient
    entries = [{"resource": r} for r in ([patient, *resources] if patient else resources)]
    if patient and patient_url:
        entries[0]["fullUrl"] = patient_url
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def record(*resources: dict, **kwargs) -> PatientRecord:
    return map_fhir(json.dumps(bundle(*resources, **kwargs)), source="bundle.json")


def refused_at(document: dict | str, resource: str, field: str) -> RecordError:
    """Map a bundle (or its JSON text) that must be refused naming this resource and field."""
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(RecordError) as raised:
        map_fhir(text, source="bundle.json")
    found = (raised.value.source, raised.value.resource, raised.value.field)
    assert found == ("bundle.json", resource, field), f"error names {found}: {raised.value}"
    return raised.value


def item(kind: str, rid: str) -> URIRef:
    return URIRef(f"{PATIENT}/{kind}/{rid}")


def ref(resource: dict) -> str:
    return f"{resource['resourceType']}/{resource['id']}"


def dated(value: str) -> Literal:
    return Literal(value, datatype=XSD.date)


def dec(value: str) -> Literal:
    return Literal(value, datatype=XSD.decimal)


def missing(graph: Graph, subject: URIRef, expected: list[tuple]) -> list[tuple]:
    return [(p, o) for p, o in expected if (subject, p, o) not in graph]


# --- the patient -------------------------------------------------------------------------


def test_patient_triples():
    patient = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1990-05-17"}
    result = record(patient=patient)
    assert result.patient_id == "p1"
    expected = [
        (RDF.type, TG.Patient),
        (TG.patientId, Literal("p1")),
        (TG.sourceResource, Literal("Patient/p1")),
        (TG.gender, Literal("female")),
        (TG.birthDate, dated("1990-05-17")),
    ]
    assert missing(result.graph, PATIENT, expected) == [], "patient triples missing"


@pytest.mark.parametrize(
    ("text", "datatype"),
    [("1990-05-17", XSD.date), ("1990-05", XSD.gYearMonth), ("1990", XSD.gYear)],
    ids=["full", "year-month", "year"],
)
def test_birth_date_keeps_its_precision(text, datatype):
    result = record(patient={"resourceType": "Patient", "id": "p1", "birthDate": text})
    found = result.graph.value(PATIENT, TG.birthDate)
    assert found == Literal(text, datatype=datatype), f"birthDate {text} mapped to {found!r}"


def test_patient_id_is_quoted_in_the_iri():
    result = record(patient={"resourceType": "Patient", "id": "a b/c"})
    iri = URIRef("https://w3id.org/trialgraph/patient/a%20b%2Fc")
    assert (iri, TG.patientId, Literal("a b/c")) in result.graph, "patient IRI not percent-encoded"


def test_single_patient_resource_is_a_record():
    text = json.dumps({"resourceType": "Patient", "id": "p1", "gender": "male"})
    result = map_fhir(text, source="patient.json")
    assert (PATIENT, TG.gender, Literal("male")) in result.graph, "single Patient not mapped"


@pytest.mark.parametrize("kind", ["collection", "transaction", "batch", "searchset"])
def test_bundle_types_accepted(kind):
    assert record(kind=kind).patient_id == "p1", f"a {kind} bundle was not mapped"


# --- screening ---------------------------------------------------------------------------


SCREENING = {
    "resourceType": "ResearchSubject",
    "id": "rs1",
    "individual": P1,
    "status": "candidate",
    "period": {"start": "2025-03-02T10:00:00+01:00"},
}


def test_research_subject_is_a_screening():
    graph = record(SCREENING).graph
    expected = [
        (RDF.type, TG.Screening),
        (TG.aboutPatient, PATIENT),
        (TG.sourceResource, Literal("ResearchSubject/rs1")),
        (TG.screeningDate, dated("2025-03-02")),
        (TG.subjectStatus, Literal("candidate")),
    ]
    assert missing(graph, item("ResearchSubject", "rs1"), expected) == [], "screening triples"
    assert (URIRef(f"{PATIENT}/screening"), None, None) not in graph, "default screening added"


def test_no_research_subject_gives_an_undated_screening():
    graph = record().graph
    screening = URIRef(f"{PATIENT}/screening")
    assert (screening, RDF.type, TG.Screening) in graph, "default screening node missing"
    assert (screening, TG.aboutPatient, PATIENT) in graph, "default screening has no patient"
    assert graph.value(screening, TG.screeningDate) is None, "default screening has a date"


def test_each_research_subject_is_a_screening():
    subjects = [with_(SCREENING, id=f"rs{n}", period={"start": f"2025-0{n}-01"}) for n in (1, 2)]
    graph = record(*subjects).graph
    assert set(graph.subjects(RDF.type, TG.Screening)) == {
        item("ResearchSubject", "rs1"),
        item("ResearchSubject", "rs2"),
    }, "one screening per ResearchSubject expected"


# --- record items ------------------------------------------------------------------------


@dataclass
class Case:
    """One resource, the item it must give, and what that item must (not) have."""

    id: str
    resource: dict
    rdf_type: URIRef
    present: list[tuple] = field(default_factory=list)
    absent: list[URIRef] = field(default_factory=list)


CONDITION = {
    "resourceType": "Condition",
    "id": "c1",
    "subject": P1,
    "code": {"coding": [{"system": SCT, "code": "68815009"}, {"system": ICD10, "code": "M32.1"}]},
    "clinicalStatus": cc(CLINICAL, "active"),
    "verificationStatus": cc(VERIFICATION, "confirmed"),
    "onsetDateTime": "2019-04-01T08:00:00Z",
    "recordedDate": "2019-05-01",
    "abatementDateTime": "2024-01-10",
}
OBSERVATION = {"resourceType": "Observation", "id": "o1", "subject": P1, "status": "final"}
STATEMENT = {
    "resourceType": "MedicationStatement",
    "id": "m1",
    "subject": P1,
    "status": "completed",
    "medicationCodeableConcept": cc(ATC, "H02AB07"),
    "effectivePeriod": {"start": "2024-01-01", "end": "2024-06-30"},
    "statusReason": [cc(OUTCOME, "no-response")],
    "dosage": [
        {
            "route": cc(SCT, "26643006"),
            "doseAndRate": [{"doseQuantity": mg(10)}],
            "timing": {"repeat": {"frequency": 2, "period": 1.5, "periodUnit": "d"}},
        }
    ],
}
ADMINISTRATION = {
    "resourceType": "MedicationAdministration",
    "id": "ma1",
    "subject": P1,
    "status": "completed",
    "medicationCodeableConcept": cc(ATC, "H02AB04"),
    "effectiveDateTime": "2025-02-20T09:00:00Z",
    "dosage": {"route": cc(SCT, "47625008"), "dose": mg(500)},
}
CONSENT = {
    "resourceType": "Consent",
    "id": "k1",
    "patient": P1,
    "status": "active",
    "dateTime": "2025-03-01",
}


def with_(resource: dict, **changes) -> dict:
    changed = {**resource, **changes}
    return {key: value for key, value in changed.items() if value is not None}


RESEARCH_CONSENT = with_(CONSENT, scope=cc(CONSENT_SCOPE, "research"))


CASES = [
    Case(
        "condition",
        CONDITION,
        TG.ConditionRecord,
        [
            (TG.code, SNOMED["68815009"]),
            (TG.code, ICD["M32.1"]),
            (TG.clinicalStatus, Literal("active")),
            (TG.verificationStatus, Literal("confirmed")),
            (TG.onsetDate, dated("2019-04-01")),
            (TG.abatementDate, dated("2024-01-10")),
        ],
    ),
    Case(
        "condition-recorded-date-as-onset",
        with_(CONDITION, onsetDateTime=None, verificationStatus=None, abatementDateTime=None),
        TG.ConditionRecord,
        [(TG.onsetDate, dated("2019-05-01"))],
        [TG.verificationStatus, TG.abatementDate],
    ),
    Case(
        "observation-quantity",
        with_(
            OBSERVATION,
            code=cc(LOINC, "1742-6"),
            effectiveDateTime="2025-02-10T08:30:00+02:00",
            valueQuantity={"value": 35, "unit": "U/L", "system": UCUM, "code": "U/L"},
            referenceRange=[{"high": {"value": 40.5, "code": "U/L"}}],
        ),
        TG.ObservationRecord,
        [
            (TG.code, LNC["1742-6"]),
            (TG.status, Literal("final")),
            (TG.effectiveDate, dated("2025-02-10")),
            (TG.numericValue, dec("35")),
            (TG.unit, Literal("U/L")),
            (TG.referenceHigh, dec("40.5")),
        ],
    ),
    Case(
        "observation-quantity-unit-text-and-period",
        with_(
            OBSERVATION,
            effectivePeriod={"start": "2025-02"},
            valueQuantity={"value": 1.2, "unit": "mg/dL"},
        ),
        TG.ObservationRecord,
        [
            (TG.effectiveDate, Literal("2025-02", datatype=XSD.gYearMonth)),
            (TG.numericValue, dec("1.2")),
            (TG.unit, Literal("mg/dL")),
        ],
        [TG.referenceHigh],
    ),
    Case(
        "observation-integer",
        with_(OBSERVATION, code=cc(SCR, "sledai-2k"), valueInteger=12),
        TG.ObservationRecord,
        [(TG.code, SCR_["sledai-2k"]), (TG.numericValue, dec("12"))],
    ),
    Case(
        "observation-decimal",
        with_(OBSERVATION, valueDecimal=6.25),
        TG.ObservationRecord,
        [(TG.numericValue, dec("6.25"))],
    ),
    Case(
        "observation-boolean",
        with_(OBSERVATION, code=cc(SCR, "history-complete"), valueBoolean=False),
        TG.ObservationRecord,
        [(TG.booleanValue, Literal(False))],
    ),
    Case(
        "observation-coded",
        with_(OBSERVATION, valueCodeableConcept=cc(ISN, "IV+V")),
        TG.ObservationRecord,
        [(TG.codedValue, URIRef(ISN + "/IV+V"))],
        [TG.numericValue],
    ),
    Case(
        "medication-statement",
        STATEMENT,
        TG.MedicationExposure,
        [
            (TG.code, ATC_["H02AB07"]),
            (TG.status, Literal("completed")),
            (TG.startDate, dated("2024-01-01")),
            (TG.endDate, dated("2024-06-30")),
            (TG.therapyOutcome, OUTCOME_["no-response"]),
            (TG.route, SNOMED["26643006"]),
            (TG.doseMg, dec("10")),
            (TG.frequency, dec("2")),
            (TG.period, dec("1.5")),
            (TG.periodUnit, Literal("d")),
        ],
    ),
    Case(
        "medication-statement-single-day",
        with_(STATEMENT, effectivePeriod=None, effectiveDateTime="2024-03-05T12:00:00Z"),
        TG.MedicationExposure,
        [(TG.startDate, dated("2024-03-05")), (TG.endDate, dated("2024-03-05"))],
    ),
    Case(
        "medication-statement-ongoing",
        with_(STATEMENT, effectivePeriod={"start": "2024-01-01"}),
        TG.MedicationExposure,
        [(TG.startDate, dated("2024-01-01"))],
        [TG.endDate],
    ),
    Case(
        "medication-statement-dose-not-in-mg",
        with_(STATEMENT, dosage=[{"doseAndRate": [{"doseQuantity": mg(1, unit="g")}]}]),
        TG.MedicationExposure,
        [],
        [TG.doseMg, TG.route, TG.frequency],
    ),
    Case(
        "medication-administration",
        ADMINISTRATION,
        TG.MedicationAdministrationRecord,
        [
            (TG.code, ATC_["H02AB04"]),
            (TG.status, Literal("completed")),
            (TG.startDate, dated("2025-02-20")),
            (TG.endDate, dated("2025-02-20")),
            (TG.route, SNOMED["47625008"]),
            (TG.doseMg, dec("500")),
        ],
    ),
    Case(
        "medication-administration-period-start",
        with_(
            ADMINISTRATION,
            effectiveDateTime=None,
            effectivePeriod={"start": "2025-02-21"},
            dosage={"dose": {"value": 2, "unit": "mL"}},
        ),
        TG.MedicationAdministrationRecord,
        [(TG.startDate, dated("2025-02-21")), (TG.endDate, dated("2025-02-21"))],
        [TG.doseMg],
    ),
    Case(
        "consent-research-scope",
        RESEARCH_CONSENT,
        TG.ConsentRecord,
        [(TG.consentStatus, Literal("active")), (TG.effectiveDate, dated("2025-03-01"))],
    ),
    Case(
        "consent-research-category",
        with_(CONSENT, category=[cc("urn:site", "treatment"), cc("urn:site", "ResearchConsent")]),
        TG.ConsentRecord,
        [(TG.consentStatus, Literal("active"))],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_resource_mapping(case):
    graph = record(case.resource).graph
    subject = item(case.resource["resourceType"], case.resource["id"])
    common = [
        (RDF.type, case.rdf_type),
        (TG.aboutPatient, PATIENT),
        (TG.sourceResource, Literal(ref(case.resource))),
    ]
    assert missing(graph, subject, common + case.present) == [], f"{case.id}: triples missing"
    extra = [p for p in case.absent if graph.value(subject, p) is not None]
    assert extra == [], f"{case.id}: unexpected {extra}"


def test_consent_not_about_research_is_ignored():
    consent = with_(CONSENT, scope=cc(CONSENT_SCOPE, "treatment"))
    graph = record(consent).graph
    assert (None, RDF.type, TG.ConsentRecord) not in graph, "treatment consent was mapped"


def test_unknown_resource_types_are_ignored():
    encounter = {"resourceType": "Encounter", "id": "e1", "subject": {"reference": "Patient/p2"}}
    others = [
        encounter,
        encounter,
        {"resourceType": "Practitioner", "id": "d1"},
        {"resourceType": "Bundle", "id": "inner", "type": "collection", "entry": []},
    ]
    graph = record(*others).graph
    items = set(graph.subjects(TG.aboutPatient, PATIENT))
    assert items == {URIRef(f"{PATIENT}/screening")}, f"unexpected items {items}"


def test_unknown_code_systems_are_ignored():
    code = {
        "coding": [{"system": "urn:local", "code": "X1"}, {"code": "no-system"}, {"system": SCT}]
    }
    graph = record(with_(OBSERVATION, code=code)).graph
    assert list(graph.objects(item("Observation", "o1"), TG.code)) == [], "unknown coding mapped"
    assert (None, SKOS.notation, None) not in graph, "notation for an unknown coding"


def test_icd10_code_with_a_dot_keeps_its_notation():
    graph = record(with_(CONDITION, code=cc(ICD10, "G40.309"))).graph
    concept = ICD["G40.309"]
    assert (item("Condition", "c1"), TG.code, concept) in graph, "ICD-10 concept IRI"
    assert (concept, SKOS.notation, Literal("G40.309")) in graph, "notation lost its dot"
    assert (concept, SKOS.inScheme, TGCS["icd-10"]) in graph, "concept not in ICD-10"


def test_every_concept_used_has_notation_and_scheme():
    graph = record(CONDITION, STATEMENT, ADMINISTRATION).graph
    used = {o for p in (TG.code, TG.route, TG.therapyOutcome) for o in graph.objects(None, p)}
    unnamed = [c for c in used if graph.value(c, SKOS.notation) is None]
    unscheme = [c for c in used if graph.value(c, SKOS.inScheme) is None]
    assert unnamed == [] and unscheme == [], f"no notation {unnamed}, no scheme {unscheme}"


@pytest.mark.parametrize(
    ("code", "local"),
    [
        ("IV+V", "IV+V"),
        ("a b", "a%20b"),
        ("x/y?z#", "x%2Fy%3Fz%23"),
        ("1_2-3.4", "1_2-3.4"),
        ("a+b c", "a+b%20c"),
    ],
    ids=["plus", "space", "reserved", "safe", "plus-and-space"],
)
def test_codes_are_percent_encoded_in_iris(code, local):
    graph = record(with_(OBSERVATION, code=cc(SCR, code))).graph
    concept = URIRef(f"{SCR}/{local}")
    assert (concept, SKOS.notation, Literal(code)) in graph, f"{code!r} not as {concept}"


def test_resource_without_id_is_named_by_entry_index():
    observation = {"resourceType": "Observation", "subject": P1, "status": "final"}
    graph = record(observation).graph
    subject = item("Observation", "entry-1")
    assert (subject, RDF.type, TG.ObservationRecord) in graph, "unnamed resource not entry-1"
    assert (subject, TG.sourceResource, Literal("Observation/entry-1")) in graph


def test_resource_id_is_quoted_in_the_iri():
    graph = record(with_(OBSERVATION, id="o 1")).graph
    assert (item("Observation", quote("o 1", safe="")), TG.status, None) in graph


@pytest.mark.parametrize(
    "resource",
    [
        with_(OBSERVATION, code="1742-6"),
        with_(OBSERVATION, code={"coding": {"system": LOINC, "code": "1742-6"}}),
        with_(OBSERVATION, referenceRange={"high": 5}, status=3),
        with_(STATEMENT, dosage={"route": "oral"}, statusReason="done"),
        with_(STATEMENT, dosage=[{"timing": "daily"}], statusReason=5),
        with_(CONSENT, category="research", scope=["research"]),
        with_(CONDITION, clinicalStatus="active", code={"coding": [{"system": SCT, "code": 5}]}),
    ],
    ids=[
        "code-text",
        "coding-object",
        "range-object",
        "dosage-object",
        "reason-number",
        "consent-text",
        "int-code",
    ],
)
def test_misshapen_parts_are_skipped(resource):
    assert record(resource).patient_id == "p1", "a misshapen optional part broke the mapping"


# --- code systems ------------------------------------------------------------------------


@pytest.mark.parametrize("system", [SCT, ICD10, ICD10 + "-cm", LOINC, ATC, UCUM, SCR, ISN, OUTCOME])
def test_code_systems_come_from_the_ontology(system):
    assert code_systems().concept(system, "X") is not None, f"{system} not in value-sets.ttl"


def test_code_systems_read_any_graph():
    graph = Graph()
    scheme = URIRef("urn:test:scheme")
    graph.add((scheme, RDF.type, TG.CodeSystem))
    graph.add((scheme, TG.fhirSystem, Literal("urn:sys", datatype=XSD.anyURI)))
    graph.add((scheme, TG.conceptIriPrefix, Literal("urn:code:")))
    codes = CodeSystems.from_graph(graph)
    assert codes.concept("urn:sys", "A1").iri == URIRef("urn:code:A1"), "prefix + code"
    assert codes.concept("urn:sys", "A1").scheme == scheme, "scheme of the concept"
    assert codes.concept(SCT, "A1") is None, "a system not in the graph is unknown"


# --- errors ------------------------------------------------------------------------------


def bad(resource: dict) -> str:
    return json.dumps(bundle(resource))


ERRORS = [
    ("not-json", "{", "document", "line 1 column 2"),
    ("not-an-object", "[]", "document", "resourceType"),
    ("no-resource-type", json.dumps({"id": "p1"}), "document", "resourceType"),
    ("no-patient", json.dumps(bundle(CONDITION, patient={})), "Bundle", "entry"),
    (
        "two-patients",
        json.dumps(bundle({"resourceType": "Patient", "id": "p2"})),
        "Bundle",
        "entry",
    ),
    ("single-non-patient", json.dumps(CONDITION), "document", "entry"),
    (
        "patient-without-id",
        json.dumps(bundle(patient={"resourceType": "Patient"})),
        "Patient",
        "id",
    ),
    ("bundle-type", json.dumps(bundle(kind="document")), "Bundle", "type"),
    ("entry-not-fhir", json.dumps(bundle({"id": "x"})), "Bundle", "entry[1].resource"),
    (
        "birth-date",
        json.dumps(bundle(patient={"resourceType": "Patient", "id": "p1", "birthDate": "1990-13"})),
        "Patient/p1",
        "birthDate",
    ),
    (
        "screening-date",
        bad(with_(SCREENING, period={"start": "2025-02-30"})),
        "ResearchSubject/rs1",
        "period.start",
    ),
    ("onset", bad(with_(CONDITION, onsetDateTime="yesterday")), "Condition/c1", "onsetDateTime"),
    ("recorded", bad(with_(CONDITION, recordedDate="2019-5-1")), "Condition/c1", "recordedDate"),
    (
        "abatement",
        bad(with_(CONDITION, abatementDateTime=2024)),
        "Condition/c1",
        "abatementDateTime",
    ),
    (
        "observation-date",
        bad(with_(OBSERVATION, effectiveDateTime="2025-02-10T25:00:00Z")),
        "Observation/o1",
        "effectiveDateTime",
    ),
    (
        "observation-period",
        bad(with_(OBSERVATION, effectivePeriod={"start": "2025-00"})),
        "Observation/o1",
        "effectivePeriod.start",
    ),
    (
        "statement-end",
        bad(with_(STATEMENT, effectivePeriod={"start": "2024-01-01", "end": "2023-02-29"})),
        "MedicationStatement/m1",
        "effectivePeriod.end",
    ),
    (
        "statement-day",
        bad(with_(STATEMENT, effectiveDateTime="")),
        "MedicationStatement/m1",
        "effectiveDateTime",
    ),
    (
        "administration-date",
        bad(with_(ADMINISTRATION, effectiveDateTime="20250220")),
        "MedicationAdministration/ma1",
        "effectiveDateTime",
    ),
    (
        "consent-date",
        bad(with_(RESEARCH_CONSENT, dateTime="x")),
        "Consent/k1",
        "dateTime",
    ),
    (
        "quantity-without-value",
        bad(with_(OBSERVATION, valueQuantity={"unit": "U/L"})),
        "Observation/o1",
        "valueQuantity.value",
    ),
    (
        "quantity-text-value",
        bad(with_(OBSERVATION, valueQuantity={"value": "35"})),
        "Observation/o1",
        "valueQuantity.value",
    ),
    (
        "reference-high-without-value",
        bad(with_(OBSERVATION, referenceRange=[{"high": {"unit": "U/L"}}])),
        "Observation/o1",
        "referenceRange[0].high.value",
    ),
    ("integer-text", bad(with_(OBSERVATION, valueInteger="12")), "Observation/o1", "valueInteger"),
    (
        "integer-boolean",
        bad(with_(OBSERVATION, valueInteger=True)),
        "Observation/o1",
        "valueInteger",
    ),
    ("decimal-text", bad(with_(OBSERVATION, valueDecimal="6,5")), "Observation/o1", "valueDecimal"),
    ("boolean-text", bad(with_(OBSERVATION, valueBoolean="yes")), "Observation/o1", "valueBoolean"),
    (
        "dose-quantity-without-value",
        bad(with_(STATEMENT, dosage=[{"doseAndRate": [{"doseQuantity": {"unit": "g"}}]}])),
        "MedicationStatement/m1",
        "dosage[0].doseAndRate[0].doseQuantity.value",
    ),
    (
        "frequency-text",
        bad(with_(STATEMENT, dosage=[{"timing": {"repeat": {"frequency": "twice"}}}])),
        "MedicationStatement/m1",
        "dosage[0].timing.repeat.frequency",
    ),
    (
        "period-huge",
        bad(with_(STATEMENT, dosage=[{"timing": {"repeat": {"period": 1e300}}}])),
        "MedicationStatement/m1",
        "dosage[0].timing.repeat.period",
    ),
    (
        "administration-dose-without-value",
        bad(with_(ADMINISTRATION, dosage={"dose": {"unit": "mg"}})),
        "MedicationAdministration/ma1",
        "dosage.dose.value",
    ),
]


@pytest.mark.parametrize(
    ("text", "resource", "where"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_refused_records_name_file_resource_and_field(text, resource, where):
    line = str(refused_at(text, resource, where))
    found = ("bundle.json", resource, where)
    assert "\n" not in line and all(part in line for part in found), f"str() is {line!r}"


def test_nan_is_not_a_number():
    refused_at(
        bundle(with_(OBSERVATION, valueDecimal=float("nan"))), "Observation/o1", "valueDecimal"
    )


def test_decimal_keeps_the_digits_as_sent():
    text = json.dumps(bundle(with_(OBSERVATION, valueDecimal=0))).replace(
        '"valueDecimal": 0', '"valueDecimal": 1.50'
    )
    graph = map_fhir(text).graph
    assert graph.value(item("Observation", "o1"), TG.numericValue) == dec("1.50"), "1.50 rewritten"


# --- one patient, one item per resource -------------------------------------------------

# Each mapped resource type, with the field that names its patient.
LINKED = [
    (CONDITION, "subject"),
    (OBSERVATION, "subject"),
    (STATEMENT, "subject"),
    (ADMINISTRATION, "subject"),
    (RESEARCH_CONSENT, "patient"),
    (SCREENING, "individual"),
]
each_linked_type = pytest.mark.parametrize(
    ("resource", "link"), LINKED, ids=[resource["resourceType"] for resource, _ in LINKED]
)


def linked_to(resource: dict, link: str, reference: object) -> dict:
    """The resource with its patient field set to a reference to `reference`."""
    return with_(resource, **{link: {"reference": reference}})


@each_linked_type
@pytest.mark.parametrize(
    "reference",
    [
        "Patient/p1",
        "https://ehr.example.org/fhir/Patient/p1",
        "https://ehr.example.org/fhir/Patient/p1/_history/3",
        PATIENT_URL,
    ],
    ids=["relative", "absolute", "versioned", "patient-full-url"],
)
def test_usual_patient_reference_forms_are_accepted(resource, link, reference):
    graph = record(linked_to(resource, link, reference), patient_url=PATIENT_URL).graph
    subject = item(resource["resourceType"], resource["id"])
    assert (subject, TG.aboutPatient, PATIENT) in graph, f"{link} {reference!r} not accepted"


@each_linked_type
@pytest.mark.parametrize(
    "reference",
    [
        "Patient/p2",
        "https://ehr.example.org/fhir/Patient/p2",
        "urn:uuid:9d3e0b7a-7c55-4f0e-8a8b-6a1f2c3d4e5f",
        "Patient/p10",
        "Group/p1",
        "MyPatient/p1",
        "Patient/p1/extra",
        "#p1",
    ],
    ids=[
        "other-id",
        "other-url",
        "other-uuid",
        "id-prefix",
        "group",
        "type-suffix",
        "longer",
        "contained",
    ],
)
def test_item_of_another_patient_is_refused(resource, link, reference):
    document = bundle(linked_to(resource, link, reference), patient_url=PATIENT_URL)
    error = refused_at(document, ref(resource), f"{link}.reference")
    assert reference in error.message and "Patient/p1" in error.message, error.message


@each_linked_type
@pytest.mark.parametrize(
    "value",
    [None, {}, {"display": "Jane Doe"}, {"identifier": {"value": "p1"}}, "Patient/p1"],
    ids=["absent", "empty", "display-only", "identifier-only", "not-an-object"],
)
def test_item_without_a_patient_reference_is_refused(resource, link, value):
    refused_at(bundle(with_(resource, **{link: value})), ref(resource), f"{link}.reference")


@each_linked_type
def test_duplicate_resource_is_refused(resource, link):
    twin = with_(resource, meta={"versionId": "2"})
    error = refused_at(bundle(resource, twin), ref(resource), "id")
    expected = f"{ref(resource)} is in the bundle twice: entry[1] and entry[2]"
    assert expected in error.message, error.message


def test_same_id_in_two_resource_types_gives_two_items():
    graph = record(with_(CONDITION, id="x1"), with_(OBSERVATION, id="x1")).graph
    items = {item("Condition", "x1"), item("Observation", "x1")}
    assert items <= set(graph.subjects(TG.aboutPatient, PATIENT)), "one of the items is missing"

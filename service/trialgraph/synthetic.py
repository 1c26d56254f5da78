"""Synthetic FHIR R4 patients: an eligible baseline, a catalogue of scenarios, a generator.

A scenario applies one change to the baseline bundle so that one criterion of
shared/protocol/eligibility-spec.md takes a stated outcome while every other criterion keeps its
baseline outcome (where the spec makes that impossible, `Scenario.also` names the others that
move). Resources and codes follow shared/protocol/fhir-intake.md. Every patient is tagged
synthetic and describes no real person.

Layout: code systems and concepts; bundle access; resource builders; the baseline; change
factories (each returns a change that edits a bundle in place); the catalogue, criterion by
criterion; the generator.
"""

import calendar
import json
import random
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

# --- code systems (fhir-intake.md "Code systems") -----------------------------------------

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
ATC = "http://www.whocc.no/atc"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
UCUM = "http://unitsofmeasure.org"
SCREENING = "https://w3id.org/trialgraph/fhir/CodeSystem/screening"
ISN_RPS = "https://w3id.org/trialgraph/fhir/CodeSystem/isn-rps-2003"
THERAPY_OUTCOME = "https://w3id.org/trialgraph/fhir/CodeSystem/therapy-outcome"
PROVENANCE = "https://w3id.org/trialgraph/fhir/CodeSystem/provenance"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

SYNTHETIC_TAG = {"system": PROVENANCE, "code": "synthetic", "display": "synthetic test data"}

MET, NOT_MET, UNKNOWN, NOT_APPLICABLE = "met", "not-met", "unknown", "not-applicable"
OUTCOMES = (MET, NOT_MET, UNKNOWN, NOT_APPLICABLE)
INCLUSIONS = tuple(f"IN{i}" for i in range(1, 8))
EXCLUSIONS = tuple(f"EX{i}" for i in range(1, 12))
CRITERIA = INCLUSIONS + EXCLUSIONS
BASELINE_OUTCOMES = {c: MET for c in INCLUSIONS} | {c: NOT_MET for c in EXCLUSIONS}
"""The outcome of every criterion for a baseline bundle: eligible."""

_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/trialgraph/synthetic")

Change = Callable[[dict, date], None]


def _concept(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code} | ({"display": display} if display else {})
    return {"coding": [coding]} | ({"text": display} if display else {})


def _qty(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _screening(item: str) -> dict:
    return _concept(SCREENING, item, item.replace("-", " "))


def _loinc(code: str, display: str) -> dict:
    return _concept(LOINC, code, display)


BIOPSY_CLASS = _screening("isn-rps-class")
SLEDAI = _screening("sledai-2k")
FOLD_EXPANSION = _screening("tcell-fold-expansion")
QTC = _loinc("8636-3", "QT interval corrected")
HBSAG = _loinc("5196-1", "Hepatitis B virus surface Ag")
HBV_DNA = _loinc("42595-9", "Hepatitis B virus DNA")
ANTI_HCV = _loinc("16128-1", "Hepatitis C virus Ab")
HCV_RNA = _loinc("11011-4", "Hepatitis C virus RNA")
HIV_TEST = _loinc("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag")
ALT = _loinc("1742-6", "Alanine aminotransferase")
AST = _loinc("1920-8", "Aspartate aminotransferase")
BILIRUBIN = _loinc("1975-2", "Bilirubin.total [Mass/volume]")
BILIRUBIN_MOLAR = _loinc("14631-6", "Bilirubin.total [Moles/volume]")
POSITIVE = _concept(SNOMED, "10828004", "Positive")
NEGATIVE = _concept(SNOMED, "260385009", "Negative")
DETECTED = _concept(SNOMED, "260373001", "Detected")
NOT_DETECTED = _concept(SNOMED, "260415000", "Not detected")

SLE = _concept(SNOMED, "55464009", "Systemic lupus erythematosus")
HYPERTENSION = _concept(ICD10, "I10", "Essential hypertension")
ANAEMIA = _concept(ICD10, "D63.8", "Anaemia in chronic diseases")
EPILEPSY = _concept(ICD10, "G40.9", "Epilepsy, unspecified")
VENTRICULAR_TACHYCARDIA = _concept(SNOMED, "25569003", "Ventricular tachycardia")
SEPSIS = _concept(ICD10, "A41.9", "Sepsis, unspecified organism")
CHRONIC_HEPATITIS_B = _concept(SNOMED, "61977001", "Chronic type B viral hepatitis")
HIV_B20 = _concept(ICD10, "B20", "HIV disease")
MYCOPHENOLATE_MOFETIL = _concept(RXNORM, "68149", "mycophenolate mofetil")
CYCLOPHOSPHAMIDE = _concept(ATC, "L01AA01", "cyclophosphamide")
HYDROXYCHLOROQUINE = _concept(ATC, "P01BA02", "hydroxychloroquine")
PREDNISONE = _concept(ATC, "H02AB07", "prednisone")
PREDNISOLONE = _concept(ATC, "H02AB06", "prednisolone")
METHYLPREDNISOLONE = _concept(ATC, "H02AB04", "methylprednisolone")
DEXAMETHASONE = _concept(ATC, "H02AB02", "dexamethasone")
ORAL = _concept(SNOMED, "26643006", "Oral route")
INTRAVENOUS = _concept(SNOMED, "47625008", "Intravenous route")
INHALED = _concept(SNOMED, "447694001", "Respiratory tract route")


# --- bundle access -------------------------------------------------------------------------


def _resources(bundle: dict, resource_type: str | None = None) -> list[dict]:
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if resource_type in (None, r["resourceType"])]


def _patient(bundle: dict) -> dict:
    return _resources(bundle, "Patient")[0]


def _has_code(resource: dict, concept: dict) -> bool:
    """Whether the resource's code (or medication) has the first coding of `concept`."""
    wanted = concept["coding"][0]
    own = resource.get("code") or resource.get("medicationCodeableConcept") or {}
    return any(
        c.get("system") == wanted["system"] and c.get("code") == wanted["code"]
        for c in own.get("coding", [])
    )


def _remove(bundle: dict, predicate: Callable[[dict], bool]) -> None:
    bundle["entry"] = [e for e in bundle["entry"] if not predicate(e["resource"])]


def _add(bundle: dict, resource: dict, slug: str) -> dict:
    """Add a resource with a unique id `<patient id>-<slug>`, its fullUrl and its patient link."""
    patient_id = bundle["id"]
    taken = {r["id"] for r in _resources(bundle)}
    rid = patient_id if resource["resourceType"] == "Patient" else f"{patient_id}-{slug}"
    base, suffix = rid, 2
    while rid in taken:
        rid, suffix = f"{base}-{suffix}", suffix + 1
    kind = resource["resourceType"]
    resource = {"resourceType": kind, "id": rid} | resource
    full_url = f"urn:uuid:{uuid.uuid5(_UUID_NAMESPACE, f'{kind}/{rid}')}"
    link = {"ResearchSubject": "individual", "Consent": "patient", "Patient": None}.get(
        kind, "subject"
    )
    if link:
        patient_url = next(
            e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
        )
        resource[link] = {"reference": patient_url}
    bundle["entry"].append({"fullUrl": full_url, "resource": resource})
    return resource


def screening_date(bundle: dict) -> date:
    """The screening date T_S of a synthetic bundle (its ResearchSubject.period.start)."""
    return date.fromisoformat(_resources(bundle, "ResearchSubject")[0]["period"]["start"])


def _move_screening_date(bundle: dict, to: date) -> date:
    _resources(bundle, "ResearchSubject")[0]["period"]["start"] = to.isoformat()
    return to


def _day(screening: date, days: int) -> str:
    return (screening + timedelta(days=days)).isoformat()


# --- resource builders ---------------------------------------------------------------------


def _observation(code: dict, when: str, category: str, **value: object) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [_concept(OBSERVATION_CATEGORY, category)],
        "code": code,
        "effectiveDateTime": when,
    } | value


def _lab(code: dict, when: str, value: float, unit: str, high: float | None = None) -> dict:
    ranges = {"referenceRange": [{"high": _qty(high, unit)}]} if high is not None else {}
    return _observation(code, when, "laboratory", valueQuantity=_qty(value, unit), **ranges)


def _condition(
    code: dict,
    onset: str,
    clinical: str | None = "active",
    verification: str = "confirmed",
    abatement: str | None = None,
) -> dict:
    resource = {
        "resourceType": "Condition",
        "verificationStatus": _concept(VERIFICATION, verification),
        "category": [_concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": code,
        "onsetDateTime": onset,
        "recordedDate": onset,
    }
    if clinical:
        resource["clinicalStatus"] = _concept(CLINICAL, clinical)
    if abatement:
        resource["abatementDateTime"] = abatement
    return resource


def _dosage(
    mg: float | None,
    route: dict | None = ORAL,
    times: int | None = 1,
    period: float = 1,
    unit: str = "d",
) -> dict:
    dosage: dict = {}
    if times is not None:
        dosage["timing"] = {"repeat": {"frequency": times, "period": period, "periodUnit": unit}}
    if route is not None:
        dosage["route"] = route
    if mg is not None:
        dosage["doseAndRate"] = [{"doseQuantity": _qty(mg, "mg")}]
    return dosage


def _statement(
    medication: dict,
    start: str,
    end: str | None = None,
    outcome: str | None = None,
    dosage: dict | None = None,
) -> dict:
    resource = {
        "resourceType": "MedicationStatement",
        "status": "completed" if end else "active",
        "medicationCodeableConcept": medication,
        "effectivePeriod": {"start": start} | ({"end": end} if end else {}),
    }
    if outcome:
        resource["statusReason"] = [_concept(THERAPY_OUTCOME, outcome)]
    if dosage:
        resource["dosage"] = [dosage]
    return resource


def _consent(status: str, when: str) -> dict:
    return {
        "resourceType": "Consent",
        "status": status,
        "scope": _concept("http://terminology.hl7.org/CodeSystem/consentscope", "research"),
        "category": [
            _concept("http://terminology.hl7.org/CodeSystem/consentcategorycodes", "research")
        ],
        "dateTime": when,
        "policyRule": _concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
    }


# --- the baseline: an eligible patient -----------------------------------------------------

ATTESTATIONS = {
    "expected-survival-over-12-weeks": True,
    "childbearing-potential": True,
    "contraception-agreement": True,
    "active-infection": False,
    "uncontrolled-disease": False,
    "investigator-risk": False,
    "history-complete": True,
}
"""The investigator's attestations of the baseline, dated 3 days before T_S."""


def baseline_bundle(patient_id: str, screening_date: date) -> dict:
    """A FHIR R4 collection bundle of one synthetic patient who meets every criterion."""
    t = screening_date
    lab_time = f"{_day(t, -6)}T08:30:00+01:00"
    age = 25 + zlib.crc32(patient_id.encode()) % 31
    born = date(t.year - age, 1 + zlib.crc32(b"m" + patient_id.encode()) % 12, 14)
    bundle = {
        "resourceType": "Bundle",
        "id": patient_id,
        "meta": {"tag": [SYNTHETIC_TAG]},
        "type": "collection",
        "entry": [],
    }
    patient = {
        "resourceType": "Patient",
        "meta": {"tag": [SYNTHETIC_TAG]},
        "identifier": [
            {"system": "https://w3id.org/trialgraph/fhir/synthetic-id", "value": patient_id}
        ],
        "name": [{"use": "official", "family": "Synthetic", "given": [patient_id]}],
        "gender": "female",
        "birthDate": born.isoformat(),
    }
    items = [
        (patient, "patient"),
        (
            {
                "resourceType": "ResearchSubject",
                "status": "candidate",
                "period": {"start": t.isoformat()},
                "study": {"display": "CD19/BCMA CAR-T cell therapy for lupus nephritis"},
            },
            "research-subject",
        ),
        (_condition(SLE, _day(t, -2900)), "condition-sle"),
        (_condition(HYPERTENSION, _day(t, -1500)), "condition-hypertension"),
        (_condition(ANAEMIA, _day(t, -400)), "condition-anaemia"),
        (_biopsy("III", _day(t, -2880)), "biopsy"),
        (_biopsy("IV", _day(t, -240)), "biopsy"),
        (_observation(SLEDAI, _day(t, -120), "survey", valueInteger=14), "sledai"),
        (_observation(SLEDAI, _day(t, -5), "survey", valueInteger=10), "sledai"),
        *[(_attestation(item, value, _day(t, -3)), item) for item, value in ATTESTATIONS.items()],
        (_lab(QTC, _day(t, -4), 420, "ms"), "qtc"),
        (_lab(_loinc("8867-4", "Heart rate"), _day(t, -4), 72, "/min"), "heart-rate"),
        (_observation(HBSAG, lab_time, "laboratory", valueCodeableConcept=NEGATIVE), "hbsag"),
        (_observation(ANTI_HCV, lab_time, "laboratory", valueCodeableConcept=NEGATIVE), "hcv"),
        (_observation(HIV_TEST, lab_time, "laboratory", valueCodeableConcept=NEGATIVE), "hiv"),
        (_lab(ALT, lab_time, 30, "U/L", high=40), "alt"),
        (_lab(AST, lab_time, 30, "U/L", high=40), "ast"),
        (_lab(BILIRUBIN, lab_time, 0.8, "mg/dL"), "bilirubin"),
        (_lab(_loinc("2160-0", "Creatinine"), lab_time, 1.1, "mg/dL", high=1.0), "creatinine"),
        (_lab(_loinc("62238-1", "eGFR (CKD-EPI)"), lab_time, 64, "mL/min/{1.73_m2}"), "egfr"),
        (_lab(_loinc("2890-2", "Protein/Creatinine in Urine"), lab_time, 2.4, "g/g"), "upcr"),
        (_lab(_loinc("4485-9", "Complement C3"), lab_time, 62, "mg/dL"), "c3"),
        (_lab(_loinc("4498-2", "Complement C4"), lab_time, 7, "mg/dL"), "c4"),
        (_lab(_loinc("5130-0", "DNA double strand Ab"), lab_time, 180, "[IU]/mL"), "dsdna"),
        (_lab(_loinc("718-7", "Hemoglobin"), lab_time, 10.9, "g/dL"), "hemoglobin"),
        (_lab(_loinc("777-3", "Platelets"), lab_time, 182, "10*3/uL"), "platelets"),
        (
            _observation(FOLD_EXPANSION, _day(t, -10), "laboratory", valueQuantity=_qty(12, "1")),
            "fold-expansion",
        ),
        (
            _statement(
                MYCOPHENOLATE_MOFETIL,
                _day(t, -1100),
                _day(t, -800),
                "no-response",
                _dosage(1500, times=2),
            ),
            "mycophenolate",
        ),
        (
            _statement(
                CYCLOPHOSPHAMIDE,
                _day(t, -760),
                _day(t, -676),
                "no-response",
                _dosage(500, INTRAVENOUS, period=2, unit="wk"),
            ),
            "cyclophosphamide",
        ),
        (_statement(HYDROXYCHLOROQUINE, _day(t, -2800), dosage=_dosage(200, times=2)), "hcq"),
        (
            _statement(_concept(ATC, "C09AA05", "ramipril"), _day(t, -1400), dosage=_dosage(5)),
            "ramipril",
        ),
        (
            _statement(_concept(ATC, "A12AX", "calcium and vitamin D"), _day(t, -1000)),
            "calcium",
        ),
        (_consent("active", _day(t, -14)), "consent"),
    ]
    for resource, slug in items:
        _add(bundle, resource, slug)
    return bundle


def _biopsy(isn_class: str, when: str) -> dict:
    value = _concept(ISN_RPS, isn_class, f"ISN/RPS class {isn_class}")
    return _observation(BIOPSY_CLASS, when, "procedure", valueCodeableConcept=value)


def _attestation(item: str, value: bool, when: str) -> dict:
    return _observation(_screening(item), when, "survey", valueBoolean=value)


# --- change factories: each returns a change (bundle, T_S) -> None -------------------------


def _all(*changes: Change) -> Change:
    def change(bundle: dict, t: date) -> None:
        for one in changes:
            one(bundle, screening_date(bundle))

    return change


def _drop(concept: dict) -> Change:
    """Remove every resource coded with `concept`."""
    return lambda bundle, t: _remove(bundle, lambda r: _has_code(r, concept))


def _observe(code: dict, *results: tuple[int, dict], replace: bool = True, **fixed) -> Change:
    """Add one Observation of `code` per (days from T_S, value fields), first removing the
    others of that code unless `replace` is false."""

    def change(bundle: dict, t: date) -> None:
        if replace:
            _remove(bundle, lambda r: _has_code(r, code))
        for days, fields in results:
            category = "survey" if code["coding"][0]["system"] == SCREENING else "laboratory"
            resource = _observation(code, _day(t, days), category, **fields) | fixed
            _add(bundle, resource, f"obs-{code['coding'][0]['code']}")

    return change


def _result(code: dict, value: dict, days: int = -6, replace: bool = True) -> Change:
    return _observe(code, (days, {"valueCodeableConcept": value}), replace=replace)


def _quantity(code: dict, value: float, unit: str, days: int = -6, **fixed) -> Change:
    return _observe(code, (days, {"valueQuantity": _qty(value, unit)}), **fixed)


def _liver(code: dict, value: float, days: int = -6, high: float | None = 40) -> Change:
    fields = {"valueQuantity": _qty(value, "U/L")}
    if high is not None:
        fields["referenceRange"] = [{"high": _qty(high, "U/L")}]
    return _observe(code, (days, fields))


def _attest(item: str, *values: tuple[int, bool]) -> Change:
    """Replace the attestation `item` by one per (days from T_S, yes/no)."""
    results = [(days, {"valueBoolean": value}) for days, value in values]
    return _observe(_screening(item), *results)


def _biopsies(*results: tuple[int, str]) -> Change:
    def change(bundle: dict, t: date) -> None:
        _remove(bundle, lambda r: _has_code(r, BIOPSY_CLASS))
        for days, isn_class in results:
            _add(bundle, _biopsy(isn_class, _day(t, days)), "biopsy")

    return change


def _sledai(*results: tuple[int, int]) -> Change:
    return _observe(SLEDAI, *[(days, {"valueInteger": value}) for days, value in results])


def _qtc(ms: int, days: int = -4) -> Change:
    return _quantity(QTC, ms, "ms", days)


def _gender(gender: str | None) -> Change:
    def change(bundle: dict, t: date) -> None:
        _patient(bundle).pop("gender", None)
        if gender:
            _patient(bundle)["gender"] = gender

    return change


def _add_condition(
    code: dict,
    onset: int = -400,
    clinical: str | None = "active",
    verification: str = "confirmed",
    abatement: int | None = None,
) -> Change:
    def change(bundle: dict, t: date) -> None:
        ended = _day(t, abatement) if abatement is not None else None
        resource = _condition(code, _day(t, onset), clinical, verification, ended)
        _add(bundle, resource, "condition")

    return change


def _edit(concept: dict, **fields: object) -> Change:
    """Set fields of every resource coded with `concept`; a field set to None is removed."""

    def change(bundle: dict, t: date) -> None:
        for resource in _resources(bundle):
            if _has_code(resource, concept):
                for key, value in fields.items():
                    resource.pop(key, None)
                    if value is not None:
                        resource[key] = value

    return change


def _outcome(medication: dict, outcome: str | None) -> Change:
    reason = [_concept(THERAPY_OUTCOME, outcome)] if outcome else None
    return _edit(medication, statusReason=reason)


def _medication(
    medication: dict,
    start: int,
    end: int | None = None,
    outcome: str | None = None,
    dosage: dict | None = None,
) -> Change:
    def change(bundle: dict, t: date) -> None:
        ended = _day(t, end) if end is not None else None
        resource = _statement(medication, _day(t, start), ended, outcome, dosage)
        _add(bundle, resource, f"med-{medication['coding'][0]['code'].lower()}")

    return change


def _steroid(
    drug: dict, mg: float | None, start: int = -20, end: int | None = None, **how: object
) -> Change:
    """A glucocorticoid statement of `mg` per dose (see _dosage for route and timing)."""
    return _medication(drug, start, end, dosage=_dosage(mg, **how))


def _pulse(drug: dict, mg: float, days: int) -> Change:
    def change(bundle: dict, t: date) -> None:
        resource = {
            "resourceType": "MedicationAdministration",
            "status": "completed",
            "medicationCodeableConcept": drug,
            "effectiveDateTime": _day(t, days),
            "dosage": {"route": INTRAVENOUS, "dose": _qty(mg, "mg")},
        }
        _add(bundle, resource, "administration")

    return change


def _consents(*consents: tuple[str, int]) -> Change:
    """Replace every Consent by one per (status, days from T_S)."""

    def change(bundle: dict, t: date) -> None:
        _remove(bundle, lambda r: r["resourceType"] == "Consent")
        for status, days in consents:
            _add(bundle, _consent(status, _day(t, days)), "consent")

    return change


def _consent_added(status: str, days: int) -> Change:
    return lambda bundle, t: _add(bundle, _consent(status, _day(t, days)), "consent")


_no_change: Change = _all()
_no_history_complete = _drop(_screening("history-complete"))
_HISTORY_DEPENDENT = ("EX1", "EX2", "EX5", "EX6")
"""Criteria whose baseline not-met rests on the history-complete attestation alone (EX2 through
EX2b: not-met OR unknown is unknown). Without it they all turn unknown."""


def _also_without_history(criterion: str) -> tuple[tuple[str, str], ...]:
    return tuple((c, UNKNOWN) for c in _HISTORY_DEPENDENT if c != criterion)


# --- the catalogue -------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One change to a baseline bundle, and the outcome it gives `criterion`.

    `also` names the other criteria that the change moves of necessity (only where the spec
    leaves no way to move `criterion` alone); every criterion not named keeps its baseline
    outcome."""

    name: str
    criterion: str
    expected: str
    change: Change
    also: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        for criterion, outcome in ((self.criterion, self.expected), *self.also):
            if criterion not in CRITERIA or outcome not in OUTCOMES:
                raise ValueError(
                    f"{self.name}: no such criterion or outcome: {criterion} {outcome}"
                )
        if self.expected == NOT_APPLICABLE and self.criterion != "IN6":
            raise ValueError(f"{self.name}: only IN6 can be not-applicable")

    def outcomes(self) -> dict[str, str]:
        """The expected outcome of every criterion once the change is applied."""
        return BASELINE_OUTCOMES | dict(self.also) | {self.criterion: self.expected}


def _rows(*rows: tuple) -> list[Scenario]:
    """Scenarios from rows (name, expected, change[, also]); the name starts with the criterion."""
    return [Scenario(row[0], row[0].split("-")[0], *row[1:]) for row in rows]


# IN1: the T_S-relative birth dates below would not exist, or would decide the age, on a few
# screening dates (29 February; the last day of a month or year). There the change moves T_S
# back a day or two: the baseline's data all lie 3 or more days before T_S, so nothing else moves.


def _birth_date(value: str | None) -> Change:
    def change(bundle: dict, t: date) -> None:
        _patient(bundle).pop("birthDate", None)
        if value:
            _patient(bundle)["birthDate"] = value

    return change


def _eighteenth_birthday_on_screening(bundle: dict, t: date) -> None:
    if (t.month, t.day) == (2, 29):  # no one turns 18 on 29 February: 18 is not a multiple of 4
        t = _move_screening_date(bundle, t - timedelta(days=1))
    _patient(bundle)["birthDate"] = t.replace(year=t.year - 18).isoformat()


def _eighteenth_birthday_day_after_screening(bundle: dict, t: date) -> None:
    if (t.month, t.day) == (2, 28) and calendar.isleap(t.year):
        t = _move_screening_date(bundle, t - timedelta(days=1))
    birthday = t + timedelta(days=1)
    _patient(bundle)["birthDate"] = birthday.replace(year=birthday.year - 18).isoformat()


def _birth_year_undecided(bundle: dict, t: date) -> None:
    """Born in the year 18 years before T_S: the 18th birthday is on 1 January (met) or on
    31 December (not-met) of T_S's year, unless T_S is 31 December."""
    if (t.month, t.day) == (12, 31):
        t = _move_screening_date(bundle, t - timedelta(days=1))
    _patient(bundle)["birthDate"] = f"{t.year - 18:04d}"


def _birth_month_undecided(bundle: dict, t: date) -> None:
    """Born in T_S's month, 18 years before: the 18th birthday is on the 1st (met) or on a day
    after T_S (not-met). T_S moves below the month's last day (in February below the 28th, so
    a 29 February birth, whose birthday convention the spec leaves open, cannot decide it)."""
    last = calendar.monthrange(t.year - 18, t.month)[1]
    limit = min(last, 28) if t.month == 2 else last
    if t.day >= limit:
        t = _move_screening_date(bundle, t.replace(day=limit - 1))
    _patient(bundle)["birthDate"] = f"{t.year - 18:04d}-{t.month:02d}"


def _born_29_february_turned_18(bundle: dict, t: date) -> None:
    """Born 29 February; the 18th birthday (28 February or 1 March, whichever convention)
    is before T_S."""
    year = t.year - 18
    while not (calendar.isleap(year) and date(year + 18, 3, 1) <= t):
        year -= 1
    _patient(bundle)["birthDate"] = f"{year:04d}-02-29"


def _born_29_february_not_yet_18(bundle: dict, t: date) -> None:
    """Born 29 February; the 18th birthday (28 February or 1 March) is after T_S."""
    year = t.year - 18
    while not (calendar.isleap(year) and date(year + 18, 2, 28) > t):
        year += 1
    _patient(bundle)["birthDate"] = f"{year:04d}-02-29"


def _year_only(years_before: int) -> Change:
    return lambda bundle, t: _birth_date(f"{t.year - years_before:04d}")(bundle, t)


IN1 = _rows(
    ("IN1-18th-birthday-on-screening-date", MET, _eighteenth_birthday_on_screening),
    (
        "IN1-18th-birthday-day-after-screening-date",
        NOT_MET,
        _eighteenth_birthday_day_after_screening,
    ),
    ("IN1-birth-year-only-allows-both", UNKNOWN, _birth_year_undecided),
    ("IN1-birth-year-month-allows-both", UNKNOWN, _birth_month_undecided),
    ("IN1-birth-year-only-40-years-before", MET, _year_only(40)),
    ("IN1-birth-year-only-17-years-before", NOT_MET, _year_only(17)),
    ("IN1-no-birth-date", UNKNOWN, _birth_date(None)),
    # The spec does not say whether a 29 February child turns 18 on 28 February or 1 March, so
    # only cases that both conventions decide alike are here; T_S on 28 February is left out.
    ("IN1-born-29-february-turned-18-before", MET, _born_29_february_turned_18),
    ("IN1-born-29-february-turns-18-after", NOT_MET, _born_29_february_not_yet_18),
)


def _sle_after_screening(bundle: dict, t: date) -> None:
    _edit(SLE, onsetDateTime=_day(t, 5), recordedDate=_day(t, 5))(bundle, t)


IN2 = _rows(
    # IN2a not-met needs no SLE and history complete; the baseline attests history complete.
    (
        "IN2-sle-refuted-history-complete",
        NOT_MET,
        _edit(
            SLE,
            verificationStatus=_concept(VERIFICATION, "refuted"),
            clinicalStatus=_concept(CLINICAL, "inactive"),
        ),
    ),
    (
        "IN2-sle-entered-in-error",
        NOT_MET,
        _edit(
            SLE, verificationStatus=_concept(VERIFICATION, "entered-in-error"), clinicalStatus=None
        ),
    ),
    ("IN2-sle-dated-after-screening-ignored", NOT_MET, _sle_after_screening),
    (
        "IN2-sle-as-icd10cm-M32.14-by-prefix",
        MET,
        _edit(SLE, code=_concept(ICD10CM, "M32.14", "Glomerular disease in SLE")),
    ),
    (
        "IN2-lupus-nephritis-snomed-68815009",
        MET,
        _edit(SLE, code=_concept(SNOMED, "68815009", "Lupus nephritis")),
    ),
    ("IN2-biopsy-class-II-only", NOT_MET, _biopsies((-240, "II"))),
    ("IN2-biopsy-class-IV-G", MET, _biopsies((-240, "IV-G"))),
    ("IN2-biopsy-class-III-plus-V", MET, _biopsies((-240, "III+V"))),
    ("IN2-no-biopsy", UNKNOWN, _biopsies()),
    ("IN2-biopsy-class-II-then-IV", MET, _biopsies((-900, "II"), (-240, "IV"))),
    # "any kidney-biopsy class result on or before T_S": a later class II does not undo a IV.
    ("IN2-biopsy-class-IV-then-II", MET, _biopsies((-900, "IV"), (-240, "II"))),
    ("IN2-biopsy-only-after-screening", UNKNOWN, _biopsies((2, "IV"))),
)

IN3 = _rows(
    ("IN3-sledai-8-in-window", MET, _sledai((-5, 8))),
    ("IN3-sledai-7-in-window", NOT_MET, _sledai((-5, 7))),
    ("IN3-sledai-only-31-days-before", UNKNOWN, _sledai((-31, 10))),
    ("IN3-sledai-exactly-30-days-before", MET, _sledai((-30, 10))),
    ("IN3-sledai-8-after-screening-ignored", NOT_MET, _sledai((-5, 7), (1, 8))),
    ("IN3-same-day-7-and-9-least-favourable", NOT_MET, _sledai((-5, 7), (-5, 9))),
    ("IN3-most-recent-7-after-earlier-9", NOT_MET, _sledai((-20, 9), (-5, 7))),
)

IN4 = _rows(
    ("IN4-one-failure-one-relapse", MET, _outcome(CYCLOPHOSPHAMIDE, "relapse")),
    ("IN4-one-failure-only", NOT_MET, _drop(CYCLOPHOSPHAMIDE)),
    # 1 failure + 1 agent without outcome = 2, not below 2, and no 2 documented failures.
    ("IN4-one-failure-one-without-outcome", UNKNOWN, _outcome(CYCLOPHOSPHAMIDE, None)),
    (
        "IN4-methotrexate-two-atc-codes-one-agent",
        NOT_MET,
        _all(
            _drop(CYCLOPHOSPHAMIDE),
            _drop(MYCOPHENOLATE_MOFETIL),
            _medication(_concept(ATC, "L04AX03", "methotrexate"), -1500, -1200, "no-response"),
            _medication(_concept(ATC, "L01BA01", "methotrexate"), -1000, -800, "no-response"),
        ),
    ),
    (
        "IN4-mycophenolate-mofetil-and-acid-one-agent",
        NOT_MET,
        _all(
            _drop(CYCLOPHOSPHAMIDE),
            _medication(_concept(RXNORM, "7145", "mycophenolic acid"), -700, -500, "no-response"),
        ),
    ),
    (
        "IN4-hydroxychloroquine-failure-not-counted",
        NOT_MET,
        _all(_drop(CYCLOPHOSPHAMIDE), _outcome(HYDROXYCHLOROQUINE, "no-response")),
    ),
    ("IN4-intolerance-is-not-a-failure", NOT_MET, _outcome(CYCLOPHOSPHAMIDE, "intolerance")),
    (
        "IN4-therapy-started-after-screening-not-counted",
        NOT_MET,
        _all(
            _drop(CYCLOPHOSPHAMIDE),
            _medication(_concept(ATC, "L01FA01", "rituximab"), 2, 35, "no-response"),
        ),
    ),
    (
        "IN4-one-failure-no-history-complete",
        UNKNOWN,
        _all(_drop(CYCLOPHOSPHAMIDE), _no_history_complete),
        _also_without_history("IN4"),
    ),
)


def _attestation_rows(criterion: str, item: str, yes: str, no: str, name: str) -> list[tuple]:
    """Yes, no, absent, and the latest of two deciding either way (these attestations have no
    window: the latest on or before T_S decides)."""
    prefix = f"{criterion}-{name}"
    return [
        (f"{prefix}-yes", yes, _attest(item, (-3, True))),
        (f"{prefix}-no", no, _attest(item, (-3, False))),
        (f"{prefix}-absent", UNKNOWN, _attest(item)),
        (f"{prefix}-latest-yes-after-no", yes, _attest(item, (-40, False), (-3, True))),
        (f"{prefix}-latest-no-after-yes", no, _attest(item, (-40, True), (-3, False))),
    ]


IN5 = _rows(
    *_attestation_rows("IN5", "expected-survival-over-12-weeks", MET, NOT_MET, "survival"),
    (
        "IN5-survival-assessed-only-after-screening",
        UNKNOWN,
        _attest("expected-survival-over-12-weeks", (2, True)),
    ),
)

IN6 = _rows(
    ("IN6-contraception-agreed", MET, _attest("contraception-agreement", (-3, True))),
    ("IN6-contraception-refused", NOT_MET, _attest("contraception-agreement", (-3, False))),
    (
        "IN6-no-agreement-no-childbearing-potential",
        NOT_APPLICABLE,
        _all(_attest("contraception-agreement"), _attest("childbearing-potential", (-3, False))),
    ),
    ("IN6-no-agreement-childbearing-potential", UNKNOWN, _attest("contraception-agreement")),
    (
        "IN6-no-agreement-potential-not-recorded",
        UNKNOWN,
        _all(_attest("contraception-agreement"), _attest("childbearing-potential")),
    ),
)

IN7 = _rows(
    ("IN7-consent-active", MET, _consents(("active", -14))),
    ("IN7-consent-rejected", NOT_MET, _consents(("rejected", -14))),
    ("IN7-consent-withdrawn-inactive", NOT_MET, _consent_added("inactive", -5)),
    ("IN7-consent-draft-only", UNKNOWN, _consents(("draft", -14))),
    ("IN7-no-consent", UNKNOWN, _consents()),
    # A later entered-in-error consent is not the latest consent: the active one decides.
    ("IN7-entered-in-error-consent-ignored", MET, _consent_added("entered-in-error", -5)),
    ("IN7-withdrawal-after-screening-ignored", MET, _consent_added("inactive", 3)),
)

EX1 = _rows(
    ("EX1-epilepsy-icd10-G40.9", MET, _add_condition(EPILEPSY, -3000)),
    (
        "EX1-epilepsy-resolved-is-history",
        MET,
        _add_condition(EPILEPSY, -3000, "resolved", abatement=-2000),
    ),
    (
        "EX1-epilepsy-snomed-84757009",
        MET,
        _add_condition(_concept(SNOMED, "84757009", "Epilepsy"), -3000),
    ),
    (
        "EX1-cerebral-infarction-icd10cm-I63.9",
        MET,
        _add_condition(
            _concept(ICD10CM, "I63.9", "Cerebral infarction"), -700, "resolved", abatement=-650
        ),
    ),
    (
        "EX1-epilepsy-refuted-history-complete",
        NOT_MET,
        _add_condition(EPILEPSY, -3000, "inactive", "refuted"),
    ),
    (
        "EX1-epilepsy-entered-in-error",
        NOT_MET,
        _add_condition(EPILEPSY, -3000, None, "entered-in-error"),
    ),
    ("EX1-epilepsy-onset-after-screening", NOT_MET, _add_condition(EPILEPSY, 4)),
    # Without the attestation no absence is proven: EX2b, EX5 and EX6 turn unknown as well.
    (
        "EX1-none-without-history-complete",
        UNKNOWN,
        _no_history_complete,
        _also_without_history("EX1"),
    ),
)

EX2 = _rows(
    ("EX2-qtc-450-male", NOT_MET, _all(_gender("male"), _qtc(450))),
    ("EX2-qtc-451-male", MET, _all(_gender("male"), _qtc(451))),
    ("EX2-qtc-470-female", NOT_MET, _qtc(470)),
    ("EX2-qtc-471-female", MET, _qtc(471)),
    ("EX2-qtc-451-gender-other", MET, _all(_gender("other"), _qtc(451))),
    ("EX2-qtc-451-gender-not-recorded", MET, _all(_gender(None), _qtc(451))),
    ("EX2-qtc-471-exactly-28-days-before", MET, _qtc(471, -28)),
    # EX2a unknown (no QTc in the lab window); EX2b not-met (history complete): EX2 unknown.
    ("EX2-qtc-only-29-days-before", UNKNOWN, _qtc(420, -29)),
    (
        "EX2-most-recent-qtc-decides",
        NOT_MET,
        _observe(
            QTC, (-20, {"valueQuantity": _qty(490, "ms")}), (-4, {"valueQuantity": _qty(420, "ms")})
        ),
    ),
    (
        "EX2-cardiac-condition-icd10-I47.2",
        MET,
        _add_condition(_concept(ICD10, "I47.2", "Ventricular tachycardia"), -900),
    ),
    # EX2b asks only "not refuted": a past, resolved arrhythmia is the protocol's own example.
    (
        "EX2-past-cardiac-arrest-resolved",
        MET,
        _add_condition(
            _concept(SNOMED, "410429000", "Cardiac arrest"), -900, "resolved", abatement=-900
        ),
    ),
    (
        "EX2-cardiac-condition-refuted",
        NOT_MET,
        _add_condition(VENTRICULAR_TACHYCARDIA, -900, "inactive", "refuted"),
    ),
)

EX3 = _rows(
    ("EX3-investigator-active-infection", MET, _attest("active-infection", (-3, True))),
    ("EX3-investigator-no-infection", NOT_MET, _attest("active-infection", (-3, False))),
    ("EX3-sepsis-icd10-A41.9-active", MET, _add_condition(SEPSIS, -6)),
    (
        "EX3-pneumonia-icd10cm-J18.9-recurrence",
        MET,
        _add_condition(
            _concept(ICD10CM, "J18.9", "Pneumonia, unspecified organism"), -8, "recurrence"
        ),
    ),
    ("EX3-sepsis-resolved", NOT_MET, _add_condition(SEPSIS, -90, "resolved", abatement=-70)),
    (
        "EX3-sepsis-resolved-in-lab-window",
        NOT_MET,
        _add_condition(SEPSIS, -20, "resolved", abatement=-2),
    ),
    # Active with an abatement date breaks FHIR invariant con-4, but sites send it; it is the
    # only way to show the spec's "has not abated by T_S" clause on its own.
    (
        "EX3-active-infection-abated-before-screening",
        NOT_MET,
        _add_condition(SEPSIS, -20, "active", abatement=-2),
    ),
    (
        "EX3-active-infection-abates-after-screening",
        MET,
        _add_condition(SEPSIS, -20, "active", abatement=3),
    ),
    ("EX3-attestation-outside-lab-window", UNKNOWN, _attest("active-infection", (-29, False))),
)

EX4 = _rows(
    ("EX4-hbsag-positive", MET, _result(HBSAG, POSITIVE)),
    ("EX4-hbv-dna-detected", MET, _result(HBV_DNA, DETECTED)),
    ("EX4-hbv-dna-quantity-0-not-detected", NOT_MET, _quantity(HBV_DNA, 0, "[IU]/mL")),
    ("EX4-hcv-rna-quantity-1200", MET, _quantity(HCV_RNA, 1200, "[IU]/mL")),
    ("EX4-anti-hcv-positive-no-hcv-rna", UNKNOWN, _result(ANTI_HCV, POSITIVE)),
    (
        "EX4-anti-hcv-positive-hcv-rna-not-detected",
        NOT_MET,
        _all(_result(ANTI_HCV, POSITIVE), _result(HCV_RNA, NOT_DETECTED)),
    ),
    ("EX4-hbsag-missing", UNKNOWN, _drop(HBSAG)),
    ("EX4-hbsag-only-29-days-before", UNKNOWN, _result(HBSAG, NEGATIVE, -29)),
    # SNOMED, not ICD-10 B18.1: B18.1 lies in A00-B99 and would meet EX3 as an active infection.
    (
        "EX4-chronic-hepatitis-b-condition-active",
        MET,
        _add_condition(CHRONIC_HEPATITIS_B, -1200),
    ),
    (
        "EX4-chronic-hepatitis-b-condition-resolved",
        NOT_MET,
        _add_condition(
            CHRONIC_HEPATITIS_B,
            -3000,
            "resolved",
            abatement=-2000,
        ),
    ),
)

EX5 = _rows(
    ("EX5-prednisone-20mg-daily", NOT_MET, _steroid(PREDNISONE, 20)),
    ("EX5-prednisone-20.5mg-daily", MET, _steroid(PREDNISONE, 20.5)),
    ("EX5-methylprednisolone-16mg-is-20", NOT_MET, _steroid(METHYLPREDNISOLONE, 16)),
    ("EX5-methylprednisolone-17mg", MET, _steroid(METHYLPREDNISOLONE, 17)),
    ("EX5-dexamethasone-3mg-is-exactly-20", NOT_MET, _steroid(DEXAMETHASONE, 3)),
    (
        "EX5-two-glucocorticoids-15mg-each-same-day",
        MET,
        _all(_steroid(PREDNISONE, 15), _steroid(METHYLPREDNISOLONE, 12, start=-10)),
    ),
    # A systemic code by a local route: the route decides, as the spec says.
    ("EX5-inhaled-40mg-ignored", NOT_MET, _steroid(PREDNISOLONE, 40, route=INHALED)),
    ("EX5-ended-8-days-before", NOT_MET, _steroid(PREDNISONE, 30, -60, -8)),
    ("EX5-ended-exactly-7-days-before", MET, _steroid(PREDNISONE, 30, -60, -7)),
    ("EX5-started-after-screening-ignored", NOT_MET, _steroid(PREDNISONE, 60, 2)),
    ("EX5-iv-methylprednisolone-pulse-500mg", MET, _pulse(METHYLPREDNISOLONE, 500, -3)),
    ("EX5-prednisone-10mg-twice-a-day", NOT_MET, _steroid(PREDNISONE, 10, times=2)),
    ("EX5-prednisone-10mg-three-times-a-day", MET, _steroid(PREDNISONE, 10, times=3)),
    ("EX5-prednisone-25mg-no-timing-once-a-day", MET, _steroid(PREDNISONE, 25, times=None)),
    ("EX5-prednisone-25mg-no-route-is-systemic", MET, _steroid(PREDNISONE, 25, route=None)),
    # 40 mg once a week: 5.7 mg/day averaged (38 mg prednisone) and 40 mg (267) on the day taken:
    # above 20 either way, so the reading of a weekly dose does not matter.
    (
        "EX5-dexamethasone-40mg-weekly",
        MET,
        _steroid(DEXAMETHASONE, 40, start=-30, period=1, unit="wk"),
    ),
    ("EX5-glucocorticoid-in-window-without-dose", UNKNOWN, _steroid(PREDNISONE, None)),
    (
        "EX5-none-without-history-complete",
        UNKNOWN,
        _no_history_complete,
        _also_without_history("EX5"),
    ),
)

GENE_THERAPY = _concept(ATC, "L01XL01", "antineoplastic cell and gene therapy")

EX6 = _rows(
    ("EX6-L01XL01-before-screening", MET, _medication(GENE_THERAPY, -500, -500)),
    ("EX6-L01XL01-after-screening-ignored", NOT_MET, _medication(GENE_THERAPY, 5, 5)),
    # The baseline itself: no gene therapy, history complete.
    ("EX6-none-history-complete", NOT_MET, _no_change),
    (
        "EX6-none-without-history-complete",
        UNKNOWN,
        _no_history_complete,
        _also_without_history("EX6"),
    ),
)

EX7 = _rows(
    ("EX7-fold-expansion-4.9", MET, _quantity(FOLD_EXPANSION, 4.9, "1", -10)),
    ("EX7-fold-expansion-5.0", NOT_MET, _quantity(FOLD_EXPANSION, 5.0, "1", -10)),
    ("EX7-no-fold-expansion", UNKNOWN, _drop(FOLD_EXPANSION)),
    (
        "EX7-most-recent-4-after-earlier-12",
        MET,
        _observe(
            FOLD_EXPANSION,
            (-60, {"valueQuantity": _qty(12, "1")}),
            (-10, {"valueQuantity": _qty(4, "1")}),
        ),
    ),
)

EX8 = _rows(
    ("EX8-alt-exactly-3-times-uln", NOT_MET, _liver(ALT, 120)),
    ("EX8-alt-121-above-3-times-uln", MET, _liver(ALT, 121)),
    ("EX8-ast-exactly-3-times-uln", NOT_MET, _liver(AST, 120)),
    ("EX8-ast-121-above-3-times-uln", MET, _liver(AST, 121)),
    ("EX8-alt-without-reference-range", UNKNOWN, _liver(ALT, 30, high=None)),
    ("EX8-alt-only-29-days-before", UNKNOWN, _liver(ALT, 30, -29)),
    (
        "EX8-alt-entered-in-error-ignored",
        NOT_MET,
        _observe(
            ALT,
            (
                -2,
                {"valueQuantity": _qty(400, "U/L"), "referenceRange": [{"high": _qty(40, "U/L")}]},
            ),
            replace=False,
            status="entered-in-error",
        ),
    ),
    ("EX8-bilirubin-2.0-mg-dl", NOT_MET, _quantity(BILIRUBIN, 2.0, "mg/dL")),
    ("EX8-bilirubin-2.1-mg-dl", MET, _quantity(BILIRUBIN, 2.1, "mg/dL")),
    (
        "EX8-bilirubin-34.2-umol-l",
        NOT_MET,
        _all(_drop(BILIRUBIN), _quantity(BILIRUBIN_MOLAR, 34.2, "umol/L")),
    ),
    (
        "EX8-bilirubin-34.3-umol-l",
        MET,
        _all(_drop(BILIRUBIN), _quantity(BILIRUBIN_MOLAR, 34.3, "umol/L")),
    ),
    # "mg" is a mass, not a concentration: no conversion to mg/dL exists.
    ("EX8-bilirubin-unconvertible-unit", UNKNOWN, _quantity(BILIRUBIN, 0.8, "mg")),
    (
        "EX8-bilirubin-without-unit",
        UNKNOWN,
        _observe(BILIRUBIN, (-6, {"valueQuantity": {"value": 0.8}})),
    ),
)

EX9 = _rows(*_attestation_rows("EX9", "uncontrolled-disease", MET, NOT_MET, "unsuitable"))

EX10 = _rows(
    ("EX10-hiv-test-positive", MET, _result(HIV_TEST, POSITIVE)),
    ("EX10-hiv-test-negative", NOT_MET, _result(HIV_TEST, NEGATIVE)),
    ("EX10-hiv-test-absent", UNKNOWN, _drop(HIV_TEST)),
    ("EX10-hiv-test-only-29-days-before", UNKNOWN, _result(HIV_TEST, NEGATIVE, -29)),
    # B20 lies in the A00-B99 infection range of EX3, so an active B20 would meet EX3 too; in
    # remission it decides EX10 alone, which counts an HIV condition of any status.
    ("EX10-hiv-condition-icd10-B20-in-remission", MET, _add_condition(HIV_B20, -2000, "remission")),
    (
        "EX10-hiv-condition-snomed-active",
        MET,
        _add_condition(
            _concept(SNOMED, "86406008", "Human immunodeficiency virus infection"), -2000
        ),
    ),
    ("EX10-hiv-condition-refuted", NOT_MET, _add_condition(HIV_B20, -2000, "inactive", "refuted")),
)

EX11 = _rows(*_attestation_rows("EX11", "investigator-risk", MET, NOT_MET, "investigator-risk"))

SCENARIOS: list[Scenario] = [
    *IN1, *IN2, *IN3, *IN4, *IN5, *IN6, *IN7,
    *EX1, *EX2, *EX3, *EX4, *EX5, *EX6, *EX7, *EX8, *EX9, *EX10, *EX11,
]  # fmt: skip
"""Every scenario, criterion by criterion."""

_BY_CRITERION = {c: [s for s in SCENARIOS if s.criterion == c] for c in CRITERIA}


# --- the generator -------------------------------------------------------------------------


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

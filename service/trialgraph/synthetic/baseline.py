"""The baseline: one synthetic patient who meets every criterion of
shared/protocol/eligibility-spec.md, with the resources and codes of fhir-intake.md. Every
scenario is one change to this bundle."""

import zlib
from datetime import date

from trialgraph.synthetic.bundles import add, day
from trialgraph.synthetic.fhir_builders import (
    ALT,
    ANAEMIA,
    ANTI_HCV,
    AST,
    ATC,
    BILIRUBIN,
    CYCLOPHOSPHAMIDE,
    FOLD_EXPANSION,
    HBSAG,
    HIV_TEST,
    HYDROXYCHLOROQUINE,
    HYPERTENSION,
    INTRAVENOUS,
    MYCOPHENOLATE_MOFETIL,
    NEGATIVE,
    QTC,
    SLE,
    SLEDAI,
    SYNTHETIC_TAG,
    attestation,
    biopsy,
    concept,
    condition,
    consent,
    dosage,
    lab,
    loinc,
    observation,
    quantity,
    statement,
)

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
    lab_time = f"{day(t, -6)}T08:30:00+01:00"
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
        (condition(SLE, day(t, -2900)), "condition-sle"),
        (condition(HYPERTENSION, day(t, -1500)), "condition-hypertension"),
        (condition(ANAEMIA, day(t, -400)), "condition-anaemia"),
        (biopsy("III", day(t, -2880)), "biopsy"),
        (biopsy("IV", day(t, -240)), "biopsy"),
        (observation(SLEDAI, day(t, -120), "survey", valueInteger=14), "sledai"),
        (observation(SLEDAI, day(t, -5), "survey", valueInteger=10), "sledai"),
        *[(attestation(item, value, day(t, -3)), item) for item, value in ATTESTATIONS.items()],
        (lab(QTC, day(t, -4), 420, "ms"), "qtc"),
        (lab(loinc("8867-4", "Heart rate"), day(t, -4), 72, "/min"), "heart-rate"),
        (observation(HBSAG, lab_time, "laboratory", valueCodeableConcept=NEGATIVE), "hbsag"),
        (observation(ANTI_HCV, lab_time, "laboratory", valueCodeableConcept=NEGATIVE), "hcv"),
        (observation(HIV_TEST, lab_time, "laboratory", valueCodeableConcept=NEGATIVE), "hiv"),
        (lab(ALT, lab_time, 30, "U/L", high=40), "alt"),
        (lab(AST, lab_time, 30, "U/L", high=40), "ast"),
        (lab(BILIRUBIN, lab_time, 0.8, "mg/dL"), "bilirubin"),
        (lab(loinc("2160-0", "Creatinine"), lab_time, 1.1, "mg/dL", high=1.0), "creatinine"),
        (lab(loinc("62238-1", "eGFR (CKD-EPI)"), lab_time, 64, "mL/min/{1.73_m2}"), "egfr"),
        (lab(loinc("2890-2", "Protein/Creatinine in Urine"), lab_time, 2.4, "g/g"), "upcr"),
        (lab(loinc("4485-9", "Complement C3"), lab_time, 62, "mg/dL"), "c3"),
        (lab(loinc("4498-2", "Complement C4"), lab_time, 7, "mg/dL"), "c4"),
        (lab(loinc("5130-0", "DNA double strand Ab"), lab_time, 180, "[IU]/mL"), "dsdna"),
        (lab(loinc("718-7", "Hemoglobin"), lab_time, 10.9, "g/dL"), "hemoglobin"),
        (lab(loinc("777-3", "Platelets"), lab_time, 182, "10*3/uL"), "platelets"),
        (
            observation(FOLD_EXPANSION, day(t, -10), "laboratory", valueQuantity=quantity(12, "1")),
            "fold-expansion",
        ),
        (
            statement(
                MYCOPHENOLATE_MOFETIL,
                day(t, -1100),
                day(t, -800),
                "no-response",
                dosage(1500, times=2),
            ),
            "mycophenolate",
        ),
        (
            statement(
                CYCLOPHOSPHAMIDE,
                day(t, -760),
                day(t, -676),
                "no-response",
                dosage(500, INTRAVENOUS, period=2, unit="wk"),
            ),
            "cyclophosphamide",
        ),
        (statement(HYDROXYCHLOROQUINE, day(t, -2800), dose=dosage(200, times=2)), "hcq"),
        (
            statement(concept(ATC, "C09AA05", "ramipril"), day(t, -1400), dose=dosage(5)),
            "ramipril",
        ),
        (
            statement(concept(ATC, "A12AX", "calcium and vitamin D"), day(t, -1000)),
            "calcium",
        ),
        (consent("active", day(t, -14)), "consent"),
    ]
    for resource, slug in items:
        add(bundle, resource, slug)
    return bundle

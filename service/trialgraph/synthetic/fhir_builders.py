"""FHIR R4 building blocks of the synthetic patients: the code systems and codes of
shared/protocol/fhir-intake.md, and one builder per resource kind. Builders return plain JSON
dicts without id or patient link; `bundles.add` gives them both."""

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


# --- datatypes -----------------------------------------------------------------------------


def concept(system: str, code: str, display: str | None = None) -> dict:
    """A CodeableConcept of one coding; the display, if any, is also its text."""
    coding = {"system": system, "code": code} | ({"display": display} if display else {})
    return {"coding": [coding]} | ({"text": display} if display else {})


def quantity(value: float, unit: str) -> dict:
    """A Quantity with a UCUM unit."""
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def screening_item(item: str) -> dict:
    """The concept of a screening item of this project's screening code system."""
    return concept(SCREENING, item, item.replace("-", " "))


def loinc(code: str, display: str) -> dict:
    """A LOINC concept."""
    return concept(LOINC, code, display)


def biopsy_class(isn_class: str) -> dict:
    """An ISN/RPS 2003 lupus nephritis class, the value of a kidney-biopsy class result."""
    return concept(ISN_RPS, isn_class, f"ISN/RPS class {isn_class}")


# --- codes ---------------------------------------------------------------------------------

BIOPSY_CLASS = screening_item("isn-rps-class")
SLEDAI = screening_item("sledai-2k")
FOLD_EXPANSION = screening_item("tcell-fold-expansion")
QTC = loinc("8636-3", "QT interval corrected")
HBSAG = loinc("5196-1", "Hepatitis B virus surface Ag")
HBV_DNA = loinc("42595-9", "Hepatitis B virus DNA")
ANTI_HCV = loinc("16128-1", "Hepatitis C virus Ab")
HCV_RNA = loinc("11011-4", "Hepatitis C virus RNA")
HIV_TEST = loinc("56888-1", "HIV 1+2 Ab+HIV1 p24 Ag")
ALT = loinc("1742-6", "Alanine aminotransferase")
AST = loinc("1920-8", "Aspartate aminotransferase")
BILIRUBIN = loinc("1975-2", "Bilirubin.total [Mass/volume]")
BILIRUBIN_MOLAR = loinc("14631-6", "Bilirubin.total [Moles/volume]")
POSITIVE = concept(SNOMED, "10828004", "Positive")
NEGATIVE = concept(SNOMED, "260385009", "Negative")
DETECTED = concept(SNOMED, "260373001", "Detected")
NOT_DETECTED = concept(SNOMED, "260415000", "Not detected")

SLE = concept(SNOMED, "55464009", "Systemic lupus erythematosus")
HYPERTENSION = concept(ICD10, "I10", "Essential hypertension")
ANAEMIA = concept(ICD10, "D63.8", "Anaemia in chronic diseases")
EPILEPSY = concept(ICD10, "G40.9", "Epilepsy, unspecified")
VENTRICULAR_TACHYCARDIA = concept(SNOMED, "25569003", "Ventricular tachycardia")
SEPSIS = concept(ICD10, "A41.9", "Sepsis, unspecified organism")
CHRONIC_HEPATITIS_B = concept(SNOMED, "61977001", "Chronic type B viral hepatitis")
HIV_B20 = concept(ICD10, "B20", "HIV disease")
MYCOPHENOLATE_MOFETIL = concept(RXNORM, "68149", "mycophenolate mofetil")
CYCLOPHOSPHAMIDE = concept(ATC, "L01AA01", "cyclophosphamide")
HYDROXYCHLOROQUINE = concept(ATC, "P01BA02", "hydroxychloroquine")
PREDNISONE = concept(ATC, "H02AB07", "prednisone")
PREDNISOLONE = concept(ATC, "H02AB06", "prednisolone")
METHYLPREDNISOLONE = concept(ATC, "H02AB04", "methylprednisolone")
DEXAMETHASONE = concept(ATC, "H02AB02", "dexamethasone")
GENE_THERAPY = concept(ATC, "L01XL01", "antineoplastic cell and gene therapy")
ORAL = concept(SNOMED, "26643006", "Oral route")
INTRAVENOUS = concept(SNOMED, "47625008", "Intravenous route")
INHALED = concept(SNOMED, "447694001", "Respiratory tract route")


# --- resources -----------------------------------------------------------------------------


def observation(code: dict, when: str, category: str, **value: object) -> dict:
    """A final Observation of `code` on `when`; `value` holds its value (and any other) fields."""
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [concept(OBSERVATION_CATEGORY, category)],
        "code": code,
        "effectiveDateTime": when,
    } | value


def lab(code: dict, when: str, value: float, unit: str, high: float | None = None) -> dict:
    """A laboratory Observation with a quantity and, if `high` is given, an upper limit."""
    ranges = {"referenceRange": [{"high": quantity(high, unit)}]} if high is not None else {}
    return observation(code, when, "laboratory", valueQuantity=quantity(value, unit), **ranges)


def biopsy(isn_class: str, when: str) -> dict:
    """A kidney-biopsy class result (IN2b)."""
    return observation(
        BIOPSY_CLASS, when, "procedure", valueCodeableConcept=biopsy_class(isn_class)
    )


def attestation(item: str, value: bool, when: str) -> dict:
    """An investigator's yes/no attestation of a screening item."""
    return observation(screening_item(item), when, "survey", valueBoolean=value)


def condition(
    code: dict,
    onset: str,
    clinical: str | None = "active",
    verification: str = "confirmed",
    abatement: str | None = None,
) -> dict:
    """A problem-list Condition, onset and recorded on `onset`."""
    resource = {
        "resourceType": "Condition",
        "verificationStatus": concept(VERIFICATION, verification),
        "category": [concept(CONDITION_CATEGORY, "problem-list-item")],
        "code": code,
        "onsetDateTime": onset,
        "recordedDate": onset,
    }
    if clinical:
        resource["clinicalStatus"] = concept(CLINICAL, clinical)
    if abatement:
        resource["abatementDateTime"] = abatement
    return resource


def dosage(
    mg: float | None,
    route: dict | None = ORAL,
    times: int | None = 1,
    period: float = 1,
    unit: str = "d",
) -> dict:
    """A Dosage of `mg` per dose, `times` per `period` `unit`; None leaves a part out."""
    result: dict = {}
    if times is not None:
        result["timing"] = {"repeat": {"frequency": times, "period": period, "periodUnit": unit}}
    if route is not None:
        result["route"] = route
    if mg is not None:
        result["doseAndRate"] = [{"doseQuantity": quantity(mg, "mg")}]
    return result


def statement(
    medication: dict,
    start: str,
    end: str | None = None,
    outcome: str | None = None,
    dose: dict | None = None,
) -> dict:
    """A MedicationStatement from `start` (ongoing without `end`), with its therapy outcome."""
    resource = {
        "resourceType": "MedicationStatement",
        "status": "completed" if end else "active",
        "medicationCodeableConcept": medication,
        "effectivePeriod": {"start": start} | ({"end": end} if end else {}),
    }
    if outcome:
        resource["statusReason"] = [concept(THERAPY_OUTCOME, outcome)]
    if dose:
        resource["dosage"] = [dose]
    return resource


def administration(medication: dict, mg: float, when: str) -> dict:
    """A MedicationAdministration of one intravenous dose on one day."""
    return {
        "resourceType": "MedicationAdministration",
        "status": "completed",
        "medicationCodeableConcept": medication,
        "effectiveDateTime": when,
        "dosage": {"route": INTRAVENOUS, "dose": quantity(mg, "mg")},
    }


def consent(status: str, when: str) -> dict:
    """A research Consent of `status`, dated `when`."""
    return {
        "resourceType": "Consent",
        "status": status,
        "scope": concept("http://terminology.hl7.org/CodeSystem/consentscope", "research"),
        "category": [
            concept("http://terminology.hl7.org/CodeSystem/consentcategorycodes", "research")
        ],
        "dateTime": when,
        "policyRule": concept("http://terminology.hl7.org/CodeSystem/v3-ActCode", "OPTIN"),
    }

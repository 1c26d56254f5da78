"""Changes to a baseline bundle. A change edits a bundle in place, given its screening date T_S;
each factory below returns one, with dates given in days from T_S."""

from collections.abc import Callable
from datetime import date

from trialgraph.synthetic.bundles import (
    add,
    day,
    day_or_none,
    has_code,
    patient,
    remove,
    resources,
    screening_date,
    set_fields,
)
from trialgraph.synthetic.fhir_builders import (
    BIOPSY_CLASS,
    QTC,
    SCREENING,
    SLEDAI,
    THERAPY_OUTCOME,
    administration,
    biopsy_class,
    concept,
    condition,
    consent,
    dosage,
    observation,
    quantity,
    screening_item,
    statement,
)

Change = Callable[[dict, date], None]
"""A change: edits a bundle in place, given its screening date T_S."""


def all_of(*changes: Change) -> Change:
    """Apply the changes in order (each with T_S as the previous ones left it)."""

    def change(bundle: dict, t: date) -> None:
        for one in changes:
            one(bundle, screening_date(bundle))

    return change


def drop(code: dict) -> Change:
    """Remove every resource coded with `code`."""
    return lambda bundle, t: remove(bundle, lambda r: has_code(r, code))


def edit(code: dict, /, **fields: object) -> Change:
    """Set fields of every resource coded with `code`; a field set to None is removed."""

    def change(bundle: dict, t: date) -> None:
        for resource in resources(bundle):
            if has_code(resource, code):
                set_fields(resource, fields)

    return change


def patient_field(name: str, value: str | None) -> Change:
    """Set a field of the Patient (gender, birthDate); None removes it."""
    return lambda bundle, t: set_fields(patient(bundle), {name: value})


# --- observations --------------------------------------------------------------------------


def observe(
    code: dict,
    *results: tuple[int, dict],
    replace: bool = True,
    category: str | None = None,
    slug: str | None = None,
    **fixed: object,
) -> Change:
    """Add one Observation of `code` per (days from T_S, value fields), first removing the
    others of that code unless `replace` is false. The category is `survey` for screening
    items and `laboratory` for the rest unless given; `fixed` fields go into every one."""
    system, item = code["coding"][0]["system"], code["coding"][0]["code"]
    kind = category or ("survey" if system == SCREENING else "laboratory")

    def change(bundle: dict, t: date) -> None:
        if replace:
            remove(bundle, lambda r: has_code(r, code))
        for days, fields in results:
            resource = observation(code, day(t, days), kind, **fields) | fixed
            add(bundle, resource, slug or f"obs-{item}")

    return change


def coded_result(code: dict, value: dict, days: int = -6) -> Change:
    """Replace the results of `code` by one coded `value` (positive, not detected, ...)."""
    return observe(code, (days, {"valueCodeableConcept": value}))


def quantity_result(code: dict, value: float, unit: str, days: int = -6) -> Change:
    """Replace the results of `code` by one quantity."""
    return observe(code, (days, {"valueQuantity": quantity(value, unit)}))


def liver(code: dict, value: float, days: int = -6, high: float | None = 40) -> Change:
    """Replace the results of a liver enzyme by one in U/L with upper limit `high`."""
    fields = {"valueQuantity": quantity(value, "U/L")}
    if high is not None:
        fields["referenceRange"] = [{"high": quantity(high, "U/L")}]
    return observe(code, (days, fields))


def attest(item: str, *values: tuple[int, bool]) -> Change:
    """Replace the attestation `item` by one per (days from T_S, yes/no)."""
    results = [(days, {"valueBoolean": value}) for days, value in values]
    return observe(screening_item(item), *results)


def biopsies(*results: tuple[int, str]) -> Change:
    """Replace the kidney-biopsy class results by one per (days from T_S, ISN/RPS class)."""
    values = [(days, {"valueCodeableConcept": biopsy_class(c)}) for days, c in results]
    return observe(BIOPSY_CLASS, *values, category="procedure", slug="biopsy")


def sledai(*results: tuple[int, int]) -> Change:
    """Replace the SLEDAI-2K totals by one per (days from T_S, total)."""
    return observe(SLEDAI, *[(days, {"valueInteger": value}) for days, value in results])


def qtc(ms: int, days: int = -4) -> Change:
    """Replace the QTc results by one of `ms`."""
    return quantity_result(QTC, ms, "ms", days)


# --- conditions, medications, consents -----------------------------------------------------


def add_condition(
    code: dict,
    onset: int = -400,
    clinical: str | None = "active",
    verification: str = "confirmed",
    abatement: int | None = None,
) -> Change:
    """Add a Condition of `code` (see fhir_builders.condition)."""

    def change(bundle: dict, t: date) -> None:
        resource = condition(code, day(t, onset), clinical, verification, day_or_none(t, abatement))
        add(bundle, resource, "condition")

    return change


def outcome(medication: dict, therapy_outcome: str | None) -> Change:
    """Set (or with None, remove) the therapy outcome of every statement of `medication`."""
    reason = [concept(THERAPY_OUTCOME, therapy_outcome)] if therapy_outcome else None
    return edit(medication, statusReason=reason)


def medication(
    drug: dict,
    start: int,
    end: int | None = None,
    therapy_outcome: str | None = None,
    dose: dict | None = None,
) -> Change:
    """Add a MedicationStatement of `drug` from `start` to `end` (ongoing without)."""

    def change(bundle: dict, t: date) -> None:
        resource = statement(drug, day(t, start), day_or_none(t, end), therapy_outcome, dose)
        add(bundle, resource, f"med-{drug['coding'][0]['code'].lower()}")

    return change


def steroid(
    drug: dict, mg: float | None, start: int = -20, end: int | None = None, **how: object
) -> Change:
    """Add a glucocorticoid statement of `mg` per dose (see fhir_builders.dosage for `how`)."""
    return medication(drug, start, end, dose=dosage(mg, **how))


def pulse(drug: dict, mg: float, days: int) -> Change:
    """Add one intravenous dose of `drug` given on one day."""
    return lambda bundle, t: add(bundle, administration(drug, mg, day(t, days)), "administration")


def consents(*given: tuple[str, int], replace: bool = True) -> Change:
    """Add one Consent per (status, days from T_S), first removing the others unless `replace`
    is false."""

    def change(bundle: dict, t: date) -> None:
        if replace:
            remove(bundle, lambda r: r["resourceType"] == "Consent")
        for status, days in given:
            add(bundle, consent(status, day(t, days)), "consent")

    return change


NO_CHANGE: Change = all_of()
NO_HISTORY_COMPLETE: Change = drop(screening_item("history-complete"))

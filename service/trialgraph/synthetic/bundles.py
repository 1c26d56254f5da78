"""Reading and editing a synthetic bundle: its resources, its patient, its screening date T_S,
and adding or removing resources with stable ids and fullUrls."""

import uuid
from collections.abc import Callable
from datetime import date, timedelta

_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://w3id.org/trialgraph/synthetic")


def resources(bundle: dict, resource_type: str | None = None) -> list[dict]:
    """The bundle's resources, or those of one type."""
    found = [entry["resource"] for entry in bundle["entry"]]
    return [r for r in found if resource_type in (None, r["resourceType"])]


def patient(bundle: dict) -> dict:
    """The bundle's Patient."""
    return resources(bundle, "Patient")[0]


def has_code(resource: dict, concept: dict) -> bool:
    """Whether the resource's code (or medication) has the first coding of `concept`."""
    wanted = concept["coding"][0]
    own = resource.get("code") or resource.get("medicationCodeableConcept") or {}
    return any(
        c.get("system") == wanted["system"] and c.get("code") == wanted["code"]
        for c in own.get("coding", [])
    )


def set_fields(resource: dict, fields: dict[str, object]) -> None:
    """Replace fields of a resource (a replaced field moves last); a None field is removed."""
    for key, value in fields.items():
        resource.pop(key, None)
        if value is not None:
            resource[key] = value


def remove(bundle: dict, predicate: Callable[[dict], bool]) -> None:
    """Remove every resource for which the predicate holds."""
    bundle["entry"] = [e for e in bundle["entry"] if not predicate(e["resource"])]


def add(bundle: dict, resource: dict, slug: str) -> dict:
    """Add a resource with a unique id `<patient id>-<slug>`, its fullUrl and its patient link."""
    patient_id = bundle["id"]
    taken = {r["id"] for r in resources(bundle)}
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
    return date.fromisoformat(resources(bundle, "ResearchSubject")[0]["period"]["start"])


def move_screening_date(bundle: dict, to: date) -> date:
    """Set the bundle's screening date; return it."""
    resources(bundle, "ResearchSubject")[0]["period"]["start"] = to.isoformat()
    return to


def day(screening: date, days: int) -> str:
    """The ISO date `days` from the screening date."""
    return (screening + timedelta(days=days)).isoformat()


def day_or_none(screening: date, days: int | None) -> str | None:
    """As `day`, or None where no offset is given."""
    return None if days is None else day(screening, days)

"""FHIR R4 intake (shared/protocol/fhir-intake.md): one patient's Bundle as an RDF record graph.

The graph follows the "Patient record model" of ontology/trialgraph.ttl. A coding becomes the
concept IRI of its code system in ontology/value-sets.ttl (`tg:fhirSystem`,
`tg:conceptIriPrefix`); codings of other systems are ignored, as are resource types the model
has no place for. A bundle that cannot be mapped raises `RecordError` and yields no graph; so
does a mapped resource that does not reference the bundle's Patient, or that repeats the type and
id of another one (the two would be one item).

Speed: 10,000 bundles are mapped per benchmark run, so a record keeps its triples as plain
tuples: the batch engine reads them as N-Triples text (`PatientRecord.ntriples`), and the rdflib
graph (`PatientRecord.graph`, in rdflib's SimpleMemory store) is made only when asked for. That
store has no named graphs, which pySHACL needs: give pySHACL a copy (`Graph() + record.graph`).
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, cached_property, lru_cache
from types import SimpleNamespace
from typing import NamedTuple
from urllib.parse import quote

from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef
from rdflib.plugins.stores.memory import SimpleMemory

from trialgraph.namespaces import TG, TGCS
from trialgraph.ontology import protocol_graph

PATIENT_BASE = "https://w3id.org/trialgraph/patient/"
BUNDLE_TYPES = ("collection", "transaction", "batch", "searchset")

# The record model's terms, made once: a Namespace makes a new URIRef at every lookup.
_RECORD_TERMS = """Patient Screening ConditionRecord ObservationRecord MedicationExposure
    MedicationAdministrationRecord ConsentRecord aboutPatient sourceResource patientId gender
    birthDate screeningDate subjectStatus code status clinicalStatus verificationStatus onsetDate
    abatementDate effectiveDate numericValue unit booleanValue codedValue referenceHigh startDate
    endDate therapyOutcome route doseMg frequency period periodUnit consentStatus"""
_T = SimpleNamespace(**{name: TG[name] for name in _RECORD_TERMS.split()})
_TYPE, _NOTATION, _IN_SCHEME = RDF.type, SKOS.notation, SKOS.inScheme


@dataclass(frozen=True)
class PatientRecord:
    """One patient's record: the FHIR Patient id and the triples of the record graph."""

    patient_id: str
    triples: list[tuple]

    @cached_property
    def graph(self) -> Graph:
        """The record graph (made on first use: the batch engine reads `ntriples` instead)."""
        graph = Graph(store=SimpleMemory())
        # the triples are rdflib terms already: skip Graph's per-triple checks
        add = graph.store.add
        for triple in self.triples:
            add(triple, graph)
        return graph

    def ntriples(self) -> str:
        """The record graph as N-Triples text."""
        return "".join(f"{_n3(s)} {_n3(p)} {_n3(o)} .\n" for s, p, o in self.triples)


@lru_cache(maxsize=65536)
def _iri_n3(iri: URIRef) -> str:
    return iri.n3()


def _n3(term) -> str:
    """A term in N-Triples syntax; IRIs (checked once by rdflib) come from a cache."""
    return _iri_n3(term) if type(term) is URIRef else term.n3()


class RecordError(Exception):
    """A refused record: the file (or label), the resource, the field, and what is wrong."""

    def __init__(self, source: str, resource: str, field: str, message: str) -> None:
        super().__init__(source, resource, field, message)
        self.source, self.resource, self.field, self.message = source, resource, field, message

    def __str__(self) -> str:
        line = f"{self.source}: {self.resource}, field {self.field}: {self.message}"
        return " ".join(line.split())


# --- codes -------------------------------------------------------------------------------

_IRI_SAFE = re.compile(r"[\w.+-]+")  # \w: letters, digits and "_"


def encode_code(code: str) -> str:
    """Percent-encode the characters of a code that may not stand in an IRI."""
    if _IRI_SAFE.fullmatch(code):
        return code
    return "".join(ch if ch.isalnum() or ch in "._+-" else quote(ch, safe="") for ch in code)


@dataclass(frozen=True)
class Concept:
    """A code as the IRI of a concept, with its notation and its code system."""

    iri: URIRef
    notation: Literal
    scheme: URIRef


class CodeSystems:
    """The ontology's code systems by FHIR system URI, and the concepts of their codes."""

    _CACHE_LIMIT = 100_000

    def __init__(self, prefixes: dict[str, tuple[URIRef, str]]) -> None:
        self._prefixes = prefixes
        self._systems = {scheme: system for system, (scheme, _) in prefixes.items()}
        self._concepts: dict[tuple[str, str], Concept] = {}

    @classmethod
    def from_graph(cls, graph: Graph) -> "CodeSystems":
        """Read every tg:CodeSystem with its tg:fhirSystem and tg:conceptIriPrefix."""
        prefixes = {}
        for scheme in graph.subjects(RDF.type, TG.CodeSystem):
            system = graph.value(scheme, TG.fhirSystem)
            prefix = graph.value(scheme, TG.conceptIriPrefix)
            if system is None or prefix is None:
                raise ValueError(f"{scheme} lacks tg:fhirSystem or tg:conceptIriPrefix")
            prefixes[str(system)] = (scheme, str(prefix))
        return cls(prefixes)

    def fhir_system(self, scheme: URIRef) -> str | None:
        """Return the FHIR system URI of a code system, by its IRI."""
        return self._systems.get(scheme)

    def concept(self, system: object, code: object) -> Concept | None:
        """Return the concept of a coding, or None if its system is unknown or it has no code."""
        if not (isinstance(system, str) and isinstance(code, str) and code):
            return None
        found = self._concepts.get((system, code))
        if found is None and system in self._prefixes:
            scheme, prefix = self._prefixes[system]
            found = Concept(URIRef(prefix + encode_code(code)), Literal(code), scheme)
            if len(self._concepts) >= self._CACHE_LIMIT:
                self._concepts.clear()
            self._concepts[(system, code)] = found
        return found


@cache
def code_systems() -> CodeSystems:
    """Return the code systems of the protocol graph (read once)."""
    return CodeSystems.from_graph(protocol_graph())


# --- values ------------------------------------------------------------------------------

_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::(?:[0-5]\d|60)(?:\.\d+)?)?"
    r"(?:Z|[+-](?:0\d|1[0-4]):[0-5]\d)?)?)?)?"
)


@lru_cache(maxsize=8192)
def date_literal(text: str) -> Literal | None:
    """Return the date part of a FHIR date or dateTime (xsd:date, gYearMonth, gYear), or None."""
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    if day:
        return Literal(f"{year}-{month}-{day}", datatype=XSD.date)
    if month:
        return Literal(f"{year}-{month}", datatype=XSD.gYearMonth)
    return Literal(year, datatype=XSD.gYear)


def decimal_literal(value: object) -> Literal | None:
    """Return a JSON number as an xsd:decimal literal, or None if it is not a usable number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or abs(number.adjusted()) > 30:  # 1e999999 as decimal digits
        return None
    return _decimal(f"{number:f}")  # by text: 1.5 and 1.50 are equal Decimals


@lru_cache(maxsize=8192)
def _decimal(text: str) -> Literal:
    return Literal(text, datatype=XSD.decimal)


@lru_cache(maxsize=8192)
def _string(text: str) -> Literal:
    return Literal(text)


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _first(value: object) -> dict:
    return _dict(value[0]) if isinstance(value, list) and value else {}


def _codings(concept: object) -> Iterator[dict]:
    codings = _dict(concept).get("coding")
    if isinstance(codings, list):
        yield from (coding for coding in codings if isinstance(coding, dict))


def _first_code(concept: object) -> str | None:
    return next((c["code"] for c in _codings(concept) if isinstance(c.get("code"), str)), None)


# --- mapping -----------------------------------------------------------------------------


class _Entry(NamedTuple):
    """A resource of a bundle, with its entry index and its entry's fullUrl (if any)."""

    index: int
    full_url: object
    resource: dict


# `Patient/{id}` or a URL ending so, either maybe with `/_history/{version}`
_PATIENT_REFERENCE = re.compile(r"(?:.*/)?Patient/([^/]+)(?:/_history/[^/]+)?")


def _refers_to(reference: object, patient: _Entry) -> bool:
    """Tell whether a reference names the Patient by its id or by its entry's fullUrl."""
    if not isinstance(reference, str):
        return False
    match = _PATIENT_REFERENCE.fullmatch(reference)
    by_id = match is not None and match[1] == patient.resource["id"]
    return by_id or reference == patient.full_url


class _Mapper:
    """Collects the triples of one patient's record, one resource at a time."""

    def __init__(self, source: str, codes: CodeSystems, patient: _Entry) -> None:
        self.source, self.codes, self.patient_entry = source, codes, patient
        self.patient = URIRef(PATIENT_BASE + quote(patient.resource["id"], safe=""))
        self.ucum = codes.fhir_system(TGCS.ucum)
        self.triples: list[tuple] = []
        self.concepts: dict[URIRef, Concept] = {}
        self.entry_of: dict[str, int] = {}  # the entry index of each item's source reference
        self.item, self.ref, self.resource = self.patient, "", {}

    def start(self, entry: _Entry, rdf_type: URIRef, link: str) -> None:
        """Begin the item of a resource (once, and of this patient): IRI, type, patient, source."""
        rtype, rid, index = entry.resource["resourceType"], entry.resource.get("id"), entry.index
        has_id = isinstance(rid, str) and rid != ""
        self.ref = f"{rtype}/{rid if has_id else f'entry-{index}'}"
        self.resource = entry.resource
        self.check_unique(index)
        self.check_patient(link)
        local = quote(rid, safe="") if has_id else f"entry-{index}"
        self.item = URIRef(f"{self.patient}/{rtype}/{local}")
        self.triples += [
            (self.item, _TYPE, rdf_type),
            (self.item, _T.aboutPatient, self.patient),
            (self.item, _T.sourceResource, _string(self.ref)),
        ]

    def check_unique(self, index: int) -> None:
        """Refuse a second resource with the type and id of another: they would be one item."""
        first = self.entry_of.setdefault(self.ref, index)
        if first != index:
            message = f"{self.ref} is in the bundle twice: entry[{first}] and entry[{index}]"
            raise RecordError(self.source, self.ref, "id", message)

    def check_patient(self, link: str) -> None:
        """Refuse a resource whose `link` field does not reference the bundle's Patient."""
        reference = _dict(self.resource.get(link)).get("reference")
        if not _refers_to(reference, self.patient_entry):
            patient = f"Patient/{self.patient_entry.resource['id']}"
            raise self.fail(f"{link}.reference", reference, f"a reference to {patient}")

    def fail(self, field: str, value: object, what: str) -> RecordError:
        shown = json.dumps(value, default=str)
        return RecordError(self.source, self.ref, field, f"{shown[:80]} is not {what}")

    def add(self, predicate: URIRef, value: Literal | URIRef | None) -> None:
        if value is not None:
            self.triples.append((self.item, predicate, value))

    def text(self, predicate: URIRef, value: object) -> None:
        if isinstance(value, str):
            self.triples.append((self.item, predicate, _string(value)))

    def coded(self, predicate: URIRef, concept: object) -> None:
        """Add the concept of every coding of a known code system."""
        for coding in _codings(concept):
            found = self.codes.concept(coding.get("system"), coding.get("code"))
            if found is not None:
                self.concepts[found.iri] = found
                self.triples.append((self.item, predicate, found.iri))

    def date(self, path: str) -> Literal | None:
        """Return the date at a path ("dateTime", "effectivePeriod.start"); None if absent."""
        parent, _, name = path.rpartition(".")
        value = (_dict(self.resource.get(parent)) if parent else self.resource).get(name)
        if value is None:
            return None
        found = date_literal(value) if isinstance(value, str) else None
        if found is None:
            raise self.fail(path, value, "a date")
        return found

    def effective(self) -> Literal | None:
        """Return the date of effectiveDateTime, else of effectivePeriod.start (both checked)."""
        at, start = self.date("effectiveDateTime"), self.date("effectivePeriod.start")
        return at or start

    def number(self, field: str, value: object) -> Literal:
        found = decimal_literal(value)
        if found is None:
            raise self.fail(field, value, "a number")
        return found

    def unit(self, quantity: dict) -> str | None:
        """Return a quantity's unit: its UCUM code, else its unit text."""
        code, system, text = quantity.get("code"), quantity.get("system"), quantity.get("unit")
        if isinstance(code, str) and system in (None, self.ucum):
            return code
        return text if isinstance(text, str) else None

    def quantity(self, field: str, quantity: object, mg_only: bool = False) -> Literal | None:
        """Return the value of a quantity (which must have one); with mg_only, None unless mg."""
        if quantity is None:
            return None
        quantity = _dict(quantity)
        value = self.number(f"{field}.value", quantity.get("value"))
        return None if mg_only and self.unit(quantity) != "mg" else value

    def patient_item(self) -> None:
        resource = self.patient_entry.resource
        self.resource, self.ref = resource, f"Patient/{resource['id']}"
        self.triples += [
            (self.patient, _TYPE, _T.Patient),
            (self.patient, _T.patientId, _string(resource["id"])),
            (self.patient, _T.sourceResource, _string(self.ref)),
        ]
        self.text(_T.gender, resource.get("gender"))
        self.add(_T.birthDate, self.date("birthDate"))

    def research_subject(self, r: dict) -> None:
        self.add(_T.screeningDate, self.date("period.start"))
        self.text(_T.subjectStatus, r.get("status"))

    def condition(self, r: dict) -> None:
        self.coded(_T.code, r.get("code"))
        self.text(_T.clinicalStatus, _first_code(r.get("clinicalStatus")))
        self.text(_T.verificationStatus, _first_code(r.get("verificationStatus")))
        onset, recorded = self.date("onsetDateTime"), self.date("recordedDate")
        self.add(_T.onsetDate, onset or recorded)
        self.add(_T.abatementDate, self.date("abatementDateTime"))

    def observation(self, r: dict) -> None:
        self.coded(_T.code, r.get("code"))
        self.text(_T.status, r.get("status"))
        self.add(_T.effectiveDate, self.effective())
        if "valueQuantity" in r:
            self.add(_T.numericValue, self.quantity("valueQuantity", r["valueQuantity"]))
            self.text(_T.unit, self.unit(_dict(r["valueQuantity"])))
        for name in ("valueInteger", "valueDecimal"):
            if name in r:
                self.add(_T.numericValue, self.number(name, r[name]))
        if "valueBoolean" in r:
            if not isinstance(r["valueBoolean"], bool):
                raise self.fail("valueBoolean", r["valueBoolean"], "true or false")
            self.add(_T.booleanValue, Literal(r["valueBoolean"]))
        self.coded(_T.codedValue, r.get("valueCodeableConcept"))
        high = _first(r.get("referenceRange")).get("high")
        self.add(_T.referenceHigh, self.quantity("referenceRange[0].high", high))

    def medication_statement(self, r: dict) -> None:
        self.coded(_T.code, r.get("medicationCodeableConcept"))
        self.text(_T.status, r.get("status"))
        day = self.date("effectiveDateTime")
        start, end = self.date("effectivePeriod.start"), self.date("effectivePeriod.end")
        self.add(_T.startDate, day or start)
        self.add(_T.endDate, day or end)
        for reason in _list(r.get("statusReason")):
            self.coded(_T.therapyOutcome, reason)
        dosage = _first(r.get("dosage"))
        self.coded(_T.route, dosage.get("route"))
        dose = _first(dosage.get("doseAndRate")).get("doseQuantity")
        field = "dosage[0].doseAndRate[0].doseQuantity"
        self.add(_T.doseMg, self.quantity(field, dose, mg_only=True))
        repeat = _dict(_dict(dosage.get("timing")).get("repeat"))
        for name, predicate in (("frequency", _T.frequency), ("period", _T.period)):
            if name in repeat:
                self.add(predicate, self.number(f"dosage[0].timing.repeat.{name}", repeat[name]))
        self.text(_T.periodUnit, repeat.get("periodUnit"))

    def medication_administration(self, r: dict) -> None:
        self.coded(_T.code, r.get("medicationCodeableConcept"))
        self.text(_T.status, r.get("status"))
        day = self.effective()
        self.add(_T.startDate, day)
        self.add(_T.endDate, day)
        dosage = _dict(r.get("dosage"))
        self.coded(_T.route, dosage.get("route"))
        self.add(_T.doseMg, self.quantity("dosage.dose", dosage.get("dose"), mg_only=True))

    def consent(self, r: dict) -> None:
        self.text(_T.consentStatus, r.get("status"))
        self.add(_T.effectiveDate, self.date("dateTime"))

    def default_screening(self) -> None:
        """Add the undated screening of a bundle without a ResearchSubject."""
        screening = URIRef(f"{self.patient}/screening")
        self.triples.append((screening, _TYPE, _T.Screening))
        self.triples.append((screening, _T.aboutPatient, self.patient))

    def record_triples(self) -> list[tuple]:
        """Return the triples of the record graph: the items' and the concepts they use."""
        for concept in self.concepts.values():
            self.triples.append((concept.iri, _NOTATION, concept.notation))
            self.triples.append((concept.iri, _IN_SCHEME, concept.scheme))
        return self.triples


def _is_research_consent(resource: dict) -> bool:
    """Tell whether a Consent's scope or category has a coding whose code names research."""
    concepts = [resource.get("scope"), *_list(resource.get("category"))]
    codes = (coding.get("code") for concept in concepts for coding in _codings(concept))
    return any(isinstance(code, str) and "research" in code.lower() for code in codes)


# Each mapped resource type: its item's class, how it is mapped, the field naming its patient.
_ITEMS = {
    "ResearchSubject": (_T.Screening, _Mapper.research_subject, "individual"),
    "Condition": (_T.ConditionRecord, _Mapper.condition, "subject"),
    "Observation": (_T.ObservationRecord, _Mapper.observation, "subject"),
    "MedicationStatement": (_T.MedicationExposure, _Mapper.medication_statement, "subject"),
    "MedicationAdministration": (
        _T.MedicationAdministrationRecord,
        _Mapper.medication_administration,
        "subject",
    ),
    "Consent": (_T.ConsentRecord, _Mapper.consent, "patient"),
}


def map_fhir(
    text: str | bytes, source: str = "input", codes: CodeSystems | None = None
) -> PatientRecord:
    """Map the JSON text of a FHIR Bundle or single resource to one patient's record."""
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, RecursionError) as error:  # JSONDecodeError, UnicodeDecodeError
        where = f"line {error.lineno} column {error.colno}" if hasattr(error, "lineno") else "text"
        raise RecordError(source, "document", where, f"not JSON ({error})") from None
    return map_fhir_data(data, source, codes)


def map_fhir_data(
    data: object, source: str = "input", codes: CodeSystems | None = None
) -> PatientRecord:
    """Map a parsed FHIR Bundle or single resource to one patient's record."""
    entries = _entries(data, source)
    patient = _the_patient(data, entries, source)
    mapper = _Mapper(source, codes or code_systems(), patient)
    mapper.patient_item()
    for entry in entries:
        rtype, resource = entry.resource["resourceType"], entry.resource
        item = _ITEMS.get(rtype)
        if item is not None and (rtype != "Consent" or _is_research_consent(resource)):
            rdf_type, map_item, link = item
            mapper.start(entry, rdf_type, link)
            map_item(mapper, resource)
    if not any(entry.resource["resourceType"] == "ResearchSubject" for entry in entries):
        mapper.default_screening()
    return PatientRecord(patient.resource["id"], mapper.record_triples())


def _the_patient(data: dict, entries: list[_Entry], source: str) -> _Entry:
    """Return the entry of the one Patient, which must have an id."""
    patients = [entry for entry in entries if entry.resource["resourceType"] == "Patient"]
    if len(patients) != 1:
        what = data["resourceType"] if data["resourceType"] in ("Bundle", "Patient") else "document"
        found = ", ".join(f"Patient/{p.resource.get('id')}" for p in patients) or "no Patient"
        raise RecordError(source, what, "entry", f"needs one Patient, has {found}")
    pid = patients[0].resource.get("id")
    if not (isinstance(pid, str) and pid):
        raise RecordError(source, "Patient", "id", "the Patient has no id")
    return patients[0]


def _entries(data: object, source: str) -> list[_Entry]:
    """Return the resources of a Bundle (or the one resource) with their entry index and URL."""
    if not (isinstance(data, dict) and isinstance(data.get("resourceType"), str)):
        raise RecordError(
            source, "document", "resourceType", "not FHIR: no object with a resourceType"
        )
    if data["resourceType"] != "Bundle":
        return [_Entry(0, None, data)]
    if data.get("type") not in BUNDLE_TYPES:
        raise RecordError(
            source,
            "Bundle",
            "type",
            f"{data.get('type')!r} is not one of {', '.join(BUNDLE_TYPES)}",
        )
    entries = data.get("entry") or []
    if not isinstance(entries, list):
        raise RecordError(source, "Bundle", "entry", "is not a list")
    found = []
    for index, entry in enumerate(entries):
        resource = _dict(entry).get("resource")
        if resource is None:
            continue
        if not (isinstance(resource, dict) and isinstance(resource.get("resourceType"), str)):
            raise RecordError(source, "Bundle", f"entry[{index}].resource", "not a FHIR resource")
        found.append(_Entry(index, entry.get("fullUrl"), resource))
    return found

"""A patient's page: status, enrolment, and each criterion's outcome with its evidence told in
plain words (the ontology's labels for record items, codes, code systems and properties) and,
for an unknown outcome, the data to collect (the tg:missingData of the decision)."""

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from trialgraph.graphs import ONTOLOGY_GRAPH
from trialgraph.graphs import record_graph as record_graph_iri
from trialgraph.namespaces import TG
from trialgraph.ontology import protocol_graph
from trialgraph.screening import CRITERIA
from trialgraph.store import TrialStore
from trialgraph.ui.dashboard import ui_query
from trialgraph.ui.protocol import criteria
from trialgraph.web.records_io import record_graph
from trialgraph.web.screening import stored_result

HIDDEN = {RDF.type, TG.aboutPatient, TG.sourceResource, TG.code, TG.patientId}
FACT_NAMES = """numericValue unit referenceHigh booleanValue codedValue consentStatus birthDate
    gender clinicalStatus verificationStatus therapyOutcome doseMg frequency period periodUnit
    route status effectiveDate onsetDate abatementDate startDate endDate"""
FACT_ORDER = [TG[name] for name in FACT_NAMES.split()]


@dataclass(frozen=True)
class Evidence:
    """A record item that decided an outcome, in words."""

    source: str
    kind: str
    what: str
    facts: list[tuple[str, str]]
    iri: str


@dataclass(frozen=True)
class CriterionResult:
    id: str
    label: str
    category: str
    outcome: str
    excludes: bool
    evidence: list[Evidence]
    missing: list[str]


@dataclass(frozen=True)
class PatientPage:
    patient: str
    status: str
    as_of: str
    screening_date: str | None
    subject_status: str | None
    enrolled: bool
    criteria: list[CriterionResult]


def _number(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


class Words:
    """Labels from the ontology, with the record's own notations for codes it does not list."""

    def __init__(self, record: Graph) -> None:
        self.protocol, self.record = protocol_graph(), record

    def term(self, node: URIRef) -> str:
        found = self.protocol.value(node, RDFS.label) or self.protocol.value(node, SKOS.prefLabel)
        return str(found) if found is not None else str(node).rsplit("/", 1)[-1]

    def _first(self, node: URIRef, predicate: URIRef):
        """The value in the ontology, else in the record."""
        found = self.protocol.value(node, predicate)
        return found if found is not None else self.record.value(node, predicate)

    def code(self, concept: URIRef) -> str:
        """A code as "label (system code)", or "system code" where it has no label."""
        notation, scheme = self._first(concept, SKOS.notation), self._first(concept, SKOS.inScheme)
        label = self.protocol.value(concept, SKOS.prefLabel)
        label = label if label is not None else self.protocol.value(concept, RDFS.label)
        coded = " ".join(str(part) for part in (scheme and self.term(scheme), notation) if part)
        if label is None:
            return coded or self.term(concept)
        if not coded or str(notation) in str(label):
            return str(label)
        return f"{label} ({coded})"

    def value(self, value) -> str:
        if isinstance(value, URIRef):
            return self.code(value)
        if isinstance(value, Literal) and value.datatype == XSD.boolean:
            return "yes" if value.toPython() else "no"
        return _number(str(value))

    def evidence(self, iri: str) -> Evidence:
        """A record item in words; one the record lacks is named by its IRI."""
        item = URIRef(iri)
        kind = self.record.value(item, RDF.type)
        code = self.record.value(item, TG.code)
        properties = sorted(
            {p for p in self.record.predicates(item) if p not in HIDDEN},
            key=lambda p: (FACT_ORDER.index(p) if p in FACT_ORDER else len(FACT_ORDER), str(p)),
        )
        facts = [
            (self.term(p), ", ".join(sorted(self.value(v) for v in self.record.objects(item, p))))
            for p in properties
        ]
        return Evidence(
            source=str(self.record.value(item, TG.sourceResource) or iri),
            kind=self.term(kind) if kind is not None else "record item",
            what=self.code(code) if code is not None else "",
            facts=facts,
            iri=iri,
        )


def patient_page(store: TrialStore, patient_id: str) -> PatientPage:
    """Everything the patient page shows."""
    stored = stored_result(store, patient_id)
    record = record_graph(store, patient_id)
    words = Words(record)
    screening = next(record.subjects(RDF.type, TG.Screening), None)
    recorded = record.value(screening, TG.screeningDate) if screening is not None else None
    subject = record.value(screening, TG.subjectStatus) if screening is not None else None
    enrolled = any(
        solution["enrolled"].value == "true"
        for solution in store.read(
            ui_query("screenings"),
            default_graph=[ox.NamedNode(ONTOLOGY_GRAPH)],  # the enrolled statuses
            named_graphs=[ox.NamedNode(record_graph_iri(patient_id))],
        )
    )
    results = []
    for cid in CRITERIA:
        criterion, outcome = criteria()[cid], stored.result.criteria.get(cid, "unknown")
        items = stored.result.evidence.get(cid, [])
        results.append(
            CriterionResult(
                id=cid,
                label=criterion.label,
                category=criterion.category,
                outcome=outcome,
                excludes=outcome == criterion.excluding_outcome,
                evidence=[words.evidence(item["iri"]) for item in items if "iri" in item],
                missing=[item["missing"] for item in items if "missing" in item],
            )
        )
    return PatientPage(
        patient=patient_id,
        status=stored.result.status,
        as_of=stored.as_of,
        screening_date=str(recorded) if recorded is not None else None,
        subject_status=str(subject) if subject is not None else None,
        enrolled=enrolled,
        criteria=results,
    )

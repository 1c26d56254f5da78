"""Each stored patient's screening as one row: status, enrolment and criterion outcomes, read
from the store with ui/queries/ (by graph name, as TrialGraph reads its own graphs) and kept
until the store's next write. The dashboard's grid and every count of patients
(trialgraph.aggregates) come from these rows.

Enrolled means a ResearchSubject status the study lists as tg:enrolledSubjectStatus
(ontology/protocol.ttl), read by ui/queries/screenings.rq.
"""

import threading
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from rdflib.namespace import RDFS

from trialgraph.namespaces import TG, TGP
from trialgraph.ontology import protocol_graph
from trialgraph.screening import CRITERIA
from trialgraph.store import TrialStore


@dataclass
class PatientRow:
    """One patient's line of the grid."""

    patient: str
    status: str = ""
    enrolled: bool = False
    outcomes: dict[str, str] = field(default_factory=dict)


@cache
def ui_query(name: str) -> str:
    """The text of one of the workspace's queries (ui/queries/NAME.rq)."""
    return files("trialgraph").joinpath(f"ui/queries/{name}.rq").read_text(encoding="utf-8")


@cache
def _labels() -> dict[str, str]:
    """Status and outcome values by IRI as their labels, criteria by IRI as their ids."""
    graph = protocol_graph()
    found = {str(node): str(label) for node, label in graph.subject_objects(RDFS.label)}
    return found | {str(node): str(cid) for node, cid in graph.subject_objects(TG.criterionId)}


@cache
def excluding_outcomes() -> dict[str, str]:
    """By criterion id, the outcome that makes a patient ineligible (tg:excludingOutcome of its
    category: not-met for an inclusion, met for an exclusion)."""
    graph, labels = protocol_graph(), _labels()
    found = {}
    for criterion in graph.objects(TGP.study, TG.hasCriterion):
        category = graph.value(criterion, TG.criterionCategory)
        outcome = graph.value(category, TG.excludingOutcome)
        found[str(graph.value(criterion, TG.criterionId))] = labels[str(outcome)]
    return {cid: found[cid] for cid in CRITERIA}


_cache: dict[int, tuple[int, list[PatientRow]]] = {}
_cache_lock = threading.Lock()


def _read_rows(store: TrialStore) -> list[PatientRow]:
    labels, rows = _labels(), {}
    for solution in store.read(ui_query("screenings")):
        row = rows.setdefault(solution["screening"].value, PatientRow(solution["patient"].value))
        row.enrolled = row.enrolled or solution["enrolled"].value == "true"
    for solution in store.read(ui_query("outcomes")):
        row = rows.get(solution["screening"].value)
        if row is not None:
            row.status = labels[solution["status"].value]
            row.outcomes[labels[solution["criterion"].value]] = labels[solution["outcome"].value]
    found = sorted((row for row in rows.values() if row.status), key=lambda row: row.patient)
    for row in found:
        row.outcomes = {cid: row.outcomes[cid] for cid in CRITERIA if cid in row.outcomes}
    return found


def patient_rows(store: TrialStore) -> list[PatientRow]:
    """Every screened patient's row, sorted by id; read again only when the store has changed."""
    with _cache_lock:
        cached = _cache.get(id(store))
        if cached and cached[0] == store.generation:
            return cached[1]
        generation = store.generation
    found = _read_rows(store)
    with _cache_lock:
        _cache[id(store)] = (generation, found)
    return found

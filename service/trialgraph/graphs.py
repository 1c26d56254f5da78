"""The named graphs of the store and how their IRIs are made.

- `graph/ontology`: ontology/*.ttl (the ontology, protocol and value sets)
- `graph/shapes`: shapes/*.ttl
- `graph/record/{patient id}`: one patient's record, as trialgraph.fhir or trialgraph.records
  make it
- `graph/run/{run id}`: one screening run's results (trialgraph.report.results_graph), holding
  only the assessments that are still current
"""

from urllib.parse import quote, unquote

from trialgraph.fhir import PATIENT_BASE

GRAPH_BASE = "https://w3id.org/trialgraph/graph/"
ONTOLOGY_GRAPH = GRAPH_BASE + "ontology"
SHAPES_GRAPH = GRAPH_BASE + "shapes"
PUBLIC_GRAPHS = (ONTOLOGY_GRAPH, SHAPES_GRAPH)
RECORD_BASE = GRAPH_BASE + "record/"
RUN_BASE = GRAPH_BASE + "run/"
RUN_NODE_BASE = "https://w3id.org/trialgraph/results/run/"


def record_graph(patient_id: str) -> str:
    """The IRI of a patient's record graph."""
    return RECORD_BASE + quote(patient_id, safe="")


def patient_of(graph: str) -> str | None:
    """The patient id of a record graph IRI, or None if it is not one."""
    return unquote(graph[len(RECORD_BASE) :]) if graph.startswith(RECORD_BASE) else None


def patient_iri(patient_id: str) -> str:
    """The IRI of a patient, as the FHIR mapper makes it."""
    return PATIENT_BASE + quote(patient_id, safe="")


def run_graph(run: str) -> str:
    """The graph IRI of a screening run, from the run node's IRI (…/results/run/{run id})."""
    return RUN_BASE + run.rsplit("/", 1)[-1]

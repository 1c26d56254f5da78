"""Screening results for people and graphs: a patient-by-criterion table, and the results graph
(outcomes, evidence, missing data, the run's PROV-O provenance and its W3C SHACL validation
report) in the ontology's terms."""

from datetime import UTC, date, datetime
from urllib.parse import quote

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from trialgraph.namespaces import PREFIXES, TG, TGP
from trialgraph.ontology import protocol_graph
from trialgraph.screening import CRITERIA, PatientScreening
from trialgraph.shacl_report import add_validation_report

SYMBOLS = {"met": "+", "not-met": "-", "unknown": "?", "not-applicable": "n/a"}
OUTCOMES = {
    "met": TG.met,
    "not-met": TG.notMet,
    "unknown": TG.unknown,
    "not-applicable": TG.notApplicable,
}
STATUSES = {"eligible": TG.eligible, "ineligible": TG.ineligible, "undetermined": TG.undetermined}
RESULTS = "https://w3id.org/trialgraph/results/"


def results_table(results: list[PatientScreening]) -> str:
    """A readable grid: one row per patient, one column per criterion (+ met, - not met)."""
    width = max([len("patient"), *(len(r.patient) for r in results)])
    header = f"{'patient':<{width}}  {'status':<12}  " + " ".join(f"{c:>4}" for c in CRITERIA)
    lines = [header, "-" * len(header)]
    for result in results:
        cells = " ".join(f"{SYMBOLS[result.criteria.get(c, 'unknown')]:>4}" for c in CRITERIA)
        lines.append(f"{result.patient:<{width}}  {result.status:<12}  {cells}")
    lines.append("+ met   - not met   ? unknown   n/a not applicable (exclusions: + excludes)")
    return "\n".join(lines)


def results_graph(results: list[PatientScreening], as_of: date) -> Graph:
    """The results of one run as RDF, with the run's time, protocol version and parameters."""
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "prov": PROV}.items():
        graph.bind(prefix, namespace)
    started = datetime.now(UTC)
    run = URIRef(f"{RESULTS}run/{started.strftime('%Y%m%dT%H%M%S%f')}")
    protocol = protocol_graph()
    graph.add((run, RDF.type, TG.ScreeningRun))
    graph.add((run, PROV.startedAtTime, Literal(started.isoformat(), datatype=XSD.dateTime)))
    graph.add((run, TG.asOfDate, Literal(as_of.isoformat(), datatype=XSD.date)))
    graph.add((run, TG.protocolVersion, protocol.value(TGP.study, TG.protocolVersion)))
    for parameter, value in protocol.subject_objects(TG.parameterValue):
        setting = URIRef(f"{run}/parameter/{parameter.split('/')[-1]}")
        graph.add((run, TG.usedParameterValue, setting))
        graph.add((setting, RDF.type, TG.ParameterSetting))
        graph.add((setting, TG.ofParameter, parameter))
        graph.add((setting, TG.parameterValue, value))
    report = URIRef(f"{run}/report")
    add_validation_report(graph, report, results)
    graph.add((report, PROV.wasGeneratedBy, run))
    for result in results:
        if result.derived:
            graph.parse(data=result.derived, format="nt")
        assessment = URIRef(f"{run}/patient/{quote(result.patient, safe='')}")
        graph.add((assessment, RDF.type, TG.EligibilityAssessment))
        graph.add((assessment, PROV.wasGeneratedBy, run))
        graph.add((assessment, TG.assessedScreening, URIRef(result.screening)))
        graph.add((assessment, TG.eligibilityStatus, STATUSES[result.status]))
        for criterion in CRITERIA:
            outcome = URIRef(f"{assessment}/{criterion}")
            graph.add((assessment, TG.hasOutcome, outcome))
            graph.add((outcome, RDF.type, TG.CriterionOutcome))
            graph.add((outcome, TG.forCriterion, TGP[criterion]))
            graph.add((outcome, TG.outcomeValue, OUTCOMES[result.criteria[criterion]]))
            for item in result.evidence.get(criterion, []):
                if "missing" in item:
                    graph.add((outcome, TG.missingData, Literal(item["missing"])))
                else:
                    graph.add((outcome, TG.evidence, URIRef(item["iri"])))
    return graph

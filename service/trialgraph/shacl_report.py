"""The W3C SHACL validation report of screened patients, from their `ReportResult`s (which
the batch engine's constraints give, as pySHACL would; tests/test_engines_agree.py). Any
result, warnings included, makes `sh:conforms` false, as SHACL defines it."""

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from trialgraph.screening import PatientScreening


def add_validation_report(
    graph: Graph, report: URIRef | BNode, results: list[PatientScreening]
) -> None:
    """Add to the graph the report node and a result per violated or undecided criterion."""
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(not any(r.report for r in results))))
    for screened in results:
        for found in screened.report:
            result = BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, URIRef(screened.screening)))
            graph.add((result, SH.sourceShape, URIRef(found.shape)))
            graph.add((result, SH.resultSeverity, URIRef(found.severity)))
            graph.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            graph.add((result, SH.value, URIRef(found.value)))
            graph.add((result, SH.resultMessage, Literal(found.message)))


def validation_report(results: list[PatientScreening]) -> Graph:
    """The validation report graph of these patients' results."""
    report = Graph()
    report.bind("sh", SH)
    add_validation_report(report, BNode(), results)
    return report

"""The W3C SHACL validation report of screened patients, from their `ReportResult`s (which
the batch engine's constraints give, as pySHACL would; tests/test_engines_agree.py). As in
the results graph, any result makes `sh:conforms` false."""

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from trialgraph.screening import PatientScreening


def validation_report(results: list[PatientScreening]) -> Graph:
    """The validation report graph of these patients' results."""
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not any(r.report for r in results))))
    for screened in results:
        for found in screened.report:
            result = BNode()
            report.add((node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, URIRef(screened.screening)))
            report.add((result, SH.sourceShape, URIRef(found.shape)))
            report.add((result, SH.resultSeverity, URIRef(found.severity)))
            report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            report.add((result, SH.value, URIRef(found.value)))
            report.add((result, SH.resultMessage, Literal(found.message)))
    return report

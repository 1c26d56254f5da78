"""The W3C SHACL validation report of records, from the batch engine's constraint results
(the same results pySHACL gives; tests/test_engines_agree.py). As in the reference engine
(`allow_warnings`), warnings alone leave `sh:conforms` true."""

from datetime import date

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from trialgraph.screening import batch_engine, run_graph


def _term(term) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def validation_report(records: list[Graph], as_of: date) -> Graph:
    """Screen the records and return the validation report graph."""
    engine = batch_engine()
    rows = engine.violations(engine.run([run_graph(as_of), *records]))
    report = Graph()
    report.bind("sh", SH)
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not any(row[1] == SH.Violation for row in rows))))
    for shape, severity, focus, value, message in rows:
        result = BNode()
        report.add((node, SH.result, result))
        report.add((result, RDF.type, SH.ValidationResult))
        report.add((result, SH.sourceShape, shape))
        report.add((result, SH.resultSeverity, severity))
        report.add((result, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        report.add((result, SH.focusNode, _term(focus)))
        report.add((result, SH.value, _term(value)))
        report.add((result, SH.resultMessage, _term(message)))
    return report

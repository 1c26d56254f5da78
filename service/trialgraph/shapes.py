"""The eligibility shapes (shapes/*.ttl): their graph, and their SPARQL rules and constraints
in the order SHACL-AF runs them (shape sh:order, then rule sh:order)."""

from dataclasses import dataclass
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from trialgraph.ontology import load_graph
from trialgraph.resources import shapes_dir


@dataclass(frozen=True)
class SparqlRule:
    """One sh:SPARQLRule: its shape, its place in the run order and its CONSTRUCT query."""

    shape: URIRef
    order: tuple[float, float]
    construct: str


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:SPARQLConstraint: its shape, the shape's severity, and its SELECT query."""

    shape: URIRef
    severity: URIRef
    select: str


@cache
def shapes_graph() -> Graph:
    """Return all shapes as one graph (parsed once, read-only)."""
    return load_graph(sorted(shapes_dir().glob("*.ttl")))


def declared_prefixes(graph: Graph) -> dict[str, str]:
    """Return the sh:declare prefixes of the shapes graph."""
    return {
        str(graph.value(declaration, SH.prefix)): str(graph.value(declaration, SH.namespace))
        for declaration in graph.objects(None, SH.declare)
    }


def _order(graph: Graph, node) -> float:
    value = graph.value(node, SH.order)
    return float(value) if value is not None else 0.0


def sparql_rules(graph: Graph) -> list[SparqlRule]:
    """Return every SPARQL rule of the shapes, in execution order."""
    rules = [
        SparqlRule(shape, (_order(graph, shape), _order(graph, rule)), str(query))
        for shape, rule in graph.subject_objects(SH.rule)
        for query in graph.objects(rule, SH.construct)
    ]
    return sorted(rules, key=lambda rule: (rule.order, str(rule.shape)))


def sparql_constraints(graph: Graph) -> list[SparqlConstraint]:
    """Return every SPARQL constraint of the shapes."""
    return [
        SparqlConstraint(shape, graph.value(shape, SH.severity) or SH.Violation, str(query))
        for shape, constraint in graph.subject_objects(SH.sparql)
        for query in graph.objects(constraint, SH.select)
    ]

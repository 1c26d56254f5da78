"""`trialgraph check`: every data file parses, uses real SHACL terms, passes the QC rules,
every canned query's header is well formed, and the ontology is consistent with no
unsatisfiable class under HermiT."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery

from trialgraph.canned import QueryFileError, parse_query
from trialgraph.ontology import load_graph, ontology_files
from trialgraph.reasoner import check_with_hermit
from trialgraph.resources import data_root, queries_dir


@dataclass(frozen=True)
class Problem:
    """One failed check: where, and what is wrong."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def turtle_files() -> list[Path]:
    root = data_root()
    return sorted((root / "ontology").glob("**/*.ttl")) + sorted((root / "shapes").glob("**/*.ttl"))


def query_files() -> list[Path]:
    return sorted(queries_dir().glob("**/*.rq"))


def qc_rules() -> list[Path]:
    return sorted((queries_dir() / "qc").glob("*-violation.rq"))


def check_parsing() -> Iterator[Problem]:
    """Every Turtle and SPARQL file parses."""
    for path in turtle_files():
        try:
            Graph().parse(path, format="turtle")
        except Exception as error:  # rdflib raises many unrelated types for bad syntax
            yield Problem(path.name, f"does not parse as Turtle: {error}")
    for path in query_files():
        try:
            prepareQuery(path.read_text(encoding="utf-8"))
        except Exception as error:  # pyparsing and rdflib errors alike
            yield Problem(path.name, f"does not parse as SPARQL: {error}")


def check_canned_queries() -> Iterator[Problem]:
    """Every query file with a `#+` header is a well-formed canned query (README)."""
    for path in sorted(queries_dir().glob("*.rq")):
        try:
            parse_query(path.stem, path.read_text(encoding="utf-8"))
        except QueryFileError as error:
            yield Problem(path.name, str(error))


def unknown_shacl_terms(graph: Graph) -> set[URIRef]:
    """Return the terms of the SHACL namespace used in the graph that SHACL does not define."""
    used = {term for triple in graph for term in triple if isinstance(term, URIRef)}
    return {term for term in used if term.startswith(str(SH)) and term not in SH}


def check_shacl_terms() -> Iterator[Problem]:
    """Every sh: term used in a Turtle file exists in the SHACL vocabulary."""
    for path in turtle_files():
        try:
            graph = Graph().parse(path, format="turtle")
        except Exception:  # reported by check_parsing
            continue
        for term in sorted(unknown_shacl_terms(graph)):
            yield Problem(path.name, f"{term} is not a SHACL term")


def run_qc_rule(rule: Path, graph: Graph) -> list[str]:
    """Run one QC rule on a graph; each row it returns is one violation, as text."""
    rows = graph.query(rule.read_text(encoding="utf-8"))
    return [" ".join(str(value) for value in row if value is not None) for row in rows]


def check_qc_rules(graph: Graph) -> Iterator[Problem]:
    """No QC rule finds a violation in the ontology."""
    for rule in qc_rules():
        for row in run_qc_rule(rule, graph):
            yield Problem(rule.name, row)


def check_reasoner(graph: Graph) -> Iterator[Problem]:
    """The ontology is consistent and has no unsatisfiable classes under HermiT."""
    report = check_with_hermit(graph)
    if not report.consistent:
        yield Problem("HermiT", f"the ontology is inconsistent: {report.message}")
    for iri in report.unsatisfiable:
        yield Problem("HermiT", f"{iri} is unsatisfiable")


def run_checks(reasoner: bool = True) -> list[Problem]:
    """Run every check and return the problems found (none means the data are sound)."""
    problems = list(check_parsing()) + list(check_shacl_terms()) + list(check_canned_queries())
    if problems:
        return problems
    graph = load_graph(ontology_files())
    problems += check_qc_rules(graph)
    if reasoner:
        problems += check_reasoner(graph)
    return problems

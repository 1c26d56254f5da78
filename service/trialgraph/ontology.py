"""Load the protocol knowledge graph: the ontology, the protocol and its value sets."""

from functools import cache
from pathlib import Path

from rdflib import Graph

from trialgraph.namespaces import PREFIXES
from trialgraph.resources import ontology_dir


def ontology_files() -> list[Path]:
    """Return the Turtle files of the ontology folder, in a stable order."""
    return sorted(ontology_dir().glob("*.ttl"))


def load_graph(files: list[Path]) -> Graph:
    """Parse Turtle files into one graph with TrialGraph's prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for path in files:
        graph.parse(path, format="turtle")
    return graph


@cache
def protocol_graph() -> Graph:
    """Return the ontology, protocol and value sets as one graph (parsed once, read-only)."""
    return load_graph(ontology_files())

"""Shared fixtures: the repository layout and the protocol graph."""

from pathlib import Path

import pytest
from rdflib import Graph

from trialgraph.ontology import protocol_graph

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.fixture(scope="session")
def ontology() -> Graph:
    """The ontology, protocol and value sets as one read-only graph."""
    return protocol_graph()

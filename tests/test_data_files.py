"""Every data file parses and uses only real SHACL terms."""

import pytest
from rdflib import Graph

from tests.conftest import TESTS
from trialgraph.check import (
    check_parsing,
    check_shacl_terms,
    query_files,
    turtle_files,
    unknown_shacl_terms,
)


@pytest.mark.parametrize("path", turtle_files(), ids=lambda p: p.name)
def test_turtle_file_parses(path):
    assert len(Graph().parse(path, format="turtle")) > 0, f"{path.name} is empty"


def test_every_turtle_and_query_file_parses():
    assert list(check_parsing()) == []


def test_query_files_are_found():
    assert query_files(), "no .rq file found: the packaged queries folder is missing"


def test_no_unknown_shacl_terms():
    assert list(check_shacl_terms()) == []


def test_misspelt_shacl_term_is_caught():
    graph = Graph().parse(TESTS / "qc_bad" / "misspelt-shacl-term.ttl")
    assert {term.split("#")[1] for term in unknown_shacl_terms(graph)} == {"minCount1", "SPARQLRul"}

"""Canned queries (trialgraph.canned): the `#+` header format and the conversion of parameter
values to RDF terms. tests/test_canned_queries.py runs the shipped queries on a store."""

import pyoxigraph as ox
import pytest

from trialgraph.canned import (
    Param,
    ParameterError,
    QueryFileError,
    UnknownQuery,
    canned_queries,
    canned_query,
    convert,
    parse_query,
)
from trialgraph.check import check_canned_queries

INJECTION = 'EX4" } ; DELETE WHERE { ?s ?p ?o } #'
XSD = "http://www.w3.org/2001/XMLSchema#"


def test_unknown_query():
    with pytest.raises(UnknownQuery):
        canned_query("no-such-query")


@pytest.mark.parametrize(
    ("kind", "text", "term"),
    [
        ("string", INJECTION, ox.Literal(INJECTION)),
        ("integer", "-42", ox.Literal("-42", datatype=ox.NamedNode(XSD + "integer"))),
        ("date", "2025-02-28", ox.Literal("2025-02-28", datatype=ox.NamedNode(XSD + "date"))),
        ("iri", "https://example.org/a", ox.NamedNode("https://example.org/a")),
        ("criterion", "EX4", ox.NamedNode("https://w3id.org/trialgraph/protocol/EX4")),
    ],
)
def test_values_become_terms_of_their_type(kind, text, term):
    criteria = {"EX4": "https://w3id.org/trialgraph/protocol/EX4"}
    assert convert(Param("p", kind, False, ""), text, criteria) == term


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("integer", "4.5"),
        ("integer", "1 OR 1=1"),
        ("integer", "٣"),
        ("date", "2025-02-30"),
        ("date", "20250228"),
        ("iri", "not an iri"),
        ("iri", "relative/path"),
        ("iri", "https://example.org/> } ; DROP ALL #"),
        ("criterion", "ex4"),
    ],
)
def test_values_not_of_their_type_are_refused(kind, text):
    with pytest.raises(ParameterError) as refused:
        convert(
            Param("p", kind, False, ""), text, {"EX4": "https://w3id.org/trialgraph/protocol/EX4"}
        )
    assert refused.value.parameter == "p"


# --- the header format ---------------------------------------------------------------------

QUERY = """PREFIX tg: <https://w3id.org/trialgraph/ontology#>
SELECT ?s ?id WHERE { ?s tg:patientId ?id ; ?p ?o }
"""


def test_header_is_parsed():
    text = (
        "#+ summary: Patients by id.\n"
        "#+ params: ?id (string, optional): a patient id\n"
        "#+ params: ?s (iri): a patient\n"
        "#+ aggregate: false\n" + QUERY
    )
    query = parse_query("by-id", text)
    assert query.summary == "Patients by id."
    assert query.params == (
        Param("id", "string", True, "a patient id"),
        Param("s", "iri", False, "a patient"),
    )
    assert not query.aggregate


def test_every_query_file_header_is_well_formed():
    assert list(check_canned_queries()) == []


def test_a_file_without_header_is_not_a_canned_query():
    assert parse_query("plain", "# a comment\n" + QUERY) is None


def test_outcomes_rq_is_the_engine_reader_not_a_canned_query():
    assert "outcomes" not in canned_queries()


@pytest.mark.parametrize(
    ("name", "header", "query"),
    [
        ("no-summary", "#+ params: none\n", QUERY),
        ("no-params", "#+ summary: x\n", QUERY),
        ("two-summaries", "#+ summary: x\n#+ summary: y\n#+ params: none\n", QUERY),
        ("unknown-key", "#+ summary: x\n#+ params: none\n#+ method: GET\n", QUERY),
        ("unknown-type", "#+ summary: x\n#+ params: ?id (uuid): an id\n", QUERY),
        ("unprojected-param", "#+ summary: x\n#+ params: ?o (string): not projected\n", QUERY),
        ("twice-declared", "#+ summary: x\n#+ params: ?id (string)\n#+ params: ?id (iri)\n", QUERY),
        ("bad-param-line", "#+ summary: x\n#+ params: id string\n", QUERY),
        ("bad-aggregate", "#+ summary: x\n#+ params: none\n#+ aggregate: yes\n", QUERY),
        ("not-key-value", "#+ summary x\n#+ params: none\n", QUERY),
        ("construct", "#+ summary: x\n#+ params: none\n", "CONSTRUCT WHERE { ?s ?p ?o }"),
        ("malformed", "#+ summary: x\n#+ params: none\n", "SELECT ?s WHERE { ?s "),
        (
            "service",
            "#+ summary: x\n#+ params: none\n",
            "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        ),
        ("Bad_Name", "#+ summary: x\n#+ params: none\n", QUERY),
    ],
)
def test_header_errors_are_caught(name, header, query):
    with pytest.raises(QueryFileError):
        parse_query(name, header + query)

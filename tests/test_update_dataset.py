"""trialgraph.update_dataset: where the protocol's USING clauses go, and the check that refuses
an update when they would not be where they belong."""

import pytest

from trialgraph import update_dataset
from trialgraph.update_dataset import DatasetConflict, with_dataset

CLAUSES = "USING <urn:d> USING NAMED <urn:n> "


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (
            "INSERT { ?s a <urn:x> } WHERE { ?s ?p ?o }",
            f"INSERT {{ ?s a <urn:x> }} {CLAUSES}WHERE {{ ?s ?p ?o }}",
        ),
        (
            "CLEAR ALL ; INSERT DATA { <urn:a> <urn:b> 'WHERE' } ;\n"
            "DELETE { ?s <urn:where> 'WHERE {' } INSERT { ?s ex:WHERE ?o } where{ ?s ?p ?o "
            "FILTER(?o<3) { SELECT ?s WHERE { ?s ?p ?o } } } # WHERE {",
            "CLEAR ALL ; INSERT DATA { <urn:a> <urn:b> 'WHERE' } ;\n"
            f"DELETE {{ ?s <urn:where> 'WHERE {{' }} INSERT {{ ?s ex:WHERE ?o }} {CLAUSES}where{{ "
            "?s ?p ?o FILTER(?o<3) { SELECT ?s WHERE { ?s ?p ?o } } } # WHERE {",
        ),
    ],
    ids=["one", "strings-iris-comments-subquery"],
)
def test_clauses_go_before_each_modify_where(update, expected):
    update = "PREFIX ex: <urn:ex:> " + update
    assert with_dataset(update, ["urn:d"], ["urn:n"]) == "PREFIX ex: <urn:ex:> " + expected


def test_no_parameters_leave_the_update_alone():
    assert with_dataset("DELETE WHERE { ?s ?p ?o }", [], []) == "DELETE WHERE { ?s ?p ?o }"


def test_a_misplaced_clause_is_refused(monkeypatch):
    """The safety net: if the lexer ever finds the wrong place, nothing runs."""
    monkeypatch.setattr(update_dataset, "_where_places", lambda text: [text.index("?o")])
    with pytest.raises(DatasetConflict, match="could not apply"):
        with_dataset("INSERT { ?s a <urn:x> } WHERE { ?s ?p ?o }", ["urn:d"], [])


def test_an_iri_that_would_break_the_text_is_refused():
    with pytest.raises(DatasetConflict, match="not an absolute IRI"):
        with_dataset("INSERT { ?s a <urn:x> } WHERE { ?s ?p ?o }", ["urn:d> } ; DROP ALL"], [])

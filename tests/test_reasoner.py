"""HermiT finds the ontology consistent, and would notice if it were not."""

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from trialgraph.namespaces import TG
from trialgraph.reasoner import check_with_hermit


def with_extra(ontology: Graph, *triples) -> Graph:
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    for triple in triples:
        graph.add(triple)
    return graph


@pytest.mark.slow
def test_ontology_is_consistent_with_no_unsatisfiable_class(ontology):
    report = check_with_hermit(ontology)
    assert report.consistent, report.message
    assert report.unsatisfiable == []


@pytest.mark.slow
def test_an_individual_in_two_disjoint_classes_is_inconsistent(ontology):
    thing = URIRef("urn:test:thing")
    graph = with_extra(ontology, (thing, RDF.type, TG.Patient), (thing, RDF.type, TG.RecordItem))
    assert not check_with_hermit(graph).consistent


@pytest.mark.slow
def test_a_class_under_two_disjoint_classes_is_unsatisfiable(ontology):
    both = URIRef("urn:test:PatientRecordItem")
    graph = with_extra(
        ontology,
        (both, RDF.type, OWL.Class),
        (both, RDFS.subClassOf, TG.ConditionRecord),
        (both, RDFS.subClassOf, TG.ConsentRecord),
    )
    report = check_with_hermit(graph)
    assert report.consistent
    assert report.unsatisfiable == [str(both)]

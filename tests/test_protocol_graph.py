"""The protocol is in the graph as data: criteria, parameters, value sets, equivalences."""

from decimal import Decimal

import pytest
from rdflib import Literal

from trialgraph.namespaces import TG, TGI, TGP

CRITERIA = [f"IN{n}" for n in range(1, 8)] + [f"EX{n}" for n in range(1, 12)]

PARAMETERS = {  # eligibility-spec.md section 4
    "lab_window_days": 28,
    "activity_window_days": 30,
    "steroid_window_days": 7,
    "steroid_limit_mg": 20,
    "min_failed_agents": 2,
    "min_sledai": 8,
    "min_age_years": 18,
    "liver_uln_multiple": 3,
    "bilirubin_limit_mg_dl": 2,
    "min_fold_expansion": 5,
}

PREDNISONE_EQUIVALENT_MG = {  # eligibility-spec.md, EX5 details
    "prednisone": "5",
    "prednisolone": "5",
    "methylprednisolone": "4",
    "triamcinolone": "4",
    "hydrocortisone": "20",
    "cortisone": "25",
    "dexamethasone": "0.75",
    "betamethasone": "0.75",
    "deflazacort": "6",
}

FIND_BY_LABEL = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX tg: <https://w3id.org/trialgraph/ontology#>
SELECT ?criterion ?text ?rule ?category WHERE {
  ?criterion rdfs:label ?label ; tg:registeredText ?text ; tg:computableRule ?rule ;
             tg:criterionCategory/rdfs:label ?category .
  FILTER(CONTAINS(LCASE(?label), LCASE(?search)))
}
"""


def test_study_has_the_18_registered_criteria(ontology):
    ids = {
        str(ontology.value(c, TG.criterionId)) for c in ontology.objects(TGP.study, TG.hasCriterion)
    }
    assert ids == set(CRITERIA)


@pytest.mark.parametrize("criterion", CRITERIA)
def test_criterion_has_category_matching_its_id(criterion, ontology):
    category = ontology.value(TGP[criterion], TG.criterionCategory)
    assert category == (TG.inclusion if criterion.startswith("IN") else TG.exclusion)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("age 18", "IN1"),
        ("sledai", "IN3"),
        ("hepatitis", "EX4"),
        ("gene therapy", "EX6"),
        ("bilirubin above", "EX8c"),
        ("HIV", "EX10"),
    ],
)
def test_criterion_is_found_by_label_with_its_text_and_rule(search, expected, ontology):
    rows = list(ontology.query(FIND_BY_LABEL, initBindings={"search": Literal(search)}))
    assert [row.criterion for row in rows] == [TGP[expected]]
    assert rows[0].text and rows[0].rule


@pytest.mark.parametrize(
    ("parent", "parts", "combination"),
    [
        ("IN2", {"IN2a", "IN2b"}, TG.kleeneAnd),
        ("EX2", {"EX2a", "EX2b"}, TG.kleeneOr),
        ("EX8", {"EX8a", "EX8b", "EX8c"}, TG.kleeneOr),
    ],
)
def test_combined_criteria_have_their_parts(parent, parts, combination, ontology):
    found = {
        str(ontology.value(p, TG.criterionId)) for p in ontology.objects(TGP[parent], TG.hasPart)
    }
    assert found == parts
    assert ontology.value(TGP[parent], TG.combination) == combination


@pytest.mark.parametrize(("name", "value"), PARAMETERS.items())
def test_parameter_has_its_default(name, value, ontology):
    parameter = TGP[name]
    assert ontology.value(parameter, TG.parameterName) == Literal(name)
    assert ontology.value(parameter, TG.parameterValue).toPython() == value


def test_qtc_limits_by_sex(ontology):
    assert ontology.value(TGP.qtc_limit_ms_female, TG.parameterValue).toPython() == 470
    assert ontology.value(TGP.qtc_limit_ms_female, TG.appliesToSex) == Literal("female")
    assert ontology.value(TGP.qtc_limit_ms, TG.parameterValue).toPython() == 450
    assert ontology.value(TGP.qtc_limit_ms, TG.appliesToSex) is None


@pytest.mark.parametrize(("ingredient", "dose"), PREDNISONE_EQUIVALENT_MG.items())
def test_prednisone_equivalence(ingredient, dose, ontology):
    assert ontology.value(TGI[ingredient], TG.prednisoneEquivalentMg).toPython() == Decimal(dose)


def test_enrolled_subject_statuses_are_those_of_fhir_intake(ontology):
    # fhir-intake.md, ResearchSubject: on-study, on-study-intervention or follow-up is enrolled.
    statuses = {str(s) for s in ontology.objects(TGP.study, TG.enrolledSubjectStatus)}
    assert statuses == {"on-study", "on-study-intervention", "follow-up"}


@pytest.mark.parametrize(
    ("category", "outcome"), [(TG.inclusion, TG.notMet), (TG.exclusion, TG.met)]
)
def test_category_names_the_outcome_that_excludes(category, outcome, ontology):
    # eligibility-spec.md section 1: ineligible if an inclusion is not-met or an exclusion met.
    assert list(ontology.objects(category, TG.excludingOutcome)) == [outcome]

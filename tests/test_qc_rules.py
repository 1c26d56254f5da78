"""The ontology passes every QC rule, and each rule catches its known-bad example."""

import pytest
from rdflib import Graph

from tests.conftest import TESTS
from trialgraph.check import qc_rules, run_qc_rule

BAD_EXAMPLES = TESTS / "qc_bad"


def rule_id(path):
    return path.stem


def test_there_are_qc_rules():
    assert len(qc_rules()) >= 5


@pytest.mark.parametrize("rule", qc_rules(), ids=rule_id)
def test_ontology_passes(rule, ontology):
    rows = run_qc_rule(rule, ontology)
    assert rows == [], f"{rule.name}: {rows[:5]}"


@pytest.mark.parametrize("rule", qc_rules(), ids=rule_id)
def test_rule_opens_with_one_comment_line_stating_it(rule):
    first, second = rule.read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# ") and len(first) > 20, f"{rule.name} has no rule comment"
    assert not second.startswith("#"), f"{rule.name}: the rule comment is one line"


@pytest.mark.parametrize("rule", qc_rules(), ids=rule_id)
def test_rule_catches_its_known_bad_example(rule):
    example = BAD_EXAMPLES / f"{rule.stem}.ttl"
    assert example.exists(), f"{rule.name} has no known-bad example {example.name}"
    rows = run_qc_rule(rule, Graph().parse(example))
    assert rows, f"{rule.name} found nothing wrong in {example.name}"

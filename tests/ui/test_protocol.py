"""Protocol pages (trialgraph.ui.protocol): the study, and per criterion the registered text,
the rule in words, parameters, value sets with codes, labels and code systems, and the shapes.
Readable without a token."""

import pytest
from markupsafe import escape
from rdflib import Graph
from rdflib.namespace import SH

from trialgraph.screening import CRITERIA
from trialgraph.ui.protocol import criteria


def test_protocol_page_lists_the_18_criteria(as_role):
    page = as_role(None).get("/ui/protocol")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for cid in CRITERIA:
        assert f'href="/ui/criteria/{cid}"' in text, f"no link to {cid}"
    twin = as_role(None).get("/ui/protocol.json").get_json()
    assert [c["id"] for c in twin["study"]["criteria"]] == CRITERIA
    assert twin["study"]["version"] == "1.0.0"


@pytest.mark.parametrize("cid", CRITERIA)
def test_criterion_page_shows_text_rule_parameters_value_sets_and_shapes(as_role, cid):
    page = as_role(None).get(f"/ui/criteria/{cid}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    criterion = criteria()[cid]
    for part in [criterion, *criterion.parts]:
        assert escape(part.registered_text) in text, f"{part.id}: no registered text"
        assert escape(part.rule) in text, f"{part.id}: no rule"
        for parameter in part.parameters:
            assert f"<code>{parameter.name}</code>" in text
        for value_set in part.value_sets:
            assert f"tgvs:{value_set.name}" in text
            for code in value_set.codes:
                assert f"<code>{code.code}</code>" in text, f"{value_set.name}: {code.code}"
        assert part.shapes, f"{part.id}: no shape decides it"
        for shape in part.shapes:
            assert f"tgsh:{shape.name}" in text


def test_criterion_twin_has_codes_with_labels_and_systems(as_role):
    twin = as_role(None).get("/ui/criteria/EX4.json").get_json()["criterion"]
    hbsag = next(vs for vs in twin["value_sets"] if vs["name"] == "hbsag")
    code = next(code for code in hbsag["codes"] if code["code"] == "5196-1")
    assert code["system"] == "LOINC" and code["label"]
    window = next(p for p in twin["parameters"] if p["name"] == "lab_window_days")
    assert (window["value"], window["unit"]) == ("28", "d")


def test_code_ranges_and_prefix_matching_are_shown(as_role):
    twin = as_role(None).get("/ui/criteria/EX3.json").get_json()["criterion"]
    infection = next(vs for vs in twin["value_sets"] if vs["name"] == "infection")
    assert {(r["system"], r["start"], r["end"]) for r in infection["ranges"]} >= {
        ("ICD-10", "A00", "B99"),
        ("ICD-10", "J09", "J18"),
    }
    assert any(code["matches_by_prefix"] for code in infection["codes"])


def test_composite_criterion_shows_its_parts_and_the_combination(as_role):
    twin = as_role(None).get("/ui/criteria/EX8.json").get_json()["criterion"]
    assert [part["id"] for part in twin["parts"]] == ["EX8a", "EX8b", "EX8c"]
    assert [shape["name"] for shape in twin["shapes"]] == ["Combination"]
    assert twin["combination"]


@pytest.mark.parametrize("cid", ["IN1", "EX8c"])
def test_shape_text_is_the_shape_in_turtle(cid):
    criterion = criteria()["EX8"].parts[2] if cid == "EX8c" else criteria()[cid]
    graph = Graph().parse(data=criterion.shapes[0].turtle, format="turtle")
    constructs = list(graph.objects(None, SH.construct))
    assert len(constructs) == 1 and f"tgp:{cid}" in str(constructs[0])


def test_unknown_criterion_is_404_in_html_and_json(as_role):
    assert as_role(None).get("/ui/criteria/IN99").status_code == 404
    missing = as_role(None).get("/ui/criteria/IN99.json")
    assert missing.status_code == 404 and "IN99" in missing.get_json()["error"]

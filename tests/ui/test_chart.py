"""The attrition chart is SVG drawn on the server (trialgraph.ui.chart)."""

from xml.etree import ElementTree

from trialgraph.ui.chart import attrition_svg
from trialgraph.ui.dashboard import Attrition

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_one_bar_per_nonzero_count_and_a_label_per_criterion():
    items = [Attrition("IN1", 10, 4), Attrition("IN2", 3, 0), Attrition("EX1", 0, 0)]
    svg = parse(attrition_svg(items, {"IN1": "IN1 age"}))
    titles = [rect.find(f"{SVG}title").text for rect in svg.iter(f"{SVG}rect")]
    assert titles[2:] == [
        "IN1 excludes: 10 patients",
        "IN1 excludes alone: 4 patients",
        "IN2 excludes: 3 patients",
    ]
    texts = "".join(svg.itertext())
    assert "10 (alone 4)" in texts and "0 (alone 0)" in texts


def test_bars_scale_to_the_largest_count():
    svg = parse(attrition_svg([Attrition("IN1", 10, 5), Attrition("IN2", 5, 0)], {}))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")][2:]
    assert widths[0] == 2 * widths[1] == 2 * widths[2]


def test_suppressed_counts_get_a_label_but_no_bar():
    svg = parse(attrition_svg([Attrition("IN1", "<5", "<5")], {}))
    assert len(list(svg.iter(f"{SVG}rect"))) == 2, "only the legend's swatches"
    assert "<5 (alone <5)" in "".join(svg.itertext())


def test_bars_link_where_asked_and_labels_are_escaped():
    svg = parse(
        attrition_svg([Attrition("IN1", 2, 1)], {"IN1": "<b>x</b>"}, lambda c, k: f"/g?c={c}&k={k}")
    )
    assert [a.get("href") for a in svg.iter(f"{SVG}a")] == [
        "/g?c=IN1&k=excludes",
        "/g?c=IN1&k=excludes-alone",
    ]
    assert "<b>x</b>" in "".join(svg.itertext())

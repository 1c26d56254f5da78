"""The attrition chart as SVG drawn on the server: one row per criterion, a light bar for the
patients it excludes and a dark bar for those it alone excludes. A suppressed count ("<5")
gets no bar, only its label. Colours are attributes, not inline styles, so the page's
Content-Security-Policy can forbid inline styles."""

from collections.abc import Callable

from markupsafe import Markup, escape

from trialgraph.ui.dashboard import Attrition

ROW = 22
LABEL_WIDTH = 56
BAR_WIDTH = 460
VALUE_WIDTH = 150
TOP = 34
EXCLUDES_COLOUR = "#f4a582"
ALONE_COLOUR = "#b2182b"


def _bar(x: float, y: float, width: float, height: float, colour: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{colour}"><title>{escape(title)}</title></rect>'
    )


def attrition_svg(
    items: list[Attrition],
    labels: dict[str, str],
    link: Callable[[str, str], str] | None = None,
) -> Markup:
    """The chart; `link(criterion, "excludes" | "excludes-alone")` makes bars links."""
    largest = max([item.excludes for item in items if isinstance(item.excludes, int)] + [1])
    scale = BAR_WIDTH / largest
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = TOP + ROW * len(items) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="attrition-chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="Attrition: patients each criterion excludes, and excludes alone">',
        _bar(LABEL_WIDTH, 8, 14, 12, EXCLUDES_COLOUR, "excludes"),
        f'<text x="{LABEL_WIDTH + 20}" y="18" font-size="12">excludes</text>',
        _bar(LABEL_WIDTH + 110, 8, 14, 12, ALONE_COLOUR, "excludes alone"),
        f'<text x="{LABEL_WIDTH + 130}" y="18" font-size="12">excludes alone</text>',
    ]
    for index, item in enumerate(items):
        y = TOP + index * ROW
        label = labels.get(item.criterion, item.criterion)
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="12" font-family="monospace">'
            f"<title>{escape(label)}</title>{escape(item.criterion)}</text>"
        )
        for kind, value, inset, colour in (
            ("excludes", item.excludes, 0, EXCLUDES_COLOUR),
            ("excludes-alone", item.alone, 4, ALONE_COLOUR),
        ):
            if not isinstance(value, int) or value == 0:
                continue
            title = f"{item.criterion} {kind.replace('-', ' ')}: {value} patients"
            top, thickness = y + 2 + inset, ROW - 6 - 2 * inset
            bar = _bar(LABEL_WIDTH, top, value * scale, thickness, colour, title)
            target = link(item.criterion, kind) if link else None
            parts.append(f'<a href="{escape(target)}">{bar}</a>' if target else bar)
        parts.append(
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 14}" font-size="12">'
            f"{escape(str(item.excludes))} (alone {escape(str(item.alone))})</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))

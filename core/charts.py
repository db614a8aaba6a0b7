"""Charts as server-rendered SVG (pygal), for the Begroting page, the KPI trends and the council report.

pygal draws the axes, guides and lines; this wrapper then makes the SVG fit the house: no script (the CSP forbids
inline scripts) and no inline style (the look lives in static/app.css under .app-chart), role="img" with a Dutch
<title> and <desc> named by aria-labelledby, every line told apart by its dash pattern and a label at its end (never
by colour alone), an optional band (between a low and a high series) drawn as one shape, and optional marks on the
first line's points (a diamond and a word, with an entry in the legend). Pages always show the numbers as a table
next to the chart.
"""
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from decimal import Decimal
from math import ceil

import pygal
from markupsafe import Markup

SVG = "http://www.w3.org/2000/svg"
PATTERNS = ("solid", "dashed", "dotted")
#: Vertical room a label at a line's end needs, in SVG units.
LABEL_HEIGHT = 14
#: Room per character of an x label, and the width beside the plot (margins, y labels): labels that would not fit
#: side by side are slanted.
CHAR_WIDTH, BESIDE_PLOT = 7, 230
_POINT = re.compile(r"(-?\d+(?:\.\d+)?)[ ,](-?\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class Line:
    """One series: its label (also written at its last point), values per x label (None: no point), pattern."""

    label: str
    values: list
    pattern: str = "solid"


@dataclass(frozen=True)
class Band:
    """A range per x label, drawn as one shaded shape between its low and its high values."""

    label: str
    low: list
    high: list


@dataclass(frozen=True)
class Marks:
    """Points of the first line that need attention (the months an indicator is red): each gets a diamond round its
    dot and `word` above it, and the legend an entry `label`, so that the chart reads without colour."""

    label: str
    word: str
    at: list[bool]


def ticks(top, steps: int = 5, least=0) -> list[Decimal]:
    """Round ticks from 0 to at least `top`, at most `steps` of them past 0: 1, 2 or 5 times a power of ten apart,
    and no less than `least` (1 for counts)."""
    top = Decimal(str(top))
    if top <= 0:
        return [Decimal(0), Decimal(max(least, 1))]
    power = Decimal(10) ** (top / steps).adjusted()
    step = max(Decimal(least), next(power * f for f in (1, 2, 5, 10) if power * f * steps >= top))
    return [step * n for n in range(ceil(top / step) + 1)]


def whole_euros(value) -> str:
    """Dutch axis notation in whole euros: € 12.500."""
    return "€ " + f"{round(Decimal(str(value))):,}".replace(",", ".")


def line_chart(title: str, description: str, x_labels: list[str], lines: list[Line], band: Band | None = None,
               formatter=whole_euros, width: int = 760, height: int = 360, marks: Marks | None = None,
               y_labels: list | None = None) -> Markup:
    """An accessible line chart as inline SVG markup; `y_labels` fixes the ticks (whole numbers for counts)."""
    fits = max(map(len, x_labels), default=0) * CHAR_WIDTH * len(x_labels) <= width - BESIDE_PLOT
    chart = pygal.Line(js=[], disable_xml_declaration=True, width=width, height=height, show_legend=True,
                       legend_at_bottom=True, legend_at_bottom_columns=2, margin_right=150, dots_size=3,
                       value_formatter=formatter, include_x_axis=True, truncate_label=-1,
                       x_label_rotation=0 if fits else 30,
                       show_minor_y_labels=True, max_scale=6, allow_interruptions=True, no_data_text="Geen waarden",
                       y_labels=None if y_labels is None else [float(y) for y in y_labels])
    chart.x_labels = x_labels
    series = list(lines) + ([Line(band.label, band.low), Line("", band.high)] if band else [])
    series += [Line(marks.label, [None] * len(x_labels))] if marks else []  # for its legend entry only
    for line in series:
        chart.add(line.label, [None if v is None else float(v) for v in line.values])
    root = ET.fromstring(chart.render(is_unicode=True))
    chart_id = root.get("id")
    _strip(root)
    _describe(root, chart_id, title, description)
    plot = root.find(f"{{{SVG}}}g/{{{SVG}}}g[@class='plot']")
    groups = [g for g in plot if "series" in (g.get("class") or "")]
    keys = _legend_keys(root)
    for n, (line, group) in enumerate(zip(lines, groups)):
        if line.pattern not in PATTERNS:
            raise ValueError(line.pattern)
        group.set("class", f"{group.get('class')} app-chart__line app-chart__line--{line.pattern}")
        for overlay in _overlay_groups(root, n):
            overlay.set("class", f"{overlay.get('class')} app-chart__line--{line.pattern}")
        if n < len(keys):
            keys[n].set("class", f"app-chart__key app-chart__key--{line.pattern}")
    if marks:
        _marks(root, plot, groups[-1], len(series) - 1, lines[0], marks)
    if band:
        _band(root, plot, groups[len(lines)], groups[len(lines) + 1], len(lines))
    _end_labels(plot, lines, groups)
    return Markup(_serialised(root))


def _serialised(root: ET.Element) -> str:
    """The SVG as markup with its namespace as the default one. ElementTree's prefixes come from a map shared by
    the whole process (other XML, such as SEPA, registers its own), so whatever prefix it chose is taken out here."""
    text = ET.tostring(root, encoding="unicode")
    prefix = re.search(rf'xmlns(?::(\w+))?="{re.escape(SVG)}"', text).group(1)
    if not prefix:
        return text
    return re.sub(rf"(</?){prefix}:", r"\1", text).replace(f'xmlns:{prefix}="{SVG}"', f'xmlns="{SVG}"', 1)


def _strip(root: ET.Element) -> None:
    """No script, style, inline style, tooltip overlay or ids that repeat on a page with several charts."""
    for parent in root.iter():
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("script", "style") or "tooltip-overlay" in (child.get("class") or ""):
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
        if element is not root:
            element.attrib.pop("id", None)


def _describe(root: ET.Element, chart_id: str, title: str, description: str) -> None:
    for old in root.findall(f"{{{SVG}}}title"):
        root.remove(old)
    for old in root.iter(f"{{{SVG}}}g"):
        if old.get("class") == "titles":
            for child in list(old):
                old.remove(child)
    heading, desc = ET.Element(f"{{{SVG}}}title", id=f"{chart_id}-title"), ET.Element(f"{{{SVG}}}desc",
                                                                                          id=f"{chart_id}-desc")
    heading.text, desc.text = title, description
    root.insert(0, desc)
    root.insert(0, heading)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    root.set("class", "app-chart")
    root.attrib.pop("width", None)
    root.attrib.pop("height", None)


def _points(group: ET.Element) -> list[tuple[float, float]]:
    path = group.find(f"{{{SVG}}}path")
    return [] if path is None else [(float(x), float(y)) for x, y in _POINT.findall(path.get("d", ""))]


def _band(root: ET.Element, plot: ET.Element, low: ET.Element, high: ET.Element, index: int) -> None:
    """Replace the low and high series by one shape between them, and their two legend entries by one."""
    lows, highs = _points(low), _points(high)
    position = min(n for n, g in enumerate(plot) if "series" in (g.get("class") or ""))  # under every line
    for group in (low, high):
        plot.remove(group)
    for overlay in root.iter(f"{{{SVG}}}g"):
        if "overlay" in (overlay.get("class") or ""):
            for group in [g for g in overlay if _is_serie(g, index) or _is_serie(g, index + 1)]:
                overlay.remove(group)
    if lows and highs:
        outline = " ".join(f"{x:.1f},{y:.1f}" for x, y in highs + lows[::-1])
        plot.insert(position, ET.Element(f"{{{SVG}}}polygon", points=outline, **{"class": "app-chart__band"}))
    legends = next((g for g in root.iter(f"{{{SVG}}}g") if g.get("class") == "legends"), None)
    if legends is not None and len(legends) > index + 1:
        legends.remove(legends[index + 1])
        keys = _legend_keys(root)
        if len(keys) > index:
            keys[index].set("class", "app-chart__band")


def _marks(root: ET.Element, plot: ET.Element, placeholder: ET.Element, index: int, line: Line, marks: Marks) -> None:
    """A diamond and a word at each marked point of `line` (the first), the placeholder series' legend key a
    diamond too."""
    plot.remove(placeholder)
    keys = _legend_keys(root)
    keys[index].set("class", "app-chart__key app-chart__key--mark")
    shown = [n for n, value in enumerate(line.values) if value is not None]  # pygal draws a dot for each of these
    overlay = _overlay_groups(root, 0)[0]
    for n, dots in zip(shown, overlay.findall(f"{{{SVG}}}g")):
        if not marks.at[n]:
            continue
        dot = dots.find(f"{{{SVG}}}circle")
        x, y = float(dot.get("cx")), float(dot.get("cy"))
        outline = f"{x:.1f},{y - 7:.1f} {x + 7:.1f},{y:.1f} {x:.1f},{y + 7:.1f} {x - 7:.1f},{y:.1f}"
        ET.SubElement(overlay, f"{{{SVG}}}polygon", points=outline, **{"class": "app-chart__mark"})
        word = ET.SubElement(overlay, f"{{{SVG}}}text", x=f"{x:.1f}", y=f"{y - 11:.1f}",
                             **{"class": "app-chart__mark-word"})
        word.text = marks.word


def _is_serie(group: ET.Element, index: int) -> bool:
    return f"serie-{index}" in (group.get("class") or "").split()


def _overlay_groups(root: ET.Element, index: int) -> list[ET.Element]:
    return [g for overlay in root.iter(f"{{{SVG}}}g") if "overlay" in (overlay.get("class") or "")
            for g in overlay if _is_serie(g, index)]


def _legend_keys(root: ET.Element) -> list[ET.Element]:
    """The coloured box of each legend entry, in series order."""
    legends = next((g for g in root.iter(f"{{{SVG}}}g") if g.get("class") == "legends"), None)
    return [] if legends is None else [rect for entry in legends for rect in entry.findall(f"{{{SVG}}}rect")]


def _end_labels(plot: ET.Element, lines: list[Line], groups: list[ET.Element]) -> None:
    """Write each line's label at its last point, pushed apart so that none overlaps another."""
    ends = sorted(((points[-1], line.label) for line, group in zip(lines, groups) if (points := _points(group))),
                  key=lambda end: end[0][1])
    last_y = None
    for (x, y), label in ends:
        y = y if last_y is None else max(y, last_y + LABEL_HEIGHT)
        text = ET.SubElement(plot, f"{{{SVG}}}text", x=f"{x + 8:.1f}", y=f"{y + 4:.1f}",
                             **{"class": "app-chart__label"})
        text.text = label
        last_y = y

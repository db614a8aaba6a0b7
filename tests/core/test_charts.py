"""core.charts: inline SVG that the CSP allows, named for screen readers, readable without colour."""
import re

import pytest

from core.charts import Band, Line, Marks, line_chart, ticks, whole_euros


def chart():
    return str(line_chart("Uitgaven 2026", "Cumulatief per maand", ["jan", "feb", "mrt"],
                          [Line("Gerealiseerd", [100, 200, None]), Line("Verwacht", [None, 200, 400], "dashed"),
                           Line("Begroting", [500, 500, 500], "dotted")],
                          band=Band("Bandbreedte", [None, 200, 300], [None, 200, 600])))


def test_a_chart_has_no_script_no_inline_style_and_no_repeated_ids():
    svg = chart()
    assert "<script" not in svg and "<style" not in svg and " style=" not in svg
    assert re.findall(r' id="([^"]+)"', svg) == [re.search(r'<svg[^>]* id="([^"]+)"', svg).group(1),
                                                 *re.findall(r'<(?:title|desc) id="([^"]+)"', svg)]


def test_a_chart_is_an_image_with_a_dutch_title_and_description():
    svg = chart()
    chart_id = re.search(r'<svg[^>]* id="([^"]+)"', svg).group(1)
    assert 'role="img"' in svg and f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
    assert f'<title id="{chart_id}-title">Uitgaven 2026</title>' in svg
    assert f'<desc id="{chart_id}-desc">Cumulatief per maand</desc>' in svg


def test_lines_differ_by_pattern_and_carry_their_label_and_the_band_is_one_shape():
    svg = chart()
    for pattern in ("solid", "dashed", "dotted"):
        assert f"app-chart__line--{pattern}" in svg
    assert re.findall(r'class="app-chart__label">([^<]+)<', svg) == ["Begroting", "Verwacht", "Gerealiseerd"]
    assert svg.count("<polygon") == 1 and "Bandbreedte" in svg
    assert all(label in svg for label in (">jan<", ">feb<", ">mrt<", ">€ 500<"))


def test_axis_amounts_are_whole_euros_in_dutch_notation():
    assert whole_euros(1234567.5) == "€ 1.234.568" and whole_euros(0) == "€ 0"


def test_a_chart_keeps_the_svg_namespace_whatever_other_xml_registered():
    import xml.etree.ElementTree as ET

    ET.register_namespace("", "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09")  # as a SEPA export does
    svg = chart()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "ns0:" not in svg and svg.count("<polygon") == 1


def test_marked_points_get_a_diamond_and_a_word_and_the_legend_an_entry():
    svg = str(line_chart("Aanwezigheid", "Per maand", ["jan 2026", "feb 2026", "mrt 2026", "apr 2026"],
                         [Line("Waarde", [0.9, None, 0.5, 0.7]), Line("Norm", [0.8] * 4, "dashed")],
                         formatter=str, marks=Marks("Rood: norm niet gehaald", "rood", [False, True, True, True])))
    # February has no value, so no point to mark: two diamonds, at March and April
    assert svg.count('class="app-chart__mark"') == 2 and svg.count(">rood<") == 2
    assert svg.count("app-chart__key--mark") == 1 and ">Rood: norm niet gehaald<" in svg
    assert re.findall(r'class="app-chart__label">([^<]+)<', svg) == ["Norm", "Waarde"]


def test_a_chart_without_values_says_so_in_dutch():
    svg = str(line_chart("Leeg", "Geen cijfers", ["jan", "feb"], [Line("Waarde", [None, None])]))
    assert ">Geen waarden<" in svg and "No data" not in svg


@pytest.mark.parametrize(("labels", "slanted"), [
    # three letters per month fit side by side; "jan 2026" twelve times does not
    ([f"{m}" for m in ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")], False),
    ([f"{m} 2026" for m in ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")],
     True),
])
def test_x_labels_that_would_overlap_are_slanted(labels, slanted):
    svg = str(line_chart("T", "D", labels, [Line("Waarde", [1] * len(labels))]))
    axis = svg.split('class="axis x')[1].split('class="series')[0]
    assert ("rotate(30" in axis) == slanted and all(f">{label}<" in axis for label in labels)


@pytest.mark.parametrize(("top", "least", "shown"), [
    # fractions (rates) in steps of 1, 2 or 5 times a power of ten, up to at least the top
    (0.97, 0, ["0", "0.2", "0.4", "0.6", "0.8", "1"]), (0.15, 0, ["0", "0.05", "0.1", "0.15"]),
    # counts in whole steps, also when they are small
    (2, 1, ["0", "1", "2"]), (7, 1, ["0", "2", "4", "6", "8"]), (0, 1, ["0", "1"]),
    # days
    (415, 0, ["0", "100", "200", "300", "400", "500"]),
])
def test_ticks_are_round_and_reach_the_top(top, least, shown):
    assert [f"{tick.normalize():f}" for tick in ticks(top, least=least)] == shown

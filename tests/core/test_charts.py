"""core.charts: inline SVG that the CSP allows, named for screen readers, readable without colour."""
import re

from core.charts import Band, Line, line_chart, whole_euros


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

"""What a PvE's text is made of: Markdown, the structured sections as lines, and the diff between versions."""
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal

import markdown
import nh3
from markupsafe import Markup

from core.formats import format_money
from core.term_text import kpi_line, milestone_line

FREE_PREFIX = "vrij-"
MAX_BODY = 50_000


_ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "h3", "h4", "blockquote", "code", "pre", "table",
                 "thead", "tbody", "tr", "th", "td", "a"}


def render_markdown(text: str) -> Markup:
    """Markdown to HTML, sanitised: no scripts, styles, images or event handlers survive."""
    html = markdown.markdown(text or "", extensions=["tables", "sane_lists"])
    return Markup(nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}, "th": {"scope"}},
                            url_schemes={"https", "mailto"}))


def kpi_lines(kpis: list | None) -> list[str]:
    """The prestatie-indicatoren as one readable line each (used by the diff)."""
    return [kpi_line(k) for k in kpis or []]


def milestone_lines(financing: dict | None) -> list[str]:
    if not financing:
        return []
    ceiling = financing.get("ceiling")
    return [f"Prijs per traject: {format_money(Decimal(str(financing['price_per_trajectory'])))}",
            f"Plafond: {format_money(Decimal(str(ceiling))) if ceiling else 'geen'}",
            *(milestone_line(m, financing["price_per_trajectory"]) for m in financing["milestones"])]


@dataclass
class SectionDiff:
    key: str
    title: str
    segments: list  # [(op, text)] with op "equal", "insert" or "delete"

    @property
    def changed(self) -> bool:
        return any(op != "equal" for op, _ in self.segments)


_TOKEN = re.compile(r"\s+|\S+\s*")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level differences: runs of equal, deleted and inserted text (whitespace kept)."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "delete", "replace") and i2 > i1:
            segments.append(("equal" if op == "equal" else "delete", "".join(a[i1:i2])))
        if op in ("insert", "replace") and j2 > j1:
            segments.append(("insert", "".join(b[j1:j2])))
    return segments


def diff_versions(old, new) -> list[SectionDiff]:
    """Per section (and the two structured ones), the word diff from version `old` to version `new`."""
    def texts(version) -> dict:
        found = {s["key"]: (s["title"], s["body"]) for s in version.sections}
        found["prestatie_indicatoren:tabel"] = ("Prestatie-indicatoren (tabel)", "\n".join(kpi_lines(version.kpis)))
        found["financiering:tabel"] = ("Financiering (betaalschema)", "\n".join(milestone_lines(version.financing)))
        return found

    before, after = texts(old), texts(new)
    keys = list(after) + [k for k in before if k not in after]
    return [SectionDiff(key, (after.get(key) or before[key])[0],
                        word_diff((before.get(key) or ("", ""))[1], (after.get(key) or ("", ""))[1]))
            for key in keys]

"""The council report's process indicators against an independent count of the trajectories' own dates: PIP within
ten weeks of the kennisgeving, start within six weeks of the PIP, on course within the (extended) termijn; per
municipality of a region over the period and per month or quarter, over every contract of the scope."""
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from reports.council import council_tables
from reports.document import process_sections, volume_section, written
from reports.suppression import SMALL, WITHHELD, Counts
from tests.reports.conftest import TODAY
from tests.reports.test_council_files import pdf_text
from tests.reports.test_suppression import assert_safe

pytestmark = pytest.mark.today(TODAY.isoformat())
H2 = (date(2026, 7, 1), date(2026, 12, 31))
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
D = date.fromisoformat


@dataclass
class Case:
    """One trajectory's dates (None: not there); `where` 0 is Dordrecht, 1 Zwijndrecht; `z` on the other contract."""

    kennisgeving: str | None = None
    pip: str | None = None
    start: str | None = None
    term_ends: str | None = None
    extended: str | None = None
    completed: str | None = None
    dropout: str | None = None
    where: int = 0
    z: bool = False


CASES = [
    # PIP: due 70 days after the kennisgeving, counted in the deadline's month
    Case(kennisgeving="2026-06-01", pip="2026-08-10"),  # on the last day of the ten weeks: in time
    Case(kennisgeving="2026-06-01", pip="2026-08-11", where=1),  # a day late
    Case(kennisgeving="2026-09-01", where=1),  # no PIP when the ten weeks were over
    Case(kennisgeving="2026-04-01", pip="2026-05-01"),  # due 10 June: before the period
    Case(kennisgeving="2026-11-01"),  # due 10 January 2027: after it
    Case(kennisgeving="2026-04-22", pip="2026-05-01", z=True),  # due on the period's first day
    Case(kennisgeving="2026-10-22", where=1),  # due on its last day, no PIP
    # start: due 42 days after the PIP
    Case(kennisgeving="2026-05-01", pip="2026-07-01", start="2026-08-12"),  # on the last day of the six weeks
    Case(kennisgeving="2026-05-01", pip="2026-07-01", start="2026-08-13", where=1),  # a day late
    Case(kennisgeving="2026-09-01", pip="2026-10-01", start="2026-10-20", z=True),
    Case(kennisgeving="2026-10-01", pip="2026-11-25"),  # due 6 January 2027: after the period
    # on course: completed by the termijn's last day, or at the end still within it
    Case(start="2026-01-10", term_ends="2027-06-30"),  # running within the termijn
    Case(start="2026-01-10", term_ends="2026-10-31", where=1),  # running past it
    Case(start="2026-01-10", term_ends="2026-10-31", extended="2027-03-31"),  # past it, but extended
    Case(start="2026-01-10", term_ends="2026-10-31", completed="2026-09-01", z=True),  # completed in time
    Case(start="2026-01-10", term_ends="2026-10-31", completed="2026-11-15", where=1),  # completed late
    Case(start="2026-01-10", term_ends="2026-10-31", extended="2026-12-31", completed="2026-12-31"),  # on the day
    Case(start="2026-01-10", term_ends="2027-06-30", dropout="2026-08-01"),  # uitval: no longer counted
    Case(start="2026-01-10", completed="2026-09-01"),  # no termijn known
    Case(start="2025-01-10", term_ends="2026-10-31", completed="2026-05-01"),  # ended before the period
    Case(start="2027-01-05", term_ends="2029-06-30"),  # starts after it
]


@pytest.fixture
def cases(world, make_trajectory, make_event):
    made = []
    for case in CASES:
        contract, municipality = (world.z if case.z else world.b1), (world.dordrecht, world.zwijndrecht)[case.where]
        t = make_trajectory(contract, municipality=municipality, referral_date=date(2025, 12, 1),
                            kennisgeving_on=case.kennisgeving and D(case.kennisgeving),
                            pip_date=case.pip and D(case.pip), term_ends_on=case.term_ends and D(case.term_ends),
                            term_extended_until=case.extended and D(case.extended))
        for kind, day in (("start", case.start), ("completed", case.completed), ("dropout", case.dropout)):
            if day:
                make_event(t, kind, D(day), **({"reason": "uitval"} if kind == "dropout" else {}))
        made.append((case, t))
    return made


def expected(cases, kpi: str, start: date, end: date, where: int | None = None) -> tuple[int, int]:
    """(met, counted) straight from each case's dates."""
    met = counted = 0
    for case in (c for c in cases if where is None or c.where == where):
        if kpi in ("timely_pip", "start_after_pip"):
            since, done, weeks = ((case.kennisgeving, case.pip, 10) if kpi == "timely_pip"
                                  else (case.pip, case.start, 6))
            if since is None or not start <= D(since) + timedelta(weeks=weeks) <= end:
                continue
            counted += 1
            met += done is not None and D(done) <= D(since) + timedelta(weeks=weeks)
            continue
        last = case.extended or case.term_ends
        ended = case.completed or case.dropout
        if last is None or D(case.start) > end or (ended and D(ended) < start) or (
                case.dropout and D(case.dropout) <= end):
            continue
        counted += 1
        judged = D(case.completed) if case.completed and D(case.completed) <= end else end
        met += judged <= D(last)
    return met, counted


def figures(result) -> tuple[int, int]:
    return int(result.numerator), int(result.denominator)


@pytest.mark.parametrize("kpi, whole", [("timely_pip", (6, 9)), ("start_after_pip", (2, 5)),
                                        ("on_course_in_term", (4, 6))])
def test_each_process_indicator_per_municipality_and_month_equals_the_trajectories_dates(world, cases, kpi, whole):
    tables = council_tables([world.dordrecht, world.zwijndrecht], "regio", *H2, today=TODAY, with_money=False)
    found = next(p for p in tables.process if p.kpi == kpi)
    assert figures(found.whole) == expected(CASES, kpi, *H2) == whole  # the table above, counted by hand
    assert [(m, figures(r)) for m, r in found.by_municipality] == [
        (world.dordrecht, expected(CASES, kpi, *H2, where=0)), (world.zwijndrecht, expected(CASES, kpi, *H2, where=1))]
    months = [(date(2026, n, 1), date(2026, n + 1, 1) - timedelta(days=1)) for n in range(7, 12)]
    months.append((date(2026, 12, 1), date(2026, 12, 31)))
    assert [(b.start, b.end) for b, _ in found.by_bucket] == months
    assert [figures(r) for _, r in found.by_bucket] == [expected(CASES, kpi, *month) for month in months]
    assert [b.label for b, _ in found.by_bucket][:2] == ["jul 2026", "aug 2026"]


def test_a_year_is_shown_per_quarter_and_the_deadlines_add_up_to_it(world, cases):
    tables = council_tables([world.dordrecht, world.zwijndrecht], "regio", *YEAR, today=TODAY, with_money=False)
    quarters = [(date(2026, m, 1), date(2026, m + 3, 1) - timedelta(days=1)) for m in (1, 4, 7)]
    quarters.append((date(2026, 10, 1), date(2026, 12, 31)))
    for found in tables.process:
        assert [b.label for b, _ in found.by_bucket] == [f"{n}e kwartaal 2026" for n in range(1, 5)]
        assert [figures(r) for _, r in found.by_bucket] == [expected(CASES, found.kpi, *q) for q in quarters]
        if found.is_additive:
            assert tuple(map(sum, zip(*(figures(r) for _, r in found.by_bucket)))) == figures(found.whole)


def test_a_period_cut_into_part_of_a_quarter_keeps_its_own_bounds(world, cases):
    tables = council_tables([world.dordrecht], "gemeente Dordrecht", date(2026, 2, 15), date(2026, 10, 10),
                            today=TODAY, with_money=False)
    buckets = [b for b, _ in tables.process[0].by_bucket]
    assert (buckets[0].start, buckets[-1].end) == (date(2026, 2, 15), date(2026, 10, 10)) and len(buckets) == 4
    assert [m for m, _ in tables.process[0].by_municipality] == [world.dordrecht]


def test_the_public_tables_withhold_small_counts_and_the_rates_made_of_them(world, cases):
    tables = council_tables([world.dordrecht, world.zwijndrecht], "regio", *H2, today=TODAY, with_money=False)
    counts = Counts(publishable=True)
    volume_section(tables, counts)
    sections = process_sections(tables, counts)
    assert [s.title for s in sections] == ["Tijdig PIP per gemeente", "Tijdig PIP per maand",
                                           "Start na het PIP per gemeente", "Start na het PIP per maand",
                                           "Op koers binnen de termijn per gemeente",
                                           "Op koers binnen de termijn per maand"]
    assert_safe(counts)  # over every table at once: nothing under 5 follows from what is shown
    published = {s.title: [[written(c, counts) for c in row] for row in s.rows] for s in sections}
    # Zwijndrecht's 1 of 4 is small; Dordrecht's 5 of 5 would give it away from the total (6 of 9), and its 0 not
    # met with the total's 3 would give Zwijndrecht's 3: both go, and the percentages made of them
    assert published["Tijdig PIP per gemeente"] == [["Dordrecht", WITHHELD, WITHHELD, WITHHELD, WITHHELD],
                                                   ["Zwijndrecht", SMALL, SMALL, SMALL, SMALL],
                                                   ["Totaal", WITHHELD, SMALL, WITHHELD, WITHHELD]]
    # the period's row is one figure in both tables
    assert published["Tijdig PIP per maand"][-1] == ["Hele periode", WITHHELD, SMALL, WITHHELD, WITHHELD]
    assert published["Op koers binnen de termijn per maand"][0] == ["jul 2026", "7", "0", "7", "100,0 %"]
    staff = Counts(publishable=False)
    volume_section(tables, staff)
    assert [[written(c, staff) for c in row] for row in process_sections(tables, staff)[0].rows] == [
        ["Dordrecht", "5", "0", "5", "100,0 %"], ["Zwijndrecht", "1", "3", "4", "25,0 %"],
        ["Totaal", "6", "3", "9", "66,7 %"]]


def test_the_process_indicators_on_the_page_in_the_pdf_the_workbook_and_the_api(world, cases, client, login, api):
    login(world.maker)
    page = client.get("/rapportages/", query_string={"scope": f"r:{world.region.id}", "start": "2026-07-01",
                                                     "end": "2026-12-31"}).text
    assert "Tijdig PIP per gemeente" in page and "Op koers binnen de termijn per maand" in page
    assert "66,7 %" in page and "binnen 10 weken na de kennisgeving" in page
    query = f"region_id={world.region.id}&from=2026-07-01&to=2026-12-31"
    finance = api(world.maker)
    internal, public = (" ".join(pdf_text(finance.get(f"/api/v1/reports/council.pdf?{query}{flag}").data).split())
                        for flag in ("", "&publishable=true"))
    assert "Tijdig PIP per gemeente" in internal and "Zwijndrecht 1 3 4 25,0 %" in internal
    assert "Totaal 6 3 9 66,7 %" in internal and "Start na het PIP per maand" in internal
    assert "Zwijndrecht < 5 < 5 < 5 < 5" in public and "Totaal x < 5 x x" in public and "66,7 %" not in public
    book = load_workbook(io.BytesIO(finance.get(f"/api/v1/reports/council.xlsx?{query}&publishable=true").data))
    rows = [[c.value for c in row] for row in book["Tijdig PIP per gemeente"].iter_rows()]
    assert rows[0] == ["Gemeente", "Voldaan", "Niet voldaan", "Aantal", "Percentage"]
    assert rows[1:4] == [["Dordrecht", "x", "x", "x", "x"], ["Zwijndrecht", SMALL, SMALL, SMALL, SMALL],
                         ["Totaal", "x", SMALL, "x", "x"]]
    found = finance.get(f"/api/v1/reports/council?{query}").json["process"]
    assert [p["indicator"] for p in found] == ["timely_pip", "start_after_pip", "on_course_in_term"]
    assert found[0]["weeks"] == 10 and found[1]["weeks"] == 6 and found[2]["weeks"] is None
    assert found[0]["whole"] == {"met": 6, "not_met": 3, "total": 9, "value": 0.6667}
    assert [(m["municipality"], m["figures"]["total"]) for m in found[0]["by_municipality"]] == [
        (world.dordrecht.code, 5), (world.zwijndrecht.code, 4)]
    assert found[0]["by_period"][1] == {"from": "2026-08-01", "to": "2026-08-31", "label": "aug 2026",
                                        "figures": {"met": 1, "not_met": 1, "total": 2, "value": 0.5}}

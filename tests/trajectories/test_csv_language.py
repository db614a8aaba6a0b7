"""CSV files in the user's language: Dutch headers and event types (the spec's English ones stay valid), the Dutch
template, every error of a line, and a preview that marks the bad lines in Dutch."""
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import Role
from trajectories.csvfile import UnreadableFile, read_events, template_csv
from trajectories.models import ProgressEvent, ProgressImport


@pytest.fixture
def world(make_provider, make_contract, make_trajectory, make_municipality, make_user):
    provider, town = make_provider(), make_municipality()
    contract = make_contract(provider=provider, municipalities=[town])
    make_trajectory(contract=contract, reference="TRJ-MINE", referral_date=date(2026, 1, 10))
    db.session.commit()
    return make_user(Role.PROVIDER, provider=provider)


def rows(text: str) -> list[tuple[int, dict]]:
    return list(read_events(io.BytesIO(text.encode())))


@pytest.mark.parametrize("header, values, read", [
    # the template's Dutch names, the spec's English names, and either in any case, with spaces or underscores
    ("kenmerk;traject;soort;datum", "S1;TRJ-1;start;01-02-2026",
     {"event_id": "S1", "trajectory": "TRJ-1", "type": "start", "date": "01-02-2026"}),
    ("event_id,trajectory,type,date", "S1,TRJ-1,start,2026-02-01",
     {"event_id": "S1", "trajectory": "TRJ-1", "type": "start", "date": "2026-02-01"}),
    ("Kenmerk;Traject;Soort;Datum;Maand;Uren_Aangeboden;uren aanwezig", "A1;TRJ-1;Aanwezigheid;28-02-2026;2026-02;40;30",
     {"event_id": "A1", "trajectory": "TRJ-1", "type": "attendance", "date": "28-02-2026", "month": "2026-02",
      "hours_offered": "40", "hours_attended": "30"}),
    ("EVENT_ID;trajectory;type;date;hours-offered", "A1;TRJ-1;attendance;2026-02-28;40",
     {"event_id": "A1", "trajectory": "TRJ-1", "type": "attendance", "date": "2026-02-28", "hours_offered": "40"}),
    # Dutch and English names mixed, and every event type as its Dutch word
    ("kenmerk;trajectory;soort;date;trekt in", "R1;TRJ-1;intrekking;2026-03-01;A1",
     {"event_id": "R1", "trajectory": "TRJ-1", "type": "retraction", "date": "2026-03-01", "retracts": "A1"}),
    ("kenmerk;traject;soort;datum;module", "M1;TRJ-1;module afgerond;2026-03-01;MAP",
     {"event_id": "M1", "trajectory": "TRJ-1", "type": "module_completed", "date": "2026-03-01", "module": "MAP"}),
])
def test_dutch_and_english_headers_are_read_alike(header, values, read):
    assert rows(f"{header}\n{values}\n") == [(2, read)]


@pytest.mark.parametrize("header, message", [
    ("kenmerk;traject;soort;datum;kleur", "Onbekende kolommen: kleur. Toegestaan zijn: kenmerk, traject, soort, datum,"),
    ("kenmerk;traject;soort", "Verplichte kolommen ontbreken: datum (date)."),
    ("kenmerk;traject;soort;datum;date", "Deze kolom komt twee keer voor in de kopregel: datum."),
])
def test_a_bad_header_is_refused_in_dutch(header, message):
    with pytest.raises(UnreadableFile) as refused:
        rows(f"{header}\n")
    assert message in refused.value.message


def test_the_template_is_dutch_and_reads_back_as_the_events_it_shows():
    text = template_csv()
    assert text.startswith("kenmerk;traject;soort;datum;maand;uren aangeboden;uren aanwezig;")
    assert "event_id" not in text and "attendance" not in text and ";aanwezigheid;" in text
    assert [row["type"] for _, row in rows(text)] == ["start", "attendance", "progress_test", "retraction"]


def test_every_error_of_a_line_is_reported(world, api):
    """An unknown trajectory used to go unreported when the same line also had shape errors (a bad date, too many
    hours): the batch checked its rules only on lines without them."""
    content = ("kenmerk;traject;soort;datum;maand;uren aangeboden;uren aanwezig\n"
               "A1;TRJ-ONBEKEND;aanwezigheid;31-02-2026;2026-02;40;41\n"
               "A2;TRJ-MINE;aanwezigheid;30-02-2026;2026-02;40;41\n").encode()
    response = api(world).post("/api/v1/progress-imports", data={"file": (io.BytesIO(content), "v.csv")},
                               content_type="multipart/form-data")
    assert response.status_code == 422
    assert sorted((e["line"], e["field"]) for e in response.json["errors"]) == [
        (2, "date"), (2, "hours_attended"), (2, "trajectory"), (3, "date"), (3, "hours_attended")]
    assert db.session.scalar(sa.select(sa.func.count(ProgressEvent.id))) == 0


@pytest.mark.parametrize("item, errors", [
    # a line without a trajectory, or an item that is no object, has nothing to look up
    ({"event_id": "E1", "type": "start", "date": "2026-02-01"}, [("trajectory", "Dit veld is verplicht.")]),
    ([1000000000000000000], [(None, "Een gebeurtenis moet een object zijn.")]),
    ({}, [(name, "Dit veld is verplicht.") for name in ("event_id", "trajectory", "type", "date")]),
])
def test_a_line_without_a_trajectory_reports_only_its_shape(ctx, item, errors):
    from trajectories.services import record_events

    with pytest.raises(DomainError) as refused:
        record_events([item], sender="duo", source="duo", by=None, today=date(2026, 11, 1))
    assert [(e["field"], e["message"]) for e in refused.value.errors] == errors


def test_the_preview_marks_the_bad_lines_and_names_the_columns_in_dutch(world, login):
    client = login(world)
    content = ("kenmerk;traject;soort;datum;reden\n"
               "S1;TRJ-MINE;start;01-02-2026;\n"
               "S2;TRJ-ELDERS;start;01-02-2026;\n"
               "D1;TRJ-MINE;uitval;03-02-2026;verveling\n").encode()
    response = client.post("/progress/imports/new", data={"file": (io.BytesIO(content), "v.csv")},
                           content_type="multipart/form-data")
    page = client.get(response.location).get_data(as_text=True)
    preview = page[page.index("Zoals gelezen uit het bestand"):]
    headers = re.findall(r'<th class="utrecht-table__header-cell" scope="col">([^<]*)</th>', preview)
    assert headers == ["Regel", "Fouten", "kenmerk", "traject", "soort", "datum", "reden"]
    marked = re.findall(r'<tr class="utrecht-table__row app-row--error">\s*<th[^>]*>(\d+)', preview)
    assert marked == ["3", "4"]  # line 2 is fine; the header is line 1
    assert "traject: Onbekend traject &#39;TRJ-ELDERS&#39;" in preview and "reden: Onbekende code" in preview
    assert "<td class=\"utrecht-table__cell\">Uitval</td>" in preview  # the type in words
    errors = page[page.index("Fouten per regel"):page.index("Zoals gelezen")]
    assert "<td class=\"utrecht-table__cell\">traject</td>" in errors and "trajectory" not in errors
    assert 'class="app-table-scroll" role="region"' in page  # a wide file scrolls inside the page
    assert db.session.scalar(sa.select(ProgressImport.error_count)) == 2

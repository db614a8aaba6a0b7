"""The dates the inburgeringstermijn's rules read (issue 19): entered by staff on the trajectory page and through
the API, with their rules and the audit log; DUO's feed fills them in tests/trajectories/duo."""
from datetime import date

import pytest

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Role
from trajectories.termijn import set_dates

TODAY = date(2026, 11, 23)
K, PIP, END, LONGER = date(2026, 1, 5), date(2026, 2, 10), date(2029, 1, 31), date(2029, 7, 31)


@pytest.fixture
def world(make_contract, make_trajectory, make_municipality, make_user, make_provider):
    town = make_municipality()
    provider = make_provider()
    trajectory = make_trajectory(make_contract(provider=provider, municipalities=[town]), reference="TRJ-T")
    manager = make_user(Role.CONTRACTMANAGER, municipalities=[town])
    db.session.commit()
    return {"trajectory": trajectory, "manager": manager, "provider": make_user(Role.PROVIDER, provider=provider)}


@pytest.mark.parametrize("data, field, fragment", [
    # no kennisgeving or PIP in the future; the PIP not before the kennisgeving
    ({"kennisgeving_on": date(2026, 11, 24)}, "kennisgeving_on", "toekomst"),
    ({"pip_date": date(2026, 11, 24)}, "pip_date", "toekomst"),
    ({"kennisgeving_on": PIP, "pip_date": K}, "pip_date", "vóór de kennisgeving"),
    # an extension needs the termijn's end, and ends after it
    ({"term_extended_until": LONGER}, "term_extended_until", "einde van de termijn"),
    ({"term_ends_on": END, "term_extended_until": END}, "term_extended_until", "einde van de termijn"),
    # nothing changed
    ({}, "kennisgeving_on", "niets gewijzigd"),
])
def test_dates_are_refused_with_a_dutch_reason_on_their_field(world, data, field, fragment):
    with pytest.raises(DomainError) as raised:
        set_dates(world["trajectory"], data, by=world["manager"], today=TODAY)
    assert raised.value.field == field and fragment in raised.value.message
    assert world["trajectory"].term_ends_on is None


def test_dates_are_set_cleared_and_audited(world):
    trajectory, manager = world["trajectory"], world["manager"]
    set_dates(trajectory, {"kennisgeving_on": K, "pip_date": PIP, "term_ends_on": END, "term_extended_until": LONGER},
              by=manager, today=TODAY)
    set_dates(trajectory, {"term_extended_until": None}, by=manager, today=TODAY)
    assert (trajectory.kennisgeving_on, trajectory.pip_date, trajectory.term_ends_on,
            trajectory.term_extended_until) == (K, PIP, END, None)
    last, first = [e for e in audit.history(trajectory) if e.action == "trajectory_dates_set"]
    assert last.changes == {"term_extended_until": ["2029-07-31", None]}
    assert set(first.changes) == {"kennisgeving_on", "pip_date", "term_ends_on", "term_extended_until"}


@pytest.mark.today(TODAY.isoformat())
def test_staff_enter_the_dates_on_the_trajectory_page(world, login):
    trajectory, client = world["trajectory"], login(world["manager"])
    url = f"/trajectories/{trajectory.id}/termijn"
    refused = client.post(url, data={"termijn-term_ends_on": "2029-01-31", "termijn-term_extended_until": "2028-01-31"})
    assert refused.status_code == 422 and "Een verlenging eindigt na het einde van de termijn" in refused.get_data(
        as_text=True)
    response = client.post(url, data={"termijn-kennisgeving_on": "2026-01-05", "termijn-pip_date": "2026-02-10",
                                      "termijn-term_ends_on": "2029-01-31",
                                      "termijn-term_extended_until": "2029-07-31"})
    assert response.status_code == 302
    page = client.get(f"/trajectories/{trajectory.id}").get_data(as_text=True)
    assert ("tot en met 31-01-2029, verlengd tot en met 31-07-2029 (inspanning wordt na het oorspronkelijke einde"
            in page)
    assert "Datum kennisgeving</dt><dd>05-01-2026" in page


@pytest.mark.today(TODAY.isoformat())
def test_the_api_sets_the_dates_and_shows_them(world, api):
    trajectory = world["trajectory"]
    client = api(world["manager"])
    answer = client.patch(f"/api/v1/trajectories/{trajectory.id}",
                          json={"kennisgeving_on": "2026-01-05", "term_ends_on": "2029-01-31"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["kennisgeving_on"], body["term_ends_on"], body["term_extended_until"]) == ("2026-01-05",
                                                                                            "2029-01-31", None)
    refused = client.patch(f"/api/v1/trajectories/{trajectory.id}", json={"pip_date": "2025-12-01"})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "pip_date"
    # a provider reads the trajectory but does not set its dates
    assert api(world["provider"]).patch(f"/api/v1/trajectories/{trajectory.id}", json={}).status_code == 403

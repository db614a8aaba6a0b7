"""Open House conditions: the public announcement before admissions open, and dated versions of the list of admitted
providers from which participants choose."""
from datetime import date
from decimal import Decimal

import pytest

from contracts import open_house
from contracts.models import AdmissionStatus as S
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Role

URL = "https://www.tenderned.nl/aankondigingen/123"
DAY = date(2026, 11, 23)


@pytest.fixture
def house(ctx, make_procurement_case):
    return open_house.open_open_house(make_procurement_case("knm"), {
        "title": "KNM Drechtsteden", "starts_on": date(2026, 1, 1), "ends_on": date(2029, 12, 31),
        "price_per_trajectory": Decimal("650.00")}, by=None)


def admit(house, provider, today=DAY):
    admission = open_house.apply(house, provider, by=None, today=today)
    return open_house.decide(admission, S.ADMITTED, "Voldoet", by=None, today=today,
                             checklist={r: True for r in house.requirements})


@pytest.mark.parametrize("announced_on, url, field", [
    # a published announcement: a date not in the future and the web address where it stands
    (date(2026, 11, 1), URL, None),
    (DAY, "http://gemeente.example.nl/open-house", None),
    (date(2026, 11, 24), URL, "announced_on"),
    (date(2026, 11, 1), "tenderned.nl/123", "url"),
    (date(2026, 11, 1), "ftp://tenderned.nl/123", "url"),
    (date(2026, 11, 1), "", "url"),
])
def test_the_announcement_is_a_published_date_and_url(house, announced_on, url, field):
    if field is None:
        open_house.announce(house, announced_on, url, by=None, today=DAY)
        assert (house.announced_on, house.announcement_url) == (announced_on, url)
        return
    with pytest.raises(DomainError) as caught:
        open_house.announce(house, announced_on, url, by=None, today=DAY)
    assert caught.value.field == field and house.announced_on is None


@pytest.mark.parametrize("announced_on, today, allowed", [
    # admissions open only after the public announcement
    (None, DAY, False),
    (date(2026, 11, 23), date(2026, 11, 23), True),
    (date(2026, 11, 1), date(2026, 11, 23), True),
])
def test_applying_and_admitting_wait_for_the_announcement(house, make_provider, announced_on, today, allowed):
    provider = make_provider()
    if announced_on is not None:
        open_house.announce(house, announced_on, URL, by=None, today=announced_on)
    if allowed:
        assert admit(house, provider, today).status == S.ADMITTED
        return
    with pytest.raises(Conflict, match="nog niet openbaar aangekondigd"):
        open_house.apply(house, provider, by=None, today=today)


def test_an_application_entered_before_the_announcement_is_not_admitted(house, make_provider):
    from contracts.models import Admission

    admission = Admission(open_house=house, provider=make_provider(), status=S.APPLIED,
                          checklist={r: True for r in house.requirements})
    db.session.add(admission)
    db.session.flush()
    with pytest.raises(Conflict, match="nog niet openbaar aangekondigd"):
        open_house.decide(admission, S.ADMITTED, "Voldoet", by=None, today=DAY)
    assert admission.contract is None and not house.list_versions


def test_every_change_of_the_admitted_providers_publishes_a_dated_list_version(house, make_provider):
    first, second, third = (make_provider(name=n) for n in ("Aa", "Bb", "Cc"))
    open_house.announce(house, date(2026, 11, 1), URL, by=None, today=DAY)
    a, b = admit(house, first), admit(house, second, date(2026, 11, 24))
    refused = open_house.apply(house, third, by=None, today=DAY)
    open_house.decide(refused, S.REFUSED, "Geen keurmerk", by=None, today=DAY)  # the list does not change
    open_house.decide(a, S.SUSPENDED, "Klachten", by=None, today=date(2026, 12, 1))
    open_house.decide(a, S.ADMITTED, "Opgelost", by=None, today=date(2026, 12, 15))
    open_house.decide(b, S.EXCLUDED, "Fraude", by=None, today=date(2027, 1, 5))
    lists = [(v.number, v.published_on, [p["name"] for p in v.providers]) for v in house.list_versions]
    assert lists == [(1, DAY, ["Aa"]), (2, date(2026, 11, 24), ["Aa", "Bb"]), (3, date(2026, 12, 1), ["Bb"]),
                     (4, date(2026, 12, 15), ["Aa", "Bb"]), (5, date(2027, 1, 5), ["Aa"])]
    with pytest.raises(Conflict):  # the announcement the admissions rest on stays
        open_house.announce(house, date(2026, 11, 2), URL, by=None, today=DAY)


def test_the_api_records_the_announcement_and_shows_the_lists(api, house, make_user, make_provider):
    manager = make_user(Role.CONTRACTMANAGER, municipalities=house.procurement_case.municipalities)
    client = api(manager)
    future = client.post(f"/api/v1/open-houses/{house.id}/announcement", json={"announced_on": "2999-01-01",
                                                                              "url": URL})
    assert future.status_code == 422 and future.get_json()["errors"][0]["field"] == "announced_on"
    done = client.post(f"/api/v1/open-houses/{house.id}/announcement", json={"announced_on": "2026-11-01",
                                                                            "url": URL})
    assert done.status_code == 200 and done.get_json()["announced_on"] == "2026-11-01"
    admit(house, make_provider(name="Wereldwijs"), date(2026, 11, 2))
    db.session.commit()
    body = client.get(f"/api/v1/open-houses/{house.id}").get_json()
    assert body["announcement_url"] == URL
    assert body["list_versions"] == [{"number": 1, "published_on": "2026-11-02", "providers": [
        {"provider_id": house.applications[0].provider_id, "name": "Wereldwijs", "city": None}]}]
    late = client.post(f"/api/v1/open-houses/{house.id}/announcement", json={"announced_on": "2026-11-01",
                                                                            "url": URL})
    assert late.status_code == 409

from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import Conflict, DomainError
from core.models import AuditEntry, Role
from core.scope import relate_provider
from providers import services
from providers.models import KeurmerkStatus as K

VALID = {"name": "Taalschool Noord", "kvk_number": "1234 5678", "iban": "nl91 abna 0417 1643 00", "bic": "abnanl2a"}


def test_registering_normalises_kvk_iban_bic_and_postcode(ctx):
    provider = services.register_provider({**VALID, "postcode": "3311 gr"}, by=None)
    assert (provider.kvk_number, provider.iban, provider.bic, provider.postcode) == (
        "12345678", "NL91ABNA0417164300", "ABNANL2A", "3311GR")


@pytest.mark.parametrize("change, field", [
    # KvK: eight digits
    ({"kvk_number": "1234567"}, "kvk_number"),
    ({"kvk_number": "1234567X"}, "kvk_number"),
    # IBAN: mod-97 check digits
    ({"iban": "NL92ABNA0417164300"}, "iban"),
    ({"iban": ""}, "iban"),
    # BIC and postcode
    ({"bic": "ABN"}, "bic"),
    ({"postcode": "33111"}, "postcode"),
    ({"name": "  "}, "name"),
])
def test_invalid_provider_data_is_refused_on_its_field(ctx, change, field):
    with pytest.raises(DomainError) as error:
        services.register_provider({**VALID, **change}, by=None)
    assert error.value.field == field


def test_kvk_number_is_unique(ctx):
    services.register_provider(VALID, by=None)
    with pytest.raises(Conflict):
        services.register_provider({**VALID, "name": "Ander"}, by=None)


def test_bank_detail_change_is_proposed_and_audited_before_and_after(ctx, make_provider, make_user, make_region):
    region = make_region()
    provider, user = make_provider(), make_user(Role.CONTRACTMANAGER, region=region)
    relate_provider(provider.id, [region])
    services.update_provider(provider, {"iban": "NL44RABO0123456789", "bic": "RABONL2U"}, by=user)
    entry = sa.select(AuditEntry).where(AuditEntry.action == "bank_detail_change_proposed")
    changes = ctx_db_scalar(entry).changes
    assert changes["iban"] == ["NL91ABNA0417164300", "NL44RABO0123456789"]
    assert (provider.iban, provider.bic) == ("NL91ABNA0417164300", "ABNANL2A")  # until a second person approves


def ctx_db_scalar(stmt):
    from core.extensions import db

    return db.session.scalar(stmt)


def test_search_matches_name_kvk_and_city(ctx, make_provider):
    from core.extensions import db

    make_provider(name="Taalhuis Dordrecht", city="Dordrecht")
    make_provider(name="Leerwerkplaats", kvk_number="87654321")
    names = lambda q: [p.name for p in db.session.scalars(services.search_providers(q))]  # noqa: E731
    assert names("taalhuis") == ["Taalhuis Dordrecht"]
    assert names("8765") == ["Leerwerkplaats"]
    assert names("dordrecht") == ["Taalhuis Dordrecht"]


@pytest.mark.parametrize("keurmerk, warning", [
    # a dated keurmerk: warned 60 days ahead, and once expired
    ({"keurmerk_valid_until": date(2026, 11, 1)}, "verloopt op 01-11-2026"),
    ({"keurmerk_valid_until": date(2027, 1, 22)}, "verloopt op 22-01-2027"),
    ({"keurmerk_valid_until": date(2027, 1, 23)}, None),
    ({"keurmerk_valid_until": None}, None),
    # for good, or suspended or withdrawn: the latter at once
    ({"keurmerk_valid_until": None, "keurmerk_status": K.INDEFINITE}, None),
    ({"keurmerk_valid_until": None, "keurmerk_status": K.SUSPENDED, "keurmerk_status_since": date(2026, 12, 1)},
     "is geschorst sinds 01-12-2026"),
    ({"keurmerk_status": K.WITHDRAWN, "keurmerk_status_since": date(2026, 10, 1)}, "is ingetrokken sinds 01-10-2026"),
])
def test_keurmerk_warnings(ctx, make_provider, keurmerk, warning):
    provider = make_provider(**keurmerk)
    found = [message for p, _, message in services.keurmerk_warnings(date(2026, 11, 23)) if p is provider]
    assert found == ([f"Keurmerk van {provider.name} {warning}."] if warning else [])


@pytest.mark.parametrize("keurmerk, day, valid", [
    # valid through its end date (inclusive)
    ({"keurmerk_status": K.VALID_UNTIL, "keurmerk_valid_until": date(2026, 12, 31)}, date(2026, 12, 31), True),
    ({"keurmerk_status": K.VALID_UNTIL, "keurmerk_valid_until": date(2026, 12, 31)}, date(2027, 1, 1), False),
    # for good
    ({"keurmerk_status": K.INDEFINITE, "keurmerk_valid_until": None}, date(2040, 1, 1), True),
    # suspended or withdrawn: no longer from that day, as it was before it
    ({"keurmerk_status": K.SUSPENDED, "keurmerk_valid_until": None, "keurmerk_status_since": date(2026, 6, 1)},
     date(2026, 5, 31), True),
    ({"keurmerk_status": K.SUSPENDED, "keurmerk_valid_until": None, "keurmerk_status_since": date(2026, 6, 1)},
     date(2026, 6, 1), False),
    ({"keurmerk_status": K.WITHDRAWN, "keurmerk_valid_until": date(2026, 3, 1), "keurmerk_status_since": date(2026, 6, 1)},
     date(2026, 4, 1), False),
    ({"keurmerk_status": K.WITHDRAWN, "keurmerk_valid_until": date(2026, 12, 1), "keurmerk_status_since": date(2026, 6, 1)},
     date(2026, 4, 1), True),
    # none
    ({"keurmerk_status": K.NONE, "keurmerk_valid_until": None}, date(2026, 1, 1), False),
])
def test_a_keurmerk_is_valid_on_a_day_by_its_status(ctx, make_provider, keurmerk, day, valid):
    assert make_provider(**keurmerk).has_valid_keurmerk_on(day) is valid


@pytest.mark.parametrize("keurmerk, status, field", [
    # without a status: a date makes it valid until then, no date none
    ({"keurmerk_valid_until": date(2027, 1, 1)}, K.VALID_UNTIL, None),
    ({}, K.NONE, None),
    ({"keurmerk_status": "onbepaalde_tijd"}, K.INDEFINITE, None),
    ({"keurmerk_status": "geschorst", "keurmerk_status_since": date(2026, 6, 1)}, K.SUSPENDED, None),
    # each status with the dates it needs, and none it has not
    ({"keurmerk_status": "geldig_tot"}, None, "keurmerk_valid_until"),
    ({"keurmerk_status": "onbepaalde_tijd", "keurmerk_valid_until": date(2027, 1, 1)}, None, "keurmerk_valid_until"),
    ({"keurmerk_status": "ingetrokken"}, None, "keurmerk_status_since"),
    ({"keurmerk_valid_until": date(2027, 1, 1), "keurmerk_status_since": date(2026, 6, 1)}, None,
     "keurmerk_status_since"),
])
def test_the_keurmerk_is_registered_with_the_dates_its_status_needs(ctx, keurmerk, status, field):
    if field is None:
        assert services.register_provider({**VALID, **keurmerk}, by=None).keurmerk_status == status
        return
    with pytest.raises(DomainError) as caught:
        services.register_provider({**VALID, **keurmerk}, by=None)
    assert caught.value.field == field


def test_a_suspension_keeps_the_end_date_and_an_update_of_other_fields_keeps_the_keurmerk(ctx):
    provider = services.register_provider({**VALID, "keurmerk_valid_until": date(2027, 1, 1)}, by=None)
    services.update_provider(provider, {"keurmerk_status": "geschorst", "keurmerk_status_since": date(2026, 6, 1)},
                             by=None)
    services.update_provider(provider, {"city": "Dordrecht"}, by=None)
    assert (provider.keurmerk_status, provider.keurmerk_valid_until) == (K.SUSPENDED, date(2027, 1, 1))
    assert provider.keurmerk_text == "Geschorst sinds 01-06-2026"


def test_provider_user_is_scoped_to_its_provider(ctx, make_provider):
    provider = make_provider()
    user = services.create_provider_user(provider, "planner@school.nl", "Planner", "Een-lang-wachtwoord-7", by=None)
    assert (user.role, user.provider_id) == (Role.PROVIDER, provider.id)

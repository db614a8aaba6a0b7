from datetime import date

import pytest
import sqlalchemy as sa

from core.errors import Conflict, DomainError
from core.models import AuditEntry, Role
from providers import services

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


def test_bank_detail_change_is_audited_before_and_after(ctx, make_provider, make_user):
    provider, user = make_provider(), make_user(Role.CONTRACTMANAGER)
    services.update_provider(provider, {"iban": "NL44RABO0123456789", "bic": "RABONL2U"}, by=user)
    entry = sa.select(AuditEntry).where(AuditEntry.action == "provider_bank_details_changed")
    changes = ctx_db_scalar(entry).changes
    assert changes["iban"] == ["NL91ABNA0417164300", "NL44RABO0123456789"]


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


@pytest.mark.parametrize("valid_until, warned", [
    (date(2026, 11, 1), True),  # already expired
    (date(2027, 1, 22), True),  # exactly 60 days ahead
    (date(2027, 1, 23), False),  # 61 days ahead
    (None, False),
])
def test_keurmerk_warning_60_days_ahead(ctx, make_provider, valid_until, warned):
    provider = make_provider(keurmerk_valid_until=valid_until)
    assert (provider in services.keurmerk_expiring(date(2026, 11, 23))) is warned


def test_provider_user_is_scoped_to_its_provider(ctx, make_provider):
    provider = make_provider()
    user = services.create_provider_user(provider, "planner@school.nl", "Planner", "Een-lang-wachtwoord-7", by=None)
    assert (user.role, user.provider_id) == (Role.PROVIDER, provider.id)

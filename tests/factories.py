"""Factory fixtures: each returns a callable that fills sensible defaults with setdefault."""
import io
import itertools
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.auth import hash_password
from core.extensions import db
from core.models import Municipality, Region, Role, Service, User

PASSWORD = "Correct-Horse-Battery-9"


def _one_page_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, "Bijlage")
    page.showPage()
    page.save()
    return buffer.getvalue()


#: A real PDF for uploads (they are checked from header to trailer).
PDF = _one_page_pdf()
_seq = itertools.count(1)
_PASSWORD_HASH = None


def _password_hash() -> str:
    global _PASSWORD_HASH  # argon2 is slow on purpose; hash the shared test password once
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(PASSWORD)
    return _PASSWORD_HASH


def service(code: str) -> Service:
    return db.session.scalar(sa.select(Service).where(Service.code == code))


@pytest.fixture
def make_municipality(ctx):
    def make(**kw):
        n = next(_seq)
        kw.setdefault("code", f"GM{9000 + n % 1000:04d}")
        kw.setdefault("name", f"Gemeente {n}")
        kw.setdefault("cost_centre", f"KPL-{n}")
        municipality = Municipality(**kw)
        db.session.add(municipality)
        db.session.flush()
        return municipality

    return make


@pytest.fixture
def make_region(ctx, make_municipality):
    def make(municipalities=None, **kw):
        kw.setdefault("name", f"Regio {next(_seq)}")
        kw.setdefault("executing_organisation", "Sociale Dienst")
        region = Region(municipalities=municipalities or [make_municipality(), make_municipality()], **kw)
        db.session.add(region)
        db.session.flush()
        return region

    return make


@pytest.fixture
def make_user(ctx):
    """make_user(role, municipalities=[...] | region=... | provider=...); password is tests.factories.PASSWORD.
    An admin without a region is the national admin (Role.NATIONAL_ADMIN), a region's admin has its region."""

    def make(role=Role.ADMIN, municipalities=(), region=None, provider=None, **kw):
        if Role(role) == Role.ADMIN and region is None and not municipalities:
            role = Role.NATIONAL_ADMIN
        kw.setdefault("email", f"user{next(_seq)}@example.nl")
        kw.setdefault("name", kw["email"].split("@")[0])
        user = User(role=Role(role), password_hash=_password_hash(), municipalities=list(municipalities),
                    region=region, provider_id=provider.id if provider is not None else None, **kw)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_provider(ctx):
    from core.scope import relate_provider
    from providers.models import Provider

    def make(regions=(), **kw):
        """`regions`: the regions that work with the provider (core.scope), besides those its contracts give."""
        n = next(_seq)
        kw.setdefault("name", f"Taalschool {n}")
        kw.setdefault("kvk_number", f"{10000000 + n}")
        kw.setdefault("iban", "NL91ABNA0417164300")
        kw.setdefault("bic", "ABNANL2A")
        kw.setdefault("keurmerk_valid_until", date(2027, 12, 31))
        provider = Provider(**kw)
        db.session.add(provider)
        db.session.flush()
        relate_provider(provider.id, regions)
        return provider

    return make


@pytest.fixture
def make_paying_organisation(ctx):
    """make_paying_organisation(region=... | municipality=..., **kw): who pays, stored as if already approved."""
    from payments.models import PayingOrganisation

    def make(region=None, municipality=None, **kw):
        kw.setdefault("name", "Sociale Dienst")
        kw.setdefault("iban", "NL02ABNA0123456789")
        kw.setdefault("bic", "ABNANL2A")
        payer = PayingOrganisation(region=region, municipality=municipality, **kw)
        db.session.add(payer)
        db.session.flush()
        return payer

    return make


@pytest.fixture
def make_contract(ctx, make_provider, make_municipality):
    """make_contract(provider=None, municipalities=None, milestones=[dicts], kpis=[dicts], **columns)."""
    from contracts.models import Contract, KpiAgreement, Milestone
    from core.scope import regions_of, relate_provider
    from procurement.models import ProcurementRoute

    def make(provider=None, municipalities=None, milestones=(), kpis=(), **kw):
        kw.setdefault("reference", f"CTR-{next(_seq):05d}")
        kw.setdefault("service", service("b1_route"))
        kw.setdefault("procurement_route", ProcurementRoute.AANBESTEDING)
        kw.setdefault("starts_on", date(2026, 1, 1))
        kw.setdefault("ends_on", date(2027, 12, 31))
        kw.setdefault("price_per_trajectory", Decimal("10000.00"))
        contract = Contract(provider=provider or make_provider(),
                            municipalities=municipalities or [make_municipality()], **kw)
        contract.milestones = [Milestone(position=i, params=m.get("params") or {},
                                         **{k: v for k, v in m.items() if k != "params"})
                               for i, m in enumerate(milestones, start=1)]
        contract.kpi_agreements = [KpiAgreement(**k) for k in kpis]
        db.session.add(contract)
        db.session.flush()
        relate_provider(contract.provider_id, regions_of(contract.municipalities))  # as contracts.services does
        return contract

    return make


@pytest.fixture
def make_trajectory(ctx, make_contract):
    from trajectories.models import Trajectory

    def make(contract=None, **kw):
        contract = contract or make_contract()
        n = next(_seq)
        kw.setdefault("reference", f"TRJ-2026-{n:05d}")
        kw.setdefault("municipality", contract.municipalities[0])
        kw.setdefault("referral_date", date(2026, 1, 15))
        kw.setdefault("participant_pseudonym", f"P-{n:06d}")
        trajectory = Trajectory(contract=contract, **kw)
        db.session.add(trajectory)
        db.session.flush()
        return trajectory

    return make


@pytest.fixture
def make_event(ctx):
    """make_event(trajectory, type, date, **fields): inserts a progress event directly (no validation)."""
    from trajectories.models import ProgressEvent

    def make(trajectory, type, occurred_on, sender="provider:test", **kw):
        kw.setdefault("event_id", f"E{next(_seq)}")
        kw.setdefault("source", "api")
        if type == "attendance":
            kw.setdefault("bucket", "taal_knm")
        event = ProgressEvent(trajectory=trajectory, type=type, occurred_on=occurred_on, sender=sender, **kw)
        db.session.add(event)
        db.session.flush()
        return event

    return make


#: Procurement facts under which every route's hard conditions are met.
ALL_CONDITIONS_MET = dict(own_capacity=True, controlled_entity=True, entity_activity_share=90,
                          entity_private_capital=False, all_qualifying_admitted=True,
                          fixed_conditions_and_tariffs=True, open_entry_during_term=True, participant_chooses=True,
                          public_announcement=True, published_provider_list=True, subsidy_legal_basis=True,
                          enforceable_performance=False, state_aid_ruled_out=True,
                          joint_bodies_represent_all=True, joint_decisive_influence=True,
                          joint_no_contrary_interests=True, cooperation_between_authorities=True,
                          cooperation_common_objectives=True, cooperation_public_interest_only=True,
                          cooperation_market_share=5)


@pytest.fixture
def make_procurement_case(ctx, make_municipality):
    """make_procurement_case(service_code="b1_route", municipalities=None, facts={overrides of ALL_CONDITIONS_MET},
    **columns);
    seeds the thresholds and route scores on first use."""
    from procurement.models import ProcurementCase
    from procurement.reference import seed_reference_data

    def make(service_code="b1_route", municipalities=None, facts=None, **kw):
        seed_reference_data()
        kw.setdefault("expected_participants_per_year", 10)
        kw.setdefault("price_per_trajectory", Decimal("10000.00"))
        kw.setdefault("term_years", 2)
        kw.setdefault("extension_years", 0)
        kw.setdefault("weights", {})
        case = ProcurementCase(service=service(service_code), municipalities=municipalities or [make_municipality()],
                               facts={**ALL_CONDITIONS_MET, **(facts or {})}, **kw)
        db.session.add(case)
        db.session.flush()
        return case

    return make


@pytest.fixture
def make_pve(ctx, make_procurement_case, make_user):
    """make_pve(case=None, by=None, title=...): a PvE started from its template through the service."""
    from procurement.pve.services import create_pve

    def make(case=None, by=None, title="PvE test"):
        case = case or make_procurement_case()
        pve = create_pve(case, title, by=by or make_user(Role.INKOPER, municipalities=case.municipalities))
        db.session.commit()
        return pve

    return make

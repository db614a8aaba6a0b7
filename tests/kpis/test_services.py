from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from core.errors import DomainError
from core.extensions import db
from core.models import AuditEntry, Role
from kpis import monthly, services
from core.terms import KPI_NAMES
from kpis.models import KpiAlert, KpiValue
from tests.kpis.conftest import TODAY


def stored(contract, month, scope_key=0):
    return db.session.scalar(sa.select(KpiValue).where(KpiValue.contract_id == contract.id, KpiValue.month == month,
                                                        KpiValue.scope_key == scope_key))


def test_the_nightly_job_stores_13_months_per_contract_and_municipality(monitored):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    months = db.session.scalars(sa.select(KpiValue.month).where(KpiValue.scope_key == 0).distinct()).all()
    assert len(months) == 13 and min(months) == date(2025, 4, 1) and max(months) == date(2026, 4, 1)
    march = stored(contract, date(2026, 3, 1))
    assert (march.value, march.numerator, march.denominator, march.status) == (
        Decimal("0.7500"), Decimal("60"), Decimal("80"), "red")
    assert stored(contract, date(2026, 2, 1)).status == "green"
    assert stored(contract, date(2026, 1, 1)).status == "grey"
    dordrecht = contract.municipalities[0]
    assert stored(contract, date(2026, 3, 1), dordrecht.id).value == Decimal("0.5000")


def test_rerunning_the_job_replaces_values_and_raises_each_alert_once(monitored):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    monthly.refresh_monthly_values(TODAY)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiValue).where(
        KpiValue.month == date(2026, 3, 1))) == 3
    alerts = db.session.scalars(sa.select(KpiAlert).order_by(KpiAlert.scope_key)).all()
    # the contract as a whole and Dordrecht turned red in March; Zwijndrecht stayed green
    assert [(a.scope_key, a.kpi, a.month) for a in alerts] == [
        (0, "attendance_rate", date(2026, 3, 1)), (contract.municipalities[0].id, "attendance_rate", date(2026, 3, 1))]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "kpi_alert")) == 2


def test_no_alert_when_an_indicator_stays_red(monitored):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    db.session.execute(sa.delete(KpiAlert))
    db.session.execute(sa.update(KpiValue).where(KpiValue.month == date(2026, 2, 1)).values(status="red"))
    assert services.raise_alerts(contract, date(2026, 3, 1)) == []


def test_the_job_runs_through_the_scheduler_once_a_day(app, monitored):
    from core.scheduler import run_job

    monitored()
    db.session.commit()
    assert run_job(app, "kpi_monthly_values", TODAY) == "done"
    assert run_job(app, "kpi_monthly_values", TODAY) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiAlert)) == 2


def test_handling_an_alert_is_audited_and_happens_once(monitored, make_user):
    monitored()
    monthly.refresh_monthly_values(TODAY)
    alert = db.session.scalars(sa.select(KpiAlert)).first()
    manager = make_user(Role.CONTRACTMANAGER, municipalities=alert.contract.municipalities)
    services.handle_alert(alert, "Gesprek met de aanbieder gepland", by=manager)
    assert not alert.is_open and alert.handled_by == manager
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "kpi_alert_handled"))
    assert entry.object_id == alert.id and entry.actor_id == manager.id
    with pytest.raises(DomainError):
        services.handle_alert(alert, "nog eens", by=manager)


def test_a_user_of_one_municipality_sees_only_its_values_and_alerts(monitored, make_user):
    contract = monitored()
    monthly.refresh_monthly_values(TODAY)
    dordrecht, zwijndrecht = contract.municipalities
    zw_user = make_user(Role.CONTRACTMANAGER, municipalities=[zwijndrecht])
    rows = services.stored_values(contract, zw_user, [date(2026, 3, 1)])
    assert [(r.municipality_id, r.status) for r in rows] == [(zwijndrecht.id, "green")]
    assert db.session.scalars(services.visible_alerts(zw_user)).all() == []
    # live values are limited to the user's trajectories as well
    [indicator] = services.contract_indicators(contract, date(2026, 3, 1), date(2026, 3, 31), user=zw_user)
    assert indicator.result.value == Decimal("1.0000")
    with pytest.raises(DomainError):
        services.contract_municipality_for(zw_user, contract, dordrecht.code)


def test_dashboard_lists_red_contracts_and_red_indicators_first(monitored, make_user, make_contract):
    make_contract(reference="AAA-GREEN", kpis=[{"kpi": "dropout_rate", "params": {}, "norm": Decimal("0.1"),
                                                "direction": "max"}])
    red = monitored(reference="ZZZ-RED")
    monthly.refresh_monthly_values(TODAY)
    admin = services.dashboard(make_user(Role.ADMIN), TODAY)
    assert [c["contract"].reference for c in admin["cards"]] == ["ZZZ-RED", "AAA-GREEN"]
    # who sees the whole contract gets its contract-wide values and the count of red municipality values
    assert [(r.scope_key, r.status) for r in admin["cards"][0]["rows"]] == [(0, "red")]
    assert admin["cards"][0]["red_municipalities"] == 1 and admin["cards"][0]["contract"] == red
    # who sees some of its municipalities gets theirs, red first
    both = services.dashboard(make_user(Role.CONTRACTMANAGER, municipalities=red.municipalities[:1]), TODAY)
    assert [(r.municipality, r.status) for r in both["cards"][0]["rows"]] == [(red.municipalities[0], "red")]


def test_provider_and_municipality_cover_every_indicator(monitored, make_user):
    contract = monitored()
    start, end = date(2026, 3, 1), date(2026, 3, 31)
    provider_values = services.provider_indicators(contract.provider, start, end, user=make_user(Role.ADMIN))
    assert [i.kpi for i in provider_values][:2] == ["timely_start", "attendance_rate"] and len(provider_values) == len(KPI_NAMES)
    attendance = provider_values[1]
    assert (attendance.result.value, attendance.norm, attendance.status) == (Decimal("0.7500"), Decimal("0.8"), "red")
    by_municipality = services.municipality_indicators(contract.municipalities[0], start, end)
    assert by_municipality[1].result.value == Decimal("0.5000") and by_municipality[1].status == "grey"


def test_drill_down_lists_the_trajectories_behind_the_value(monitored, make_user):
    contract = monitored()
    indicator, numerator, denominator = services.drill_down(
        contract, "attendance_rate", date(2026, 3, 1), date(2026, 3, 31), user=make_user(Role.ADMIN),
        municipality=contract.municipalities[0])
    assert indicator.result.value == Decimal("0.5000")
    assert [t.municipality for t in denominator] == [contract.municipalities[0]] and numerator == denominator


@pytest.mark.parametrize("first, last", [
    (date(2026, 3, 1), date(2026, 2, 1)),  # reversed
    (date(2024, 1, 1), date(2026, 1, 1)),  # longer than 24 months
])
def test_scorecard_period_is_checked(monitored, make_user, first, last):
    with pytest.raises(DomainError):
        services.scorecard(monitored(), first, last, user=make_user(Role.ADMIN))

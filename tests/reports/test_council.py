"""The council report's tables against independent counts over the same region: volumes from each trajectory's
own events, indicators as the KPI pages compute them, money as the approved lines add up; scope and roles."""
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from contracts.models import Alert, AlertKind
from core.extensions import db
from core.models import Role
from kpis.models import KpiAlert
from kpis.services import municipality_indicators
from payments.models import LineStatus, PaymentLine, PaymentRun, RunStatus
from reports.council import council_tables
from tests.reports.conftest import TODAY

pytestmark = pytest.mark.today(TODAY.isoformat())
H2 = (date(2026, 7, 1), date(2026, 12, 31))


@pytest.fixture
def endings(world, make_trajectory, make_event):
    """Dropouts of each kind in the second half of 2026 (a switch among them), one before it, an afschaling (the
    trajectory goes on), and a referral after it."""
    made = {}
    for name, reason, day in (("uitval", "uitval", date(2026, 8, 3)), ("switched", "schakelen", date(2026, 9, 1)),
                              ("moved", "verhuizing", date(2026, 10, 1)), ("early", "uitval", date(2026, 5, 1))):
        made[name] = make_trajectory(world.b1, municipality=world.dordrecht, referral_date=date(2026, 1, 15))
        make_event(made[name], "start", date(2026, 2, 1))
        make_event(made[name], "dropout", day, reason=reason)
    made["afgeschaald"] = make_trajectory(world.b1, municipality=world.dordrecht, referral_date=date(2026, 1, 15))
    make_event(made["afgeschaald"], "start", date(2026, 2, 1))
    make_event(made["afgeschaald"], "afschaling", date(2026, 9, 1), skill="SP", level="A2", pip_version="2")
    made["later"] = make_trajectory(world.b1, municipality=world.dordrecht, referral_date=date(2027, 1, 5))
    return made


def counted(trajectories, start: date, end: date) -> dict:
    """Each trajectory's own events, one by one."""
    found = dict.fromkeys(("referred", "running", "completed", "uitval", "switched", "afgeschaald", "ended_otherwise"),
                          0)
    for t in trajectories:
        if t.referral_date > end:
            continue
        voided = {e.retracts_id for e in t.events if e.retracts_id}
        ends = [e for e in t.events if e.type in ("completed", "dropout") and e.id not in voided]
        found["referred"] += start <= t.referral_date
        found["running"] += not ends or ends[0].occurred_on > end
        found["afgeschaald"] += any(e.type == "afschaling" and e.id not in voided and start <= e.occurred_on <= end
                                    for e in t.events)
        if ends and start <= ends[0].occurred_on <= end:
            e = ends[0]
            found[{"uitval": "uitval", "schakelen": "switched"}.get(e.reason, "ended_otherwise")
                  if e.type == "dropout" else "completed"] += 1
    return found


def test_volumes_per_service_equal_the_trajectories_own_events(world, endings):
    tables = council_tables([world.dordrecht], "gemeente Dordrecht", *H2, today=TODAY, with_money=True)
    by_service = {row.service.code: row.counts for row in tables.volumes}
    for code, contract in (("b1_route", world.b1), ("z_route", world.z)):
        own = [t for t in [*world.trajectories.values(), *endings.values()]
               if t.contract_id == contract.id and t.municipality_id == world.dordrecht.id]
        assert by_service[code] == counted(own, *H2)
    assert (by_service["b1_route"]["uitval"], by_service["b1_route"]["switched"],
            by_service["b1_route"]["afgeschaald"]) == (1, 1, 1)
    assert tables.total.counts == {k: sum(c[k] for c in by_service.values()) for k in tables.total.counts}


def test_indicators_equal_the_kpi_pages_for_the_period_and_each_month(world, endings):
    tables = council_tables([world.dordrecht], "gemeente Dordrecht", *H2, today=TODAY, with_money=False)
    whole = {i.kpi: i.result.value for i in municipality_indicators(world.dordrecht, *H2)}
    assert {t.whole.kpi: t.whole.result.value for t in tables.indicators} == whole
    september = {i.kpi: i.result.value for i in municipality_indicators(world.dordrecht, date(2026, 9, 1),
                                                                        date(2026, 9, 30))}
    assert {t.whole.kpi: t.by_month[2].indicator.result.value for t in tables.indicators} == september
    assert [m.month for m in tables.indicators[0].by_month] == [date(2026, n, 1) for n in range(7, 13)]


def test_money_realised_in_the_period_equals_the_approved_lines(world):
    tables = council_tables([world.dordrecht, world.zwijndrecht], "regio", *H2, today=TODAY, with_money=True)
    lines = db.session.scalars(sa.select(PaymentLine).join(PaymentRun, PaymentRun.id == PaymentLine.run_id).where(
        PaymentRun.status == RunStatus.APPROVED, PaymentLine.status != LineStatus.HELD)).all()
    in_period = sum((l.amount for l in lines if l.status == LineStatus.NEW and H2[0] <= l.trigger_date <= H2[1]),
                    D("0.00")) + sum((l.amount for l in lines if l.status == LineStatus.CORRECTION
                                      and "2026-07" <= l.run.period <= "2026-12"), D("0.00"))
    assert sum((row.realised_in_period for row in tables.money_rows), D("0.00")) == in_period
    assert {row.cell.funding_source for row in tables.money_rows} == {"spuk", "eigen_middelen"}


def test_council_api_answers_the_tables_and_keeps_money_for_finance(world, endings, api, make_user):
    query = f"/api/v1/reports/council?municipality={world.dordrecht.code}&from=2026-07-01&to=2026-12-31"
    finance = api(world.maker).get(query)
    assert finance.status_code == 200, finance.json
    b1 = next(v for v in finance.json["volumes"] if v["service"] == "b1_route")
    assert (b1["uitval"], b1["switched"], b1["afgeschaald"], b1["ended_otherwise"]) == (1, 1, 1, 1)
    assert finance.json["money"][0]["year"]["funding_source"] == "spuk"
    assert len(finance.json["indicators"][0]["by_month"]) == 6
    manager = api(make_user(Role.CONTRACTMANAGER, region=world.region)).get(query)
    assert manager.status_code == 200 and manager.json["money"] is None
    assert api(make_user(Role.PROVIDER, provider=world.b1.provider)).get(query).status_code == 403
    region = api(world.maker).get(f"/api/v1/reports/council?region_id={world.region.id}&from=2026-07-01&to=2026-12-31")
    assert region.status_code == 200 and region.json["scope"] == f"regio {world.region.name}"


@pytest.mark.parametrize("query, field", [
    ("from=2026-07-01&to=2026-12-31", "municipality"),  # no scope
    ("municipality=GM0000&from=2026-07-01&to=2026-12-31", "municipality"),  # not in scope
    ("municipality={code}&from=2026-12-01&to=2026-07-01", "from"),  # backwards
    ("municipality={code}&from=2024-01-01&to=2026-12-31", "to"),  # over 24 months
])
def test_council_api_names_the_wrong_field(world, api, query, field):
    found = api(world.maker).get(f"/api/v1/reports/council?{query.format(code=world.dordrecht.code)}")
    assert found.status_code == 422 and found.json["errors"][0]["field"] == field


def test_the_periods_signals_are_those_raised_for_its_municipalities_and_months(world, make_contract):
    elsewhere = make_contract()
    db.session.add_all([
        KpiAlert(contract_id=world.b1.id, municipality_id=world.dordrecht.id, scope_key=world.dordrecht.id,
                 kpi="dropout_rate", month=date(2026, 9, 1), value=D("0.2"), norm=D("0.1"), direction="max"),
        KpiAlert(contract_id=world.b1.id, municipality_id=world.dordrecht.id, scope_key=world.dordrecht.id,
                 kpi="dropout_rate", month=date(2026, 3, 1), value=D("0.2"), norm=D("0.1"), direction="max"),
        Alert(key="end:b1", kind=AlertKind.CONTRACT_END, contract_id=world.b1.id, provider_id=world.b1.provider_id,
              due_on=date(2027, 5, 1), message="Contract eindigt.", raised_on=date(2026, 11, 1)),
        Alert(key="end:old", kind=AlertKind.CONTRACT_END, contract_id=world.b1.id, due_on=date(2026, 6, 1),
              message="Opgelost voor de periode.", raised_on=date(2026, 1, 1), resolved_on=date(2026, 6, 2)),
        Alert(key="end:other", kind=AlertKind.CONTRACT_END, contract_id=elsewhere.id, due_on=date(2027, 1, 1),
              message="Ander contract.", raised_on=date(2026, 11, 1)),
        Alert(key="keurmerk", kind=AlertKind.KEURMERK, provider_id=world.z.provider_id, due_on=date(2027, 2, 1),
              message="Keurmerk verloopt.", raised_on=date(2026, 12, 1))])
    db.session.flush()
    tables = council_tables([world.dordrecht], "gemeente Dordrecht", *H2, today=TODAY, with_money=False)
    assert [(s.kind, s.on) for s in tables.signals] == [
        ("kpi", date(2026, 9, 1)), ("keurmerk", date(2027, 2, 1)), ("contract_end", date(2027, 5, 1))]
    assert tables.signals[0].message == f"Uitval 20,0 %, norm maximaal 10,0 %, contract {world.b1.reference}"

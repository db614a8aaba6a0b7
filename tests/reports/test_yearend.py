"""The year-end figures against independent sums of the same region: realised and the corrections for earlier
years from the approved runs' lines one by one, the accruals from a draft run with the year's end as its cut-off
(rolled back), the commitments carried from the schedule's milestones not yet earned."""
from collections import defaultdict
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from budget.models import FundingSource
from budget.realised import realised
from core.extensions import db
from payments.models import LedgerAccount, LineStatus, PaymentLine, PaymentRun, RunStatus
from payments.runs import create_run
from reports.yearend import year_end
from tests.reports.conftest import TODAY

ZERO = D("0.00")
pytestmark = pytest.mark.today(TODAY.isoformat())


def _account(line) -> str:
    found = db.session.scalar(sa.select(LedgerAccount.account).where(
        LedgerAccount.service_id == line.contract.service_id, LedgerAccount.kind == line.milestone_kind))
    return found or ""


def _source(world, line) -> FundingSource:
    return FundingSource.EIGEN_MIDDELEN if line.municipality_id == world.zwijndrecht.id else FundingSource.SPUK


def journal_sums(world, municipality, year: int) -> dict:
    """Per (source, account, figure): every approved paid line, new ones by trigger year, corrections by their
    run's year, split by the year of what they correct."""
    found = defaultdict(lambda: ZERO)
    lines = db.session.scalars(sa.select(PaymentLine).join(PaymentRun, PaymentRun.id == PaymentLine.run_id).where(
        PaymentRun.status == RunStatus.APPROVED, PaymentLine.municipality_id == municipality.id)).all()
    for line in lines:
        key = (_source(world, line), _account(line))
        if line.status == LineStatus.NEW and line.trigger_date.year == year:
            found[(*key, "realised")] += line.amount
        elif line.status == LineStatus.CORRECTION and int(line.run.period[:4]) == year:
            found[(*key, "realised" if line.trigger_date.year == year else "corrections_earlier_years")] += line.amount
    return dict(found)


def draft_sums(world, municipality, year: int) -> dict:
    """Per (source, account, figure): the new and held lines a run with 31 December as cut-off would book now."""
    savepoint = db.session.begin_nested()
    draft = create_run(f"{year}-12", municipality=municipality, by=world.maker, today=TODAY)
    found = defaultdict(lambda: ZERO)
    for line in db.session.scalars(sa.select(PaymentLine).where(PaymentLine.run_id == draft.id)):
        if line.status != LineStatus.CORRECTION:
            figure = "held" if line.status == LineStatus.HELD else "accrued"
            found[(_source(world, line), _account(line), figure)] += line.amount
    savepoint.rollback()
    return dict(found)


def figures(result) -> dict:
    return {(row.funding_source, row.ledger_account, name): getattr(row, name) for row in result.rows
            for name in ("realised", "accrued", "held", "corrections_earlier_years") if getattr(row, name)}


def test_year_end_ties_out_to_the_approved_lines_and_a_draft_at_the_year_end(world):
    for municipality in (world.dordrecht, world.zwijndrecht):
        expected = {**journal_sums(world, municipality, 2026), **draft_sums(world, municipality, 2026)}
        assert figures(year_end(municipality, 2026)) == expected
    found = figures(year_end(world.dordrecht, 2026))
    assert found[FundingSource.SPUK, "4711", "corrections_earlier_years"] == D("-1000.00")  # the 2025 start
    assert found[FundingSource.SPUK, "4712", "accrued"] == D("500.00")  # completed 20 Dec, in no approved run
    assert found[FundingSource.SPUK, "4721", "held"] == D("1500.00")  # the Z-route contract at its ceiling


def test_an_accrual_becomes_realised_once_the_january_run_is_approved(world):
    before = year_end(world.dordrecht, 2026)
    world.pay("2026-12", today=TODAY)
    after = year_end(world.dordrecht, 2026)
    assert after.total("accrued") == ZERO
    assert after.total("realised") == before.total("realised") + before.total("accrued")
    assert after.total("held") == before.total("held")  # the ceiling still holds the Z-route start
    assert figures(after) == journal_sums(world, world.dordrecht, 2026) | draft_sums(world, world.dordrecht, 2026)


def test_realised_and_earlier_year_corrections_equal_the_begroting_realised(world):
    for municipality in (world.dordrecht, world.zwijndrecht):
        result = year_end(municipality, 2026)
        paid = realised([municipality.id], date(2026, 1, 1), date(2026, 12, 31))
        assert result.total("realised") + result.total("corrections_earlier_years") == sum(
            (sum(months.values(), ZERO) for months in paid.values()), ZERO)


def test_the_earlier_year_keeps_the_start_it_paid_and_the_clawback_lands_in_the_year_that_booked_it(world):
    found = figures(year_end(world.dordrecht, 2025))
    assert found == journal_sums(world, world.dordrecht, 2025)  # nothing accrued: 2025's only start was retracted
    assert found[FundingSource.SPUK, "4711", "realised"] == D("1000.00")


def test_commitments_carried_are_the_milestones_running_trajectories_can_still_earn(world):
    carried = {(c.funding_source, c.contract.id): c.carried for c in year_end(world.dordrecht, 2026).commitments}
    # Running at the year's end: "paid" and "running" (each its completion) on the B1 contract; "clawed" lost its
    # start and can earn it again, and its completion; the Z-route trajectories have earned all they can.
    assert carried == {(FundingSource.SPUK, world.b1.id): D("500.00") * 3 + D("1000.00")}

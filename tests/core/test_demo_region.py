"""The demo region keeps the rules it demonstrates."""
import sqlalchemy as sa

from contracts.models import Contract, OpenHouse
from core import audit
from core.dates import today
from core.extensions import db
from core.models import Role, Service, User
from procurement.models import ProcurementRoute
from trajectories.flags import flagged_contracts
from trajectories.models import ProgressEvent, Trajectory, TrajectoryStatus


def test_the_demo_follows_its_own_rules(app, ctx):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    contracts = {c.reference: c for c in db.session.scalars(sa.select(Contract))}
    z_route = contracts["DS-Z-2026-01"]
    # the Z-route contract on its own schedule: hours to 1,600, A1, the municipality's closing interview, no exam
    assert [m.trigger for m in z_route.milestones] == ["start", "hours", "hours", "hours", "hours", "level", "module"]
    assert "exam_pass_rate" not in {k.kpi for k in z_route.kpi_agreements}
    # ... 800 hours of taal and KNM and 800 of participation, each in its DUO bucket, reported as such (issue 19)
    assert [m.params.get("bucket") for m in z_route.milestones if m.trigger == "hours"] == [
        "taal_knm", "taal_knm", "participatie", "participatie"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent)
                             .where(ProgressEvent.bucket == "participatie"))
    # every contract says how it pays trajectories that outlive it: the leerroutes to their end, KNM for six months
    assert z_route.pays_until is None and contracts["DS-KNM-2026-01"].pays_until > contracts["DS-KNM-2026-01"].ends_on
    # no subsidy pays on results; the KNM contract, paying on the exam, was tendered
    assert contracts["DS-KNM-2026-01"].procurement_route == ProcurementRoute.AANBESTEDING
    assert not [c for c in contracts.values() if c.procurement_route == ProcurementRoute.SUBSIDIE
                and any(m.kind == "prestatie" for m in c.milestones)]
    # a Z-route participant sits no exam; some leerroute participants carry DUO's alfabetisering flag
    z_exams = db.session.scalar(sa.select(sa.func.count()).select_from(ProgressEvent).join(
        Trajectory, Trajectory.id == ProgressEvent.trajectory_id).join(Trajectory.contract).join(Contract.service)
        .where(Service.code == "z_route", ProgressEvent.type == "exam"))
    assert z_exams == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)
                             .where(Trajectory.alfabetisering.is_not(None)))
    # an afgeschaald B1-route participant goes on in the route, with A2 as the aim in spreken
    [lowered] = db.session.scalars(sa.select(ProgressEvent).where(ProgressEvent.type == "afschaling")).all()
    assert (lowered.skill, lowered.level, lowered.trajectory.contract.service.code) == ("SP", "A2", "b1_route")
    assert lowered.trajectory.status == TrajectoryStatus.ACTIVE
    # a B1-route participant switched to the onderwijsroute: the old trajectory closed with schakelen, no uitval
    [switched] = db.session.scalars(sa.select(Trajectory).where(Trajectory.switched_from_id.is_not(None))).all()
    closed = [e for e in switched.switched_from.events if e.type == "dropout"]
    assert (switched.contract.service.code, switched.switched_from.contract.service.code) == ("onderwijsroute",
                                                                                             "b1_route")
    assert [e.reason for e in closed] == ["schakelen"] and switched.referral_date == closed[0].occurred_on
    # every trajectory has its kennisgeving and termijn; two running ones are past it, one of them extended
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(Trajectory)
                                 .where(Trajectory.term_ends_on.is_(None)))
    past = db.session.scalars(sa.select(Trajectory).where(Trajectory.term_ends_on < today())).all()
    assert len(past) == 2 and len([t for t in past if t.term_extended_until]) == 1
    # the Open House was announced before anyone was admitted, and its participants chose their provider
    house = db.session.scalar(sa.select(OpenHouse))
    assert house.announced_on <= house.list_versions[0].published_on and len(house.list_versions) == 2
    chosen = db.session.scalars(sa.select(Trajectory).join(Trajectory.contract).where(
        Contract.procurement_route == ProcurementRoute.OPEN_HOUSE)).all()
    assert chosen and all(t.chosen_by_participant and t.provider_list_version.lists(t.contract.provider_id)
                          for t in chosen)
    # the Z-route provider's keurmerk is suspended: a referral to it was refused and its running trajectories flagged
    refusals = [e for e in audit.history(z_route) if e.action == "referral_refused"]
    assert len(refusals) == 1 and "geen geldig keurmerk" in refusals[0].summary
    manager = db.session.scalar(sa.select(User).where(User.role == Role.CONTRACTMANAGER))
    assert [c.reference for c, _, count in flagged_contracts(manager, today()) if count] == ["DS-Z-2026-01"]

"""Evidence rules (issue 18): which source may earn which milestone, claims that staff verify, the sample of an
approved run's result lines, through the run service and end to end through the API."""
import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from core.errors import Conflict, DomainError, Forbidden
from core.extensions import db
from core.models import Role
from payments import verification
from payments.models import AWAITING_VERIFICATION, ClaimStatus, EvidenceClaim, PaymentLine, SampledLine
from payments.runs import approve_run, create_run

TODAY = date(2026, 11, 23)
SENDERS = {"duo": "duo", "staff": "user:1", "provider": "provider:test"}
EARNED, CLAIM = "new", "held"


def ms(trigger, kind="prestatie", **params):
    """A milestone with the template's evidence rule (no sources given: core.terms.default_sources)."""
    return {"code": "M", "label": "Mijlpaal", "kind": kind, "trigger": trigger, "params": params,
            "amount": D("100.00")}


def att(month: int, **_):
    return ("attendance", date(2026, month, 28), {"month": date(2026, month, 1), "hours_offered": D("10"),
                                                  "hours_attended": D("10"), "hours_excused": D("0")})


EVIDENCE = {  # trigger -> (milestone, the events that earn it)
    "start": (ms("start", "inspanning"), [("start", date(2026, 3, 2), {})]),
    "attendance_month": (ms("attendance_month", "inspanning"), [att(3)]),
    "hours": (ms("hours", "inspanning", hours="10"), [att(3)]),
    "level (inspanning)": (ms("level", "inspanning", skills=["LE"], level="A2"),
                           [("progress_test", date(2026, 3, 2), {"skill": "LE", "level": "A2"})]),
    "level (prestatie)": (ms("level", skills=["LE"], level="A2"),
                          [("progress_test", date(2026, 3, 2), {"skill": "LE", "level": "A2"})]),
    "level (prestatie) by exam": (ms("level", skills=["LE"], level="A2"),
                                  [("exam", date(2026, 3, 2), {"component": "LE", "level": "B1",
                                                               "result": "geslaagd"})]),
    "exam": (ms("exam", components=["KNM"]), [("exam", date(2026, 3, 2), {"component": "KNM",
                                                                          "result": "geslaagd"})]),
    "module MAP": (ms("module", "inspanning", module="MAP"), [("module_completed", date(2026, 3, 2), {"module": "MAP"})]),
    "module PVT": (ms("module", "inspanning", module="PVT"), [("module_completed", date(2026, 3, 2), {"module": "PVT"})]),
    "module ZROUTE": (ms("module", module="ZROUTE"), [("module_completed", date(2026, 3, 2), {"module": "ZROUTE"})]),
    "completed": (ms("completed"), [("completed", date(2026, 3, 2), {})]),
    "outflow": (ms("outflow", destinations=["werk"]), [("outflow", date(2026, 3, 2), {"destination": "werk"})]),
}

POLICY = [
    # the template: exam results only from DUO or staff; MAP, PVT and Z-route only by staff; a provider's progress
    # test pays no result milestone; the rest from anyone
    ("start", {"duo": EARNED, "staff": EARNED, "provider": EARNED}),
    ("attendance_month", {"duo": EARNED, "staff": EARNED, "provider": EARNED}),
    ("hours", {"duo": EARNED, "staff": EARNED, "provider": EARNED}),
    ("level (inspanning)", {"duo": EARNED, "staff": EARNED, "provider": EARNED}),
    ("level (prestatie)", {"duo": EARNED, "staff": EARNED, "provider": CLAIM}),
    ("level (prestatie) by exam", {"duo": EARNED, "staff": EARNED, "provider": CLAIM}),
    ("exam", {"duo": EARNED, "staff": EARNED, "provider": CLAIM}),
    ("module MAP", {"duo": CLAIM, "staff": EARNED, "provider": CLAIM}),
    ("module PVT", {"duo": CLAIM, "staff": EARNED, "provider": CLAIM}),
    ("module ZROUTE", {"duo": CLAIM, "staff": EARNED, "provider": CLAIM}),
    ("completed", {"duo": EARNED, "staff": EARNED, "provider": EARNED}),
    ("outflow", {"duo": EARNED, "staff": EARNED, "provider": EARNED}),
]


@pytest.fixture
def run_for(make_contract, make_trajectory, make_event, make_user):
    """run_for(milestone, events, sender, period) -> (status, reason) of each line of a fresh run."""

    def run(milestone, events, sender, period="2026-10"):
        contract = make_contract(milestones=[milestone])
        trajectory = make_trajectory(contract=contract)
        for kind, day, fields in events:
            make_event(trajectory, kind, day, **{"sender": sender, **fields})
        made = create_run(period, municipality=contract.municipalities[0],
                          by=make_user(Role.FINANCE, municipalities=contract.municipalities), today=TODAY)
        return [(line.status.value, line.reason) for line in lines(made)]

    return run


def lines(run):
    return db.session.scalars(sa.select(PaymentLine).where(PaymentLine.run_id == run.id).order_by(PaymentLine.id)).all()


@pytest.mark.parametrize("trigger, sender, outcome", [
    (trigger, sender, outcome) for trigger, outcomes in POLICY for sender, outcome in outcomes.items()])
def test_the_template_says_which_source_earns_which_trigger(run_for, trigger, sender, outcome):
    milestone, events = EVIDENCE[trigger]
    expected = [(EARNED, None)] if outcome == EARNED else [(CLAIM, AWAITING_VERIFICATION)]
    assert run_for(milestone, events, SENDERS[sender]) == expected


@pytest.mark.parametrize("trigger, sources, sender, outcome", [
    # the contract says so explicitly: the provider's progress tests pay the B1 result
    ("level (prestatie)", ["duo", "staff", "provider"], "provider", EARNED),
    # and the other way round: a contract may trust only DUO's exams
    ("exam", ["duo"], "staff", CLAIM),
    ("exam", ["duo"], "duo", EARNED),
    ("start", ["staff"], "provider", CLAIM),
])
def test_a_contract_sets_its_own_evidence_rule(run_for, trigger, sources, sender, outcome):
    milestone, events = EVIDENCE[trigger]
    assert run_for({**milestone, "sources": sources}, events, SENDERS[sender])[0][0] == outcome


@pytest.mark.parametrize("dropout_on, lines_", [
    (date(2026, 2, 1), []),  # the provider's dropout before DUO's exam: nothing after a dropout counts
    (date(2026, 4, 1), [(EARNED, None)]),
])
def test_a_dropout_reported_by_anyone_ends_what_the_trusted_sources_earn(run_for, dropout_on, lines_):
    milestone, _ = EVIDENCE["exam"]
    events = [("dropout", dropout_on, {"reason": "uitval"}),
              ("exam", date(2026, 3, 2), {"component": "KNM", "result": "geslaagd", "sender": "duo"})]
    assert run_for(milestone, events, SENDERS["provider"]) == lines_


@pytest.fixture
def claimed(make_contract, make_trajectory, make_event, make_user):
    """A provider-reported KNM exam on a contract whose rules want DUO or staff; a maker, a checker, a manager."""
    contract = make_contract(milestones=[EVIDENCE["exam"][0]])
    trajectory = make_trajectory(contract=contract)
    event = make_event(trajectory, "exam", date(2026, 3, 2), component="KNM", result="geslaagd")
    town = contract.municipalities
    return {"contract": contract, "trajectory": trajectory, "event": event,
            "maker": make_user(Role.FINANCE, municipalities=town), "checker": make_user(Role.FINANCE, municipalities=town),
            "manager": make_user(Role.CONTRACTMANAGER, municipalities=town)}


def paid_run(world, period):
    run = create_run(period, municipality=world["contract"].municipalities[0], by=world["maker"], today=TODAY)
    approve_run(run, by=world["checker"])
    return run


def the_claim() -> EvidenceClaim:
    return db.session.scalar(sa.select(EvidenceClaim))


@pytest.mark.parametrize("decision, then", [
    # open: held again, one claim only
    (None, [("held", AWAITING_VERIFICATION, D("100.00"))]),
    # accepted: the next run pays it
    ("accept", [("new", None, D("100.00"))]),
    # rejected: never paid
    ("reject", []),
])
def test_a_claim_is_held_until_staff_decide(claimed, decision, then):
    first = paid_run(claimed, "2026-09")
    assert [(l.status.value, l.reason) for l in lines(first)] == [("held", AWAITING_VERIFICATION)]
    assert (first.total, first.held_total) == (D("0.00"), D("100.00"))
    claim = the_claim()
    assert (claim.status, claim.milestone_code, claim.trigger_date, claim.found_in_run_id) == (
        ClaimStatus.OPEN, "M", date(2026, 3, 2), first.id)
    if decision == "accept":
        verification.accept_claim(claim, "Certificaat gezien", None, by=claimed["manager"],
                                  today=TODAY)
    elif decision == "reject":
        verification.reject_claim(claim, "Geen uitslag bij DUO bekend", by=claimed["manager"])
    second = paid_run(claimed, "2026-10")
    assert [(l.status.value, l.reason, l.amount) for l in lines(second)] == then
    assert db.session.scalar(sa.select(sa.func.count(EvidenceClaim.id))) == 1


def test_a_rejected_claim_is_clawed_back_when_paid_and_duos_result_still_pays(claimed, make_event):
    """A paid instance that only a claim still earns (DUO's result retracted, the provider's remains) is verified,
    not clawed back at once; rejected, it is clawed back with the reason; DUO's own result later pays again."""
    trajectory = claimed["trajectory"]
    duo = make_event(trajectory, "exam", date(2026, 3, 1), sender="duo", source="duo", component="KNM",
                     result="geslaagd")
    assert [l.status.value for l in lines(paid_run(claimed, "2026-08"))] == ["new"]
    make_event(trajectory, "retraction", date(2026, 9, 1), sender="duo", retracts_id=duo.id)
    assert lines(paid_run(claimed, "2026-09")) == []  # still claimed: no clawback yet, the claim is open
    verification.reject_claim(the_claim(), "DUO heeft de uitslag ingetrokken", by=claimed["manager"])
    clawback = lines(paid_run(claimed, "2026-10"))
    assert [(l.status.value, l.reason, l.amount) for l in clawback] == [
        ("correction", "claim afgewezen: DUO heeft de uitslag ingetrokken", D("-100.00"))]
    make_event(trajectory, "exam", date(2026, 10, 5), sender="duo", source="duo", component="KNM", result="geslaagd")
    assert [l.status.value for l in lines(paid_run(claimed, "2026-11"))] == ["new"]


@pytest.mark.parametrize("who, first, error", [
    # only a contract manager (or admin) decides, with a note or reason, and only once
    (Role.FINANCE, "accept", Forbidden),
    (Role.PROVIDER, "reject", Forbidden),
    (Role.CONTRACTMANAGER, "accept-empty", DomainError),
    (Role.CONTRACTMANAGER, "reject-empty", DomainError),
    (Role.CONTRACTMANAGER, "twice", Conflict),
])
def test_who_decides_a_claim_and_how(claimed, make_user, make_provider, who, first, error):
    paid_run(claimed, "2026-09")
    claim = the_claim()
    user = make_user(who, municipalities=claimed["contract"].municipalities,
                     provider=claimed["contract"].provider if who == Role.PROVIDER else None)
    accept = lambda note: verification.accept_claim(claim, note, None, by=user,  # noqa: E731
                                                   today=TODAY)
    with pytest.raises(error):
        if first == "twice":
            accept("Gezien")
            verification.reject_claim(claim, "Toch niet", by=user)
        elif first.startswith("accept"):
            accept("" if first.endswith("empty") else "Gezien")
        else:
            verification.reject_claim(claim, " " if first.endswith("empty") else "Nee", by=user)


@pytest.mark.parametrize("lines_, percentage, minimum, size", [
    (0, D("5"), 5, 0),
    (3, D("5"), 5, 3),  # fewer than the minimum: all of them
    (100, D("5"), 5, 5),
    (101, D("5"), 5, 6),  # 5.05 rounded up
    (1000, D("5"), 5, 50),
    (1000, D("2.5"), 40, 40),  # the minimum wins
    (10, D("100"), 0, 10),
])
def test_sample_size(lines_, percentage, minimum, size):
    assert verification.sample_size(lines_, percentage, minimum) == size


def test_the_sample_is_reproducible_and_only_result_lines(make_region, make_contract, make_trajectory, make_event,
                                                          make_user):
    region = make_region()
    start = {"code": "S", "label": "Start", "kind": "inspanning", "trigger": "start", "amount": D("10.00")}
    done = {"code": "C", "label": "Afgerond", "kind": "prestatie", "trigger": "completed", "amount": D("90.00")}
    contract = make_contract(milestones=[start, done], municipalities=region.municipalities)
    for n in range(40):
        trajectory = make_trajectory(contract=contract, municipality=region.municipalities[n % 2])
        make_event(trajectory, "start", date(2026, 2, 1))
        make_event(trajectory, "completed", date(2026, 6, 1))
    maker, checker = make_user(Role.FINANCE, region=region), make_user(Role.FINANCE, region=region)
    verification.set_sampling_rule(region, D("10"), 3, by=maker)
    run = create_run("2026-10", region=region, by=maker, today=TODAY)
    approve_run(run, by=checker)
    drawn = db.session.scalars(sa.select(SampledLine.line_id).where(SampledLine.run_id == run.id)
                               .order_by(SampledLine.line_id)).all()
    assert len(drawn) == 4  # 10% of the 40 result lines, at least 3
    assert drawn == verification.sample_of(run) == verification.sample_of(run)  # the same on every draw
    kinds = {line.milestone_kind for line in lines(run) if line.id in drawn}
    assert kinds == {"prestatie"}


def test_an_unjustified_sampled_line_is_clawed_back_with_the_reason_and_not_paid_again(claimed, make_event):
    make_event(claimed["trajectory"], "exam", date(2026, 3, 1), sender="duo", source="duo", component="KNM",
               result="geslaagd")
    first = paid_run(claimed, "2026-09")
    [sample] = db.session.scalars(sa.select(SampledLine).where(SampledLine.run_id == first.id)).all()
    with pytest.raises(DomainError):
        verification.check_sample(sample, False, "", by=claimed["manager"])
    verification.check_sample(sample, False, "Deelnemer niet verschenen", by=claimed["manager"])
    second = paid_run(claimed, "2026-10")
    assert [(l.status.value, l.reason, l.amount) for l in lines(second)] == [
        ("correction", "steekproef: Deelnemer niet verschenen", D("-100.00"))]
    assert lines(paid_run(claimed, "2026-11")) == []  # and not earned again


@pytest.mark.today("2026-11-23")
def test_end_to_end_a_provider_reports_an_exam_staff_accept_a_sampled_line_is_clawed_back(
        api, make_contract, make_trajectory, make_user, make_region):
    region = make_region()
    knm = {"code": "KNM", "label": "KNM-examen", "kind": "prestatie", "trigger": "exam",
           "params": {"components": ["KNM"]}, "amount": D("500.00")}
    contract = make_contract(milestones=[knm], municipalities=region.municipalities)
    make_trajectory(contract=contract, reference="TRJ-E2E", municipality=region.municipalities[0],
                    referral_date=date(2026, 1, 10))
    provider = api(make_user(Role.PROVIDER, provider=contract.provider))
    maker, checker = api(make_user(Role.FINANCE, region=region)), api(make_user(Role.FINANCE, region=region))
    manager = api(make_user(Role.CONTRACTMANAGER, region=region))

    reported = provider.post("/api/v1/progress-events", json={"events": [
        {"event_id": "X1", "trajectory": "TRJ-E2E", "type": "exam", "date": "2026-09-10", "component": "KNM",
         "result": "geslaagd"}]})
    assert reported.status_code in (200, 201), reported.json

    def run_and_approve(period):
        made = maker.post("/api/v1/payment-runs", json={"period": period, "region_id": region.id}).json
        approved = checker.post(f"/api/v1/payment-runs/{made['id']}/approve")
        assert approved.status_code == 200, approved.json
        return made

    held = run_and_approve("2026-09")
    assert [(l["milestone"], l["status"], l["reason"]) for l in held["lines"]] == [
        ("KNM", "held", "wacht op verificatie")]
    assert (held["total"], held["held_total"]) == ("0.00", "500.00")
    [claim] = manager.get("/api/v1/evidence-claims?status=open").json["items"]
    assert provider.get("/api/v1/evidence-claims").json["items"][0]["status"] == "open"  # the provider sees it too
    accepted = manager.post(f"/api/v1/evidence-claims/{claim['id']}/accept",
                            data={"note": "Certificaat KNM gezien"}, content_type="multipart/form-data")
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted", accepted.json

    paid = run_and_approve("2026-10")
    assert [(l["milestone"], l["status"], l["amount"]) for l in paid["lines"]] == [("KNM", "new", "500.00")]
    [sampled] = maker.get(f"/api/v1/payment-runs/{paid['id']}/sample").json["items"]
    assert (sampled["milestone"], sampled["status"]) == ("KNM", "open")
    assert manager.post(f"/api/v1/sampled-lines/{sampled['id']}/check", json={"justified": False}).status_code == 422
    checked = manager.post(f"/api/v1/sampled-lines/{sampled['id']}/check",
                           json={"justified": False, "reason": "Certificaat blijkt vals"})
    assert checked.status_code == 200 and checked.json["status"] == "unjustified"

    clawed = run_and_approve("2026-11")
    assert [(l["status"], l["reason"], l["amount"]) for l in clawed["lines"]] == [
        ("correction", "steekproef: Certificaat blijkt vals", "-500.00")]
    journal = maker.get(f"/api/v1/payment-runs/{clawed['id']}/export/journal-machine.csv")
    [row] = list(csv.DictReader(io.StringIO(journal.get_data(as_text=True))))
    assert (row["regel"], row["reden"], row["bedrag"]) == ("Correctie", "steekproef: Certificaat blijkt vals",
                                                           "-500.00")


def test_accepting_a_module_claim_is_the_municipalitys_own_registration(make_contract, make_trajectory, make_event,
                                                                        make_user):
    """The provider's MAP completion is a claim; accepted, it is recorded as the contract manager's own completion,
    which the next run pays through the rules and DUO is told of (trajectories/duo)."""
    from trajectories.models import ProgressEvent

    contract = make_contract(milestones=[EVIDENCE["module MAP"][0]])
    trajectory = make_trajectory(contract=contract)
    make_event(trajectory, "module_completed", date(2026, 3, 2), module="MAP")
    world = {"contract": contract, "maker": make_user(Role.FINANCE, municipalities=contract.municipalities),
             "checker": make_user(Role.FINANCE, municipalities=contract.municipalities)}
    manager = make_user(Role.CONTRACTMANAGER, municipalities=contract.municipalities)
    paid_run(world, "2026-09")
    verification.accept_claim(the_claim(), "Eindgesprek gevoerd, verslag in het dossier", None, by=manager, today=TODAY)
    staff = db.session.scalars(sa.select(ProgressEvent).where(ProgressEvent.sender == f"user:{manager.id}")).all()
    assert [(e.type, e.module, e.occurred_on) for e in staff] == [("module_completed", "MAP", date(2026, 3, 2))]
    assert [l.status.value for l in lines(paid_run(world, "2026-10"))] == ["new"]


def test_the_verification_pages(claimed, login, make_user):
    paid_run(claimed, "2026-09")
    claim = the_claim()
    db.session.commit()
    browser = login(claimed["manager"])
    listing = browser.get("/verificatie/").get_data(as_text=True)
    assert "Claims te verifiëren" in listing and claim.trajectory.reference in listing
    assert browser.post(f"/verificatie/claims/{claim.id}/afwijzen", data={"reason": ""}).status_code == 200
    done = browser.post(f"/verificatie/claims/{claim.id}/afwijzen", data={"reason": "Geen bewijs bij DUO"},
                        follow_redirects=True)
    assert "afgewezen" in done.get_data(as_text=True)
    browser.post("/logout")
    provider = login(make_user(Role.PROVIDER, provider=claimed["contract"].provider))
    own = provider.get("/verificatie/mijn-claims").get_data(as_text=True)
    assert "Afgewezen" in own and "Geen bewijs bij DUO" in own
    assert provider.get("/verificatie/").status_code == 403

"""The national data set: 35 regions of 10 municipalities, 4 contracts per region with one milestone schedule,
100,000 trajectories and about 4,000,000 progress events at scale 1.0, loaded in bulk (PostgreSQL COPY via
psycopg, SQLite executemany).

Every trajectory follows a plausible course (progress-events.md): a start, 14-38 months of attendance, progress
tests that climb from A2 to B1 in the four skills, DUO exams (KNM and the skills at B1), the MAP final interview,
now and then an interruption, and an end (dropout, completion, outflow); about 1% of trajectories retract one
attendance event. The schedule (payments.md) uses every trigger that `national_total_sql` mirrors.

Issue 19: a tenth of the trajectories also report Z-route participation hours (a second hours bucket), and a
quarter have an inburgeringstermijn that ends during their course, a third of those extended by DUO; every fourth
contract pays effort in an extended termijn. These come from a random generator of their own per trajectory, so
the courses themselves are those of before.
"""
import random
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from core.auth import hash_password
from core.catalogue import service_rows
from core.extensions import db
from core.models import Municipality, Region, Role, Service, User
from core.terms import default_sources

TODAY = date(2026, 11, 23)
PERIOD = "2026-10"
CUTOFF = date(2026, 10, 31)
PASSWORD = "Benchmark-wachtwoord-2026"
REGIONS, MUNICIPALITIES_PER_REGION, CONTRACTS_PER_REGION = 35, 10, 4
TRAJECTORIES = 100_000
SKILLS = ("LE", "LU", "SC", "SP")
#: (code, kind, trigger, params, amount, sources): every trigger kind the SQL total mirrors; the sources are the
#: template's (core.terms.default_sources), except that B1 explicitly lets the provider's progress tests pay.
SCHEDULE = (
    ("START", "inspanning", "start", {}, "500.00", None),
    ("AANW", "inspanning", "attendance_month", {"min_rate": "0.80", "max_months": 12}, "150.00", None),
    ("B1", "prestatie", "level", {"skills": list(SKILLS), "level": "B1"}, "1000.00", ["duo", "staff", "provider"]),
    ("EXAMEN", "prestatie", "exam", {"components": ["KNM", *SKILLS], "level": "B1"}, "750.00", None),
    ("MAP", "inspanning", "module", {"module": "MAP"}, "200.00", None),
    ("UREN", "inspanning", "hours", {"hours": "600", "bucket": "taal_knm"}, "250.00", None),
    ("AF", "prestatie", "completed", {}, "300.00", None),
    ("WERK", "prestatie", "outflow", {"destinations": ["werk"]}, "500.00", None),
)
KPIS = ("timely_start", "attendance_rate", "dropout_rate")
EVENT_COLUMNS = ("id", "trajectory_id", "sender", "event_id", "type", "date", "month", "hours_offered_e2",
                 "hours_attended_e2", "hours_excused_e2", "skill", "level", "component", "result", "module",
                 "reason", "destination", "retracts_id", "source", "created_at", "pip_version", "bucket")
TRAJECTORY_COLUMNS = ("id", "reference", "contract_id", "municipality_id", "referral_date", "participant_pseudonym",
                      "created_at", "term_ends_on", "term_extended_until", "kennisgeving_on", "pip_date")


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def bulk_load(table: str, columns: tuple, rows, chunk: int = 20_000) -> int:
    """Stream rows (tuples in `columns` order) into a table: COPY on PostgreSQL, executemany on SQLite."""
    connection = db.session.connection()
    count = 0
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        return count
    cursor = connection.connection.driver_connection.cursor()
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            cursor.executemany(sql, batch)
            count += len(batch)
            batch.clear()
    cursor.executemany(sql, batch)
    return count + len(batch)


def rebuild_schema() -> None:
    """An empty schema as the models describe it, whatever an earlier version left in the database (tables that
    refer to each other differently, trigger functions): for the benchmarks and the test session. On PostgreSQL
    it drops the public schema, which the role must own. Needs an app context."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("DROP SCHEMA public CASCADE"))
        db.session.execute(sa.text("CREATE SCHEMA public"))
        db.session.commit()
    else:
        db.drop_all()
    db.create_all()


def _reset_sequences(tables: tuple[str, ...]) -> None:
    if db.session.connection().dialect.name == "postgresql":
        for table in tables:
            db.session.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def _organisations(rng: random.Random):
    """Regions, municipalities, providers, contracts with the schedule and KPI agreements, one user per region."""
    from contracts.models import Contract, KpiAgreement, Milestone
    from procurement.models import ProcurementRoute
    from providers.models import Provider

    services = db.session.scalars(sa.select(Service).order_by(Service.position)).all()
    password = hash_password(PASSWORD)
    contracts = []
    for r in range(REGIONS):
        region = Region(name=f"Benchregio {r + 1:02d}")
        towns = [Municipality(code=f"GM{9000 - r * MUNICIPALITIES_PER_REGION - m:04d}", name=f"Gemeente {r}-{m}")
                 for m in range(MUNICIPALITIES_PER_REGION)]
        region.municipalities = towns
        db.session.add(region)
        db.session.add(User(email=f"cm{r + 1:02d}@bench.nl", name=f"Contractmanager {r + 1}", password_hash=password,
                            role=Role.CONTRACTMANAGER, region=region))
        for c in range(CONTRACTS_PER_REGION):
            provider = Provider(name=f"Aanbieder {r}-{c}", kvk_number=f"{50000000 + r * 10 + c}",
                                iban="NL91ABNA0417164300")
            contract = Contract(reference=f"BENCH-{r:02d}-{c}", provider=provider, service=services[c % len(services)],
                                procurement_route=ProcurementRoute.OPEN_HOUSE, starts_on=date(2022, 1, 1),
                                price_per_trajectory=Decimal("3000.00"), municipalities=towns,
                                pays_effort_in_extension=c == 1, **_term(c))
            contract.milestones = [Milestone(position=i, code=code, label=code.title(), kind=kind, trigger=trigger,
                                             params=params, amount=Decimal(amount),
                                             sources=sources or default_sources(trigger, kind))
                                   for i, (code, kind, trigger, params, amount, sources) in enumerate(SCHEDULE)]
            contract.kpi_agreements = [KpiAgreement(kpi=kpi, params={}, norm=Decimal("0.8"), direction="min")
                                       for kpi in KPIS]
            db.session.add(contract)
            contracts.append((contract, towns))
    db.session.flush()
    staff = {region.id: f"user:{user.id}" for region, user in db.session.execute(
        sa.select(Region, User).join(User, User.region_id == Region.id))}
    return [(contract.id, contract.provider_id, [t.id for t in towns], staff[towns[0].regions[0].id])
            for contract, towns in contracts]


def _term(c: int) -> dict:
    """Every fourth contract ended in June and pays its running trajectories until the end of August only."""
    from contracts.models import RunOff

    if c == CONTRACTS_PER_REGION - 1:
        return {"ends_on": date(2026, 6, 30), "run_off": RunOff.UNTIL_DATE, "run_off_until": date(2026, 8, 31)}
    return {"ends_on": date(2028, 12, 31), "run_off": RunOff.UNTIL_TRAJECTORY_END}


def _course(rng: random.Random, trajectory_id: int, first: date, length: int, next_id, sender: str, staff: str):
    """The events of one trajectory, in date order (tuples in EVENT_COLUMNS order): the provider reports, DUO sends
    the exams, the municipality's contract manager (`staff`) enters the MAP final interview."""
    rows, attendance_ids = [], []

    def event(kind, day, *, month=None, hours=(None, None, None), skill=None, level=None, component=None,
              result=None, module=None, reason=None, destination=None, retracts=None, by=sender, pip_version=None,
              bucket=None):
        event_id = next_id()
        source = {"duo": "duo", staff: "manual"}.get(by, "csv")
        rows.append((event_id, trajectory_id, by, f"E{event_id}", kind, day, month, *hours, skill, level, component,
                     result, module, reason, destination, retracts, source, "2026-11-01 00:00:00", pip_version,
                     bucket or ("taal_knm" if kind == "attendance" else None)))
        return event_id

    event("start", first + timedelta(days=4))
    participates = random.Random(trajectory_id).choice((1200, 2000)) if trajectory_id % 10 == 3 else 0
    reaches_b1 = rng.random() < 0.7
    lowered = "SP" if rng.random() < 0.05 else None  # afgeschaald to A2 in spreken halfway (issue 19)
    dropout_at = length - rng.randint(0, 6) if rng.random() < 0.1 else None
    months = dropout_at or length
    for n in range(months):
        month = add_months(first, n)
        offered = 4000
        attended = rng.choice((4000, 3600, 3400, 3200, 3000, 2400, 1600))
        excused = rng.choice((0, 0, 0, 200, 400))
        attendance_ids.append(event("attendance", add_months(month, 1) + timedelta(days=2), month=month,
                                    hours=(offered, min(attended, offered - excused), excused)))
        if participates:
            event("attendance", add_months(month, 1) + timedelta(days=2), month=month, bucket="participatie",
                  hours=(2000, participates, 0))
        if n == months // 3:
            for skill in SKILLS:
                event("progress_test", month + timedelta(days=10), skill=skill, level="A2")
        if n == months // 2:
            event("module_completed", month + timedelta(days=12), module="MAP", by=staff)
            if lowered:  # a decision on a new PIP: entered by the municipality
                event("afschaling", month + timedelta(days=13), skill=lowered, level="A2", pip_version="2", by=staff)
            if rng.random() < 0.1:
                event("interruption", month + timedelta(days=14), reason="ziekte")
                event("resumption", month + timedelta(days=20))
        if n == (2 * months) // 3 and reaches_b1:
            for skill in SKILLS:
                event("progress_test", month + timedelta(days=10), skill=skill, level="B1")
        if n == (4 * months) // 5:
            event("exam", month + timedelta(days=15), component="KNM",
                  result="geslaagd" if rng.random() < 0.85 else "gezakt", by="duo")
            for skill in SKILLS:
                passed = (reaches_b1 or skill == lowered) and rng.random() < 0.9
                event("exam", month + timedelta(days=16), component=skill, level="A2" if skill == lowered else "B1",
                      result="geslaagd" if passed else "gezakt", by="duo")
    end = add_months(first, months) + timedelta(days=5)
    if dropout_at is not None:
        event("dropout", end, reason="uitval")
    elif rng.random() < 0.4:
        event("completed", end)
        if rng.random() < 0.6:
            event("outflow", end + timedelta(days=10), destination=rng.choice(("werk", "werk", "opleiding")))
    if attendance_ids and rng.random() < 0.01:
        event("retraction", TODAY - timedelta(days=5), retracts=rng.choice(attendance_ids))
    return rows


def termijn(trajectory_id: int, first: date, length: int) -> tuple[date | None, ...]:
    """(term_ends_on, term_extended_until, kennisgeving_on, pip_date): for a quarter of the trajectories the termijn
    ends during the course, a third of those extended by six months; the kennisgeving two to thirteen weeks before
    the referral, the PIP four to fourteen weeks after it."""
    own = random.Random(-trajectory_id)
    kennisgeving = first - timedelta(days=10 + own.randint(14, 90))
    dates = (kennisgeving, kennisgeving + timedelta(days=own.randint(28, 98)))
    if own.random() >= 0.25:
        return None, None, *dates
    ends_on = add_months(first, own.randint(4, length)) - timedelta(days=own.choice((1, 10)))
    return ends_on, add_months(ends_on, 6) if own.random() < 1 / 3 else None, *dates


def _recorded(rows: list[tuple], steady: bool) -> list[tuple]:
    """In the steady form only what happened by TODAY (and no retraction of an event not recorded)."""
    if not steady:
        return rows
    kept = [row for row in rows if row[5] <= TODAY]
    ids = {row[0] for row in kept}
    return [row for row in kept if row[17] is None or row[17] in ids]


def generate(scale: float = 1.0, seed: int = 2026, steady: bool = False) -> dict:
    """Drop and build the schema, then load the data set; returns the row counts. Needs an app context.

    `steady`: referrals spread evenly from 2022 to the cut-off and only what happened by TODAY recorded (the
    forecast's backtest needs a history whose past looks like its future; the default set ends every course
    around the cut-off)."""
    rebuild_schema()
    db.session.execute(db.insert(Service), service_rows())
    rng = random.Random(seed)
    contracts = _organisations(rng)
    db.session.commit()
    count = max(1, round(TRAJECTORIES * scale))
    plans = []
    for n in range(1, count + 1):
        contract_id, provider_id, towns, staff = contracts[n % len(contracts)]
        length = rng.randint(14, 38)
        first = (add_months(date(2022, 1, 1), rng.randint(0, 57)) if steady
                 else add_months(date(CUTOFF.year, CUTOFF.month, 1), -length + 1 - rng.randint(0, 6)))
        plans.append((n, contract_id, f"provider:{provider_id}", towns[(n // len(contracts)) % len(towns)],
                      first, length, staff))
    bulk_load("trajectory", TRAJECTORY_COLUMNS, (
        (n, f"TRJ-{n:06d}", contract_id, town, first - timedelta(days=10), f"PB-{n:06d}", "2026-01-01 00:00:00",
         *termijn(n, first, length)) for n, contract_id, _, town, first, length, _ in plans))
    next_id = iter(range(1, 10**12)).__next__
    event_count = bulk_load("progress_event", EVENT_COLUMNS, (
        row for n, _, sender, _, first, length, staff in plans
        for row in _recorded(_course(rng, n, first, length, next_id, sender, staff), steady)))
    _reset_sequences(("progress_event", "trajectory"))
    db.session.commit()
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return {"regions": REGIONS, "municipalities": REGIONS * MUNICIPALITIES_PER_REGION, "contracts": len(contracts),
            "trajectories": count, "events": event_count}


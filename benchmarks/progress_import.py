"""Benchmark (not a test): generate a progress CSV and import it as one atomic batch.

    python benchmarks/progress_import.py --rows 1000000 --database-url sqlite:////tmp/bench.db
    python benchmarks/progress_import.py --rows 1000000 --database-url postgresql:///inb_bench

The file is uploaded as the UI does it, by a user of the provider. Prints validated rows per second and peak memory
(max RSS). The database's tables are dropped and recreated.
"""
import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.dataset import rebuild_schema  # noqa: E402
from config import TestConfig  # noqa: E402
from core import create_app  # noqa: E402
from core.catalogue import service_rows  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Role, Service, User  # noqa: E402

TRAJECTORIES = 2_000
UPLOADER = "upload@bench.example"


def write_csv(path: Path, rows: int) -> None:
    """Monthly attendance for TRAJECTORIES trajectories, walking back in time so no month repeats."""
    with path.open("w", encoding="utf-8") as out:
        out.write("event_id;trajectory;type;date;month;hours_offered;hours_attended;hours_excused\n")
        for i in range(rows):
            n, back = i % TRAJECTORIES, i // TRAJECTORIES
            year = 2026 - (back + 12) // 12
            month = 12 - back % 12
            out.write(f"B{i};TRJ-B-{n:05d};attendance;2026-10-01;{year:04d}-{month:02d};40;32,5;2\n")


def setup(app) -> None:
    """A fresh schema with one contract, its TRAJECTORIES trajectories and UPLOADER, a user of its provider."""
    from contracts.models import Contract
    from trajectories.models import Trajectory
    from procurement.models import ProcurementRoute
    from providers.models import Provider
    from core.models import Municipality

    with app.app_context():
        rebuild_schema()
        db.session.execute(db.insert(Service), service_rows())
        town = Municipality(code="GM0505", name="Dordrecht")
        contract = Contract(reference="BENCH", provider=Provider(name="Bench", kvk_number="12345678",
                                                                 iban="NL91ABNA0417164300"),
                            service=db.session.scalar(db.select(Service).limit(1)),
                            procurement_route=ProcurementRoute.OPEN_HOUSE, starts_on=date(1000, 1, 1),
                            ends_on=date(2030, 1, 1), price_per_trajectory=Decimal("1"), municipalities=[town])
        db.session.add(contract)
        db.session.flush()
        db.session.add_all(Trajectory(reference=f"TRJ-B-{n:05d}", contract=contract, municipality=town,
                                      referral_date=date(1000, 1, 1), participant_pseudonym=f"PB-{n}")
                           for n in range(TRAJECTORIES))
        # No password: it never logs in, and hashing one (argon2, 64 MB) would count in the peak memory.
        db.session.add(User(email=UPLOADER, role=Role.PROVIDER, provider_id=contract.provider_id, password_hash="!"))
        db.session.commit()


def import_as_uploader(stream, today: date):
    """import_csv as the CSV upload in the UI calls it: by a provider's user, in the provider's namespace. Every
    event then records who sent it, a reference the database checks as it does the trajectory's."""
    from trajectories.services import import_csv, sender_for

    user = uploader()
    return import_csv(stream, sender=sender_for(user), source="csv", by=user, today=today)


def uploader() -> User:
    """The provider's user that setup made."""
    return db.session.scalar(db.select(User).where(User.email == UPLOADER))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/progress-bench.db")
    args = parser.parse_args()
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": args.database_url})
    setup(app)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        write_csv(path, args.rows)
        with app.app_context(), path.open("rb") as stream:
            started = time.perf_counter()
            result = import_as_uploader(stream, today=date(2026, 11, 23))
            db.session.commit()
            seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.database_url.split(':')[0]}: {result.rows} rows, "
          f"{result.accepted} stored in {seconds:.1f} s = {result.rows / seconds:,.0f} rows/s; "
          f"peak memory {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()

"""Who sent a progress event, as a page names them: the provider, the staff member or DUO, never `provider:1`."""
import sqlalchemy as sa

from core.extensions import db
from core.models import User
from providers.models import Provider

#: How an event arrived, as the timeline says it.
SOURCE_LABELS = {"api": "via de API", "csv": "via een CSV-bestand", "manual": "door een medewerker",
                 "duo": "door DUO"}
UNKNOWN_SENDER = "onbekende afzender"


def _ids(senders: set[str], prefix: str) -> list[int]:
    return [int(s.removeprefix(prefix)) for s in senders if s.startswith(prefix) and s.removeprefix(prefix).isdigit()]


def sender_names(senders) -> dict[str, str]:
    """{sender: name} for the senders of a timeline ("provider:<id>", "user:<id>", "duo"), in two queries."""
    senders = set(senders)
    providers = dict(db.session.execute(sa.select(Provider.id, Provider.name)
                                        .where(Provider.id.in_(_ids(senders, "provider:")))).all())
    users = {u.id: u.label for u in db.session.scalars(sa.select(User).where(User.id.in_(_ids(senders, "user:"))))}
    names = {f"provider:{i}": name for i, name in providers.items()} | {f"user:{i}": n for i, n in users.items()}
    return {s: names.get(s) or ("DUO" if s == "duo" else UNKNOWN_SENDER) for s in senders}

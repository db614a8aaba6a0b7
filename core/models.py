"""Organisations, the service catalogue, users and their tokens, the audit log and scheduler job runs."""
import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.conflicts import on_conflict
from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.money import Money

region_municipality = sa.Table(
    "region_municipality",
    db.metadata,
    sa.Column("region_id", sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)

#: The regions that work with a provider (registered it, contracted it, received its Open House application): their
#: region-wide staff maintain its shared master data (core.scope).
provider_region = sa.Table(
    "provider_region",
    db.metadata,
    sa.Column("provider_id", sa.ForeignKey("provider.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("region_id", sa.ForeignKey("region.id", ondelete="CASCADE"), primary_key=True),
)

user_municipality = sa.Table(
    "user_municipality",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id", ondelete="CASCADE"), primary_key=True),
)


class Municipality(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: CBS code, e.g. GM0505.
    code: Mapped[str] = mapped_column(sa.String(6), unique=True,
                                      info=on_conflict("code", "Er is al een gemeente met deze CBS-code."))
    name: Mapped[str] = mapped_column(sa.String(120))
    cost_centre: Mapped[str | None] = mapped_column(sa.String(40))
    #: Own purchasing policy: below this value a single quote suffices (enkelvoudig onderhands).
    single_source_threshold: Mapped[Decimal] = mapped_column("single_source_threshold_cents", Money(),
                                                             default=Decimal("50000.00"))
    #: Below this value multiple quotes (meervoudig onderhands); empty means up to the EU threshold.
    multiple_quote_threshold: Mapped[Decimal | None] = mapped_column("multiple_quote_threshold_cents", Money())

    regions: Mapped[list["Region"]] = relationship(secondary=region_municipality, back_populates="municipalities")

    def __str__(self) -> str:
        return self.name


class Region(db.Model):
    """A samenwerkingsverband of municipalities, carried out by an executing organisation such as SDD."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True,
                                      info=on_conflict("name", "Er is al een regio met deze naam."))
    executing_organisation: Mapped[str | None] = mapped_column(sa.String(160))

    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=region_municipality, back_populates="regions", order_by=Municipality.name)

    def __str__(self) -> str:
        return self.name


class ServiceKind(enum.StrEnum):
    LEERROUTE = "leerroute"
    PARTICIPATIETRAJECT = "participatietraject"
    #: Part of a leerroute, not bought on its own: alfabetisering (a flag in DUO's PIP), a duaal traject.
    LEERROUTE_PART = "leerroute_onderdeel"


SERVICE_KIND_LABELS = {ServiceKind.LEERROUTE: "Leerroute", ServiceKind.PARTICIPATIETRAJECT: "Participatietraject",
                       ServiceKind.LEERROUTE_PART: "Onderdeel van een leerroute"}


class Service(db.Model):
    """The catalogue of leerroutes and participatietrajecten; seeded by the first migration, changed by data
    migrations."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[ServiceKind] = mapped_column(enum_type(ServiceKind, 30))
    #: CPV code of the service; education and social services fall under the light regime.
    cpv_code: Mapped[str | None] = mapped_column(sa.String(12))
    is_social_service: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    @property
    def is_orderable(self) -> bool:
        """A procurement case or a contract is for a leerroute or participatietraject, never for a part of one."""
        return self.kind != ServiceKind.LEERROUTE_PART

    def __str__(self) -> str:
        return self.name


class Role(enum.StrEnum):
    #: The admin of one region (User.region); a national admin is its own role.
    ADMIN = "admin"
    NATIONAL_ADMIN = "national_admin"
    INKOPER = "inkoper"
    CONTRACTMANAGER = "contractmanager"
    FINANCE = "finance"
    PROVIDER = "provider"


ROLE_LABELS = {
    Role.ADMIN: "Beheerder",
    Role.NATIONAL_ADMIN: "Landelijk beheerder",
    Role.INKOPER: "Inkoper",
    Role.CONTRACTMANAGER: "Contractmanager",
    Role.FINANCE: "Financieel medewerker",
    Role.PROVIDER: "Aanbieder",
}


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True,
                                       info=on_conflict("email", "Er bestaat al een gebruiker met dit e-mailadres."))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, 20))
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: Bumped at logout and when the account changes, which ends every session that carried the old value.
    session_version: Mapped[int] = mapped_column(default=1)
    #: Scope: a whole region ...
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    #: ... or, for provider users, one provider (the other scope is `municipalities`).
    provider_id: Mapped[int | None] = mapped_column(sa.ForeignKey("provider.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    region: Mapped[Region | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(secondary=user_municipality, order_by=Municipality.code)

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def label(self) -> str:
        return self.name or self.email

    def __str__(self) -> str:
        return self.label


class ApiToken(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class IdempotentRequest(db.Model):
    """A mutating API call sent with an Idempotency-Key: claimed before it runs, its answer kept to replay."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(255))
    #: SHA-256 of method, path and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    #: The answer; no status while the first call still runs.
    status: Mapped[int | None] = mapped_column()
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    body: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotent_request_user_key"),)


class AuditEntry(db.Model):
    """Who changed what, when; written by the services, never updated (triggers refuse UPDATE and DELETE), and
    chained: each row's `chain_hash` covers its content and the previous row's hash (core.audit.verify)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    #: The actor as text, kept when the user is gone; 'systeem' for scheduled jobs.
    actor_label: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int | None] = mapped_column()
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    changes: Mapped[dict | None] = mapped_column(sa.JSON)
    chain_hash: Mapped[str] = mapped_column(sa.String(64))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)


#: UPDATE and DELETE of an audit row fail in the database itself, whatever the application does. Run after the
#: table is created: by create_all below and by the migration that added the chain.
APPEND_ONLY_DDL = {
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$",
        "CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()",
    ],
    "sqlite": [
        "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry "
        "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only'); END",
    ],
}
for _dialect, _statements in APPEND_ONLY_DDL.items():
    for _statement in _statements:
        sa.event.listen(AuditEntry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect=_dialect))


class LoginThrottle(db.Model):
    """Failed logins counted per key (core.login_throttle): an account and client, an account, or a client."""

    #: HMAC-SHA256 of the kind and the e-mail and/or IP address: the table holds no address.
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the client last logged in to the account (keys of an account and client only): the account knows it.
    succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class JobRun(db.Model):
    """One claimed run of a scheduled job for one period; the unique key makes the claim exclusive."""

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(80))
    #: The period the run covers: a day (2026-11-23) or a month (2026-11).
    period: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    message: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (sa.UniqueConstraint("job_id", "period"),)

"""DUO's notifications, the outbox of calls to DUO, the exchange log and what DUO told us per trajectory."""
import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.extensions import db, enum_type
from core.models import Municipality
from core.personal_data import decrypt_bsn, mask_bsn
from trajectories.models import Trajectory

#: DUO's events (Gebeurtenissen.md); the ones in HANDLED are acted on, the others are stored and shown.
EVENTS = {
    "SS101": "Persoon is inburgeringsplichtig",
    "SS102": "Inburgeringstermijn gestart",
    "SS103": "Termijn ambtshalve verlengd",
    "SS104": "Termijn op verzoek verlengd",
    "SS106": "Diploma behaald",
    "SS107": "Gehele vrijstelling toegekend",
    "SS108": "Gehele ontheffing toegekend",
    "SS109": "Tijdelijke vrijstelling toegekend",
    "SS110": "Inburgeringsplicht ingetrokken",
    "SS111": "Persoon is overleden",
    "SS113": "Verzoek verlenging afgewezen",
    "SS114": "Verzoek gehele vrijstelling afgewezen",
    "SS115": "Verzoek tijdelijke vrijstelling afgewezen",
    "SS116": "Verzoek gedeeltelijke vrijstelling afgewezen",
    "SS117": "Verzoek gedeeltelijke vrijstelling toegekend",
    "SS118": "Verzoek ontheffing afgewezen",
    "SS119": "Verzoek gedeeltelijke ontheffing toegekend",
    "SS120": "In gemeente gevestigd zonder PIP",
    "SS121": "In gemeente gevestigd met PIP vorige gemeente",
    "SS124": "Doelgroep gewijzigd naar gezinsmigrant en overige migrant",
    "SS125": "Doelgroep gewijzigd naar asielstatushouder",
    "SS128": "Inburgeringsplichtig, bereikt AOW-leeftijd binnen 6 maanden",
    "SS129": "Tijdelijke vrijstelling ingetrokken, nog geen leerroute bekend",
    "SS130": "Tijdelijke vrijstelling ingetrokken, PIP al bekend",
    "SS131": "Leerbaarheidstoets afgenomen, resultaat bekend",
    "SS137": "Aangemeld voor de leerbaarheidstoets",
    "SS139": "Inburgeringsplichtig, termijn van 10 weken voor de leerroute gestart",
    "SS199": "Uitslag examen bekend",
}
HANDLED = frozenset({"SS199", "SS106", "SS102", "SS103", "SS104", "SS139", "SS120", "SS121", "SS110", "SS111"})


class NotificationStatus(enum.StrEnum):
    RECEIVED = "ontvangen"
    PROCESSED = "verwerkt"  # acted on (or the call to DUO it needs is queued)
    STORED = "opgeslagen"  # an event we do not act on
    UNMATCHED = "geen traject"  # no current trajectory for this BSN
    FAILED = "mislukt"


class DuoNotification(db.Model):
    """One notification DUO posted to us (Notificatie API); berichtId makes a resend harmless."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(36), unique=True)  # berichtId
    sender_oin: Mapped[str] = mapped_column(sa.String(20))  # bron
    recipient_oin: Mapped[str] = mapped_column(sa.String(20))  # doel
    event_code: Mapped[str] = mapped_column(sa.String(6), index=True)  # gebeurtenisId
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)  # registratieDatumTijd at DUO
    #: Fernet ciphertext of the BSN and of the vNummer; the lookup hash finds the trajectory.
    bsn_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    bsn_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    v_number_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    #: SHA-256 of the canonical body: the same berichtId with another body is refused.
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    trajectory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("trajectory.id"), index=True)
    status: Mapped[NotificationStatus] = mapped_column(enum_type(NotificationStatus, 20),
                                                      default=NotificationStatus.RECEIVED)
    outcome: Mapped[str] = mapped_column(sa.String(500), default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)

    municipality: Mapped[Municipality | None] = relationship()
    trajectory: Mapped[Trajectory | None] = relationship()

    @property
    def description(self) -> str:
        return EVENTS.get(self.event_code, "Onbekende gebeurtenis")

    @property
    def masked_bsn(self) -> str:
        return mask_bsn(decrypt_bsn(self.bsn_encrypted)) if self.bsn_encrypted else ""


class OutboxKind(enum.StrEnum):
    FETCH_EXAM_RESULTS = "examenresultaten"
    FETCH_TERM = "inburgeringstermijn"
    REPORT_MAP = "map"
    REPORT_PVT = "pvt"
    REPORT_ZROUTE = "zroute"


class OutboxStatus(enum.StrEnum):
    PENDING = "wachtend"
    SENDING = "bezig"
    DONE = "gelukt"
    FAILED = "mislukt"
    #: Never sent: DUO's API offers no call for it, so a person has DUO correct it (the DUO page lists it).
    MANUAL = "handmatig"


class DuoOutboxItem(db.Model):
    """One call to DUO that must happen: kept until it succeeds, retried with backoff while DUO is unreachable."""

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OutboxKind] = mapped_column(enum_type(OutboxKind, 20))
    #: What makes the call once-only: "report:map:<trajectory>" (then ":<n>" for the n-th change), "notification:<id>".
    dedupe_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    trajectory_id: Mapped[int] = mapped_column(sa.ForeignKey("trajectory.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("duo_notification.id"))
    #: The request body of a PUT (no personal data: dates and Ja/Nee only).
    payload: Mapped[dict | None] = mapped_column(sa.JSON)
    status: Mapped[OutboxStatus] = mapped_column(enum_type(OutboxStatus, 10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: A claim by one scheduler process; a claim older than this is taken over (the process died).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    trajectory: Mapped[Trajectory] = relationship()
    notification: Mapped[DuoNotification | None] = relationship()

    __table_args__ = (sa.Index("ix_duo_outbox_item_due", "status", "next_attempt_at"),)


class DuoExchange(db.Model):
    """One message to or from DUO, as the exchange-log page shows it; paths carry a masked BSN only."""

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    #: "in" (DUO called us) or "uit" (we called DUO).
    direction: Mapped[str] = mapped_column(sa.String(3))
    method: Mapped[str] = mapped_column(sa.String(6))
    path: Mapped[str] = mapped_column(sa.String(200))
    message_id: Mapped[str] = mapped_column(sa.String(36))
    #: HTTP status, or None when DUO could not be reached at all.
    status_code: Mapped[int | None] = mapped_column()
    is_success: Mapped[bool] = mapped_column()
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    duration_ms: Mapped[int | None] = mapped_column()
    municipality_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    outbox_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("duo_outbox_item.id"))
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("duo_notification.id"))

    municipality: Mapped[Municipality | None] = relationship()


class DuoTrajectoryState(db.Model):
    """What DUO's notifications established about a trajectory's participant."""

    trajectory_id: Mapped[int] = mapped_column(sa.ForeignKey("trajectory.id"), primary_key=True)
    #: SS106: the inburgeringsplicht is fulfilled (diploma).
    obligation_fulfilled_on: Mapped[date | None] = mapped_column(sa.Date)
    #: SS110/SS111: the obligation was withdrawn or the participant died; the trajectory was ended.
    obligation_ended_on: Mapped[date | None] = mapped_column(sa.Date)
    ended_by_event: Mapped[str | None] = mapped_column(sa.String(6))
    #: The inburgeringstermijn as DUO last gave it (SS102/103/104); ends_on is the last day (DUO's einddatum - 1).
    term_starts_on: Mapped[date | None] = mapped_column(sa.Date)
    term_ends_on: Mapped[date | None] = mapped_column(sa.Date)
    term_changed_on: Mapped[date | None] = mapped_column(sa.Date)
    term_extension_reason: Mapped[str | None] = mapped_column(sa.String(200))
    #: SS120/SS121: the participant settled in (another) municipality; the contract manager must transfer.
    transfer_flagged_on: Mapped[date | None] = mapped_column(sa.Date)
    transfer_event: Mapped[str | None] = mapped_column(sa.String(6))
    transfer_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("municipality.id"))

    trajectory: Mapped[Trajectory] = relationship()
    transfer_to: Mapped[Municipality | None] = relationship()

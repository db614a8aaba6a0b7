"""Procurement cases: how one service is bought for a region or some municipalities."""
import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.dates import UTCDateTime, now_utc
from core.extensions import db
from core.models import Municipality, Region, Service, User


class ProcurementRoute(enum.StrEnum):
    INBESTEDEN = "inbesteden"
    QUASI_INBESTEDEN = "quasi_inbesteden"
    OPEN_HOUSE = "open_house"
    AANBESTEDING = "aanbesteding"
    SUBSIDIE = "subsidie"


ROUTE_LABELS = {
    ProcurementRoute.INBESTEDEN: "Inbesteden",
    ProcurementRoute.QUASI_INBESTEDEN: "Quasi-inbesteden",
    ProcurementRoute.OPEN_HOUSE: "Open House",
    ProcurementRoute.AANBESTEDING: "Aanbesteding",
    ProcurementRoute.SUBSIDIE: "Subsidie",
}

procurement_case_municipality = sa.Table(
    "procurement_case_municipality",
    db.metadata,
    sa.Column("procurement_case_id", sa.ForeignKey("procurement_case.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("municipality_id", sa.ForeignKey("municipality.id"), primary_key=True),
)


class ProcurementCase(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(sa.ForeignKey("service.id"))
    #: Set when the case is regional; the municipalities are then (some of) the region's.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    service: Mapped[Service] = relationship()
    region: Mapped[Region | None] = relationship()
    municipalities: Mapped[list[Municipality]] = relationship(secondary=procurement_case_municipality,
                                                              order_by=Municipality.code)
    created_by: Mapped[User | None] = relationship()

"""The municipality's side of DUO's Notificatie API: POST {basispad}/notificaties, basispad /v1 (DUO README).

DUO calls this over Diginetwerk with mutual TLS (Digikoppeling REST). The TLS-terminating proxy verifies DUO's
PKIoverheid certificate and passes the certificate's OIN in DUO_TRUSTED_OIN_HEADER; where no such proxy exists, a
bearer token (DUO_NOTIFICATION_TOKEN) stands in. Answers carry no body except where DUO's OpenAPI defines one, and
always the API-Version header.
"""
import hmac
import logging
import uuid

from flask import Blueprint, Response, current_app, request
from marshmallow import ValidationError

from core.dates import now_utc, today
from core.errors import Conflict
from core.extensions import csrf, db
from core.rest import public
from trajectories.duo import services
from trajectories.duo.schemas import notification_in

log = logging.getLogger(__name__)
API_VERSION = "1.8.0"  # the Notificatie API version we implement
bp = Blueprint("duo_notificaties", __name__, url_prefix="/v1")
csrf.exempt(bp)


@bp.post("/notificaties")
@public  # not a user session: DUO authenticates by certificate (or token), checked below
def create_notification():
    message_id = request.headers.get("berichtId", "")
    bron, doel = request.headers.get("bron", ""), request.headers.get("doel", "")
    status = _refusal(bron, doel, message_id)
    if status:
        return _answer(None, message_id, status)
    try:
        raw = request.get_json(silent=True)
        data = notification_in.load(raw if isinstance(raw, dict) else None)
        notification, created = services.receive_notification(data, raw, bron=bron, doel=doel,
                                                              message_id=message_id, now=now_utc())
    except (ValidationError, Conflict):
        return _answer(None, message_id, 400)
    if created:
        services.handle_notification(notification, today=today(), now=now_utc())
    return _answer(notification, message_id, 201, "" if created else "herhaald bericht")


def _refusal(bron: str, doel: str, message_id: str) -> int | None:
    """401 unless the caller is authenticated, 403 unless it is DUO writing to us, 400 for malformed headers."""
    config = current_app.config
    header, token = config["DUO_TRUSTED_OIN_HEADER"], config["DUO_NOTIFICATION_TOKEN"]
    certified_oin = request.headers.get(header, "") if header else ""
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    token_ok = bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())
    if not certified_oin and not token_ok:
        return 401
    if len(bron) != 20 or len(doel) != 20 or not _is_uuid(message_id):
        return 400
    if bron != config["DUO_OIN"] or (certified_oin and certified_oin != bron) or doel not in services.own_oins():
        return 403
    return None


def _is_uuid(value: str) -> bool:
    try:
        return len(value) == 36 and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _answer(notification, message_id: str, status: int, detail: str = "") -> Response:
    if status == 401:  # unauthenticated callers do not get to write to the exchange log
        log.warning("DUO notification refused: not authenticated")
    else:
        services.record_inbound(notification, message_id, status, detail, now_utc())
        db.session.commit()
    return Response(status=status, headers={"API-Version": API_VERSION})

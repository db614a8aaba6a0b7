"""Idempotency-Key on mutating API calls: a retried call (a time-out, a lost answer) has its effect once.

The first call with a key claims it (committed) before the view runs, and its answer is stored after the view
committed; a later call with the same key and the same request gets that answer again (header
`Idempotency-Replayed: true`), the same key with another request 422, and a call while the first still runs 409.
A 5xx answer releases the key (the view's transaction was rolled back, so a retry is safe). Keys are kept for
KEEP_HOURS hours. The key is optional: calls without it behave as before.
"""
import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import Response, abort, g, request

from core.dates import now_utc
from core.extensions import db
from core.models import IdempotentRequest

HEADER = "Idempotency-Key"
MUTATING = ("POST", "PUT", "PATCH", "DELETE")
KEEP_HOURS = 24


def claim_or_replay() -> Response | None:
    """Before the view: claim the request's key, or answer with the stored answer; None lets the view run."""
    key = request.headers.get(HEADER)
    if key is None or request.method not in MUTATING or "api_user" not in g:
        return None
    if not 1 <= len(key) <= 255 or not key.isascii() or not key.isprintable():
        abort(400, f"De {HEADER} is 1 tot 255 zichtbare ASCII-tekens.")
    fingerprint = hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(),
                                             request.get_data()])).hexdigest()
    claim = IdempotentRequest(user_id=g.api_user.id, key=key, fingerprint=fingerprint, created_at=now_utc())
    db.session.add(claim)
    try:
        db.session.commit()  # the view has not run yet: the claim is all this commits
        g.idempotent_request_id = claim.id
        return None
    except sa.exc.IntegrityError:
        db.session.rollback()
    earlier = db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.user_id == g.api_user.id,
                                                                   IdempotentRequest.key == key))
    if earlier is None:  # released (5xx) or purged between our insert and this read
        abort(409, f"Dit verzoek met deze {HEADER} is net afgerond; stuur het opnieuw.")
    if earlier.fingerprint != fingerprint:
        abort(422, f"Deze {HEADER} is al gebruikt voor een ander verzoek.")
    if earlier.status is None:
        abort(409, f"Een verzoek met deze {HEADER} is nog bezig.")
    return Response(earlier.body, status=earlier.status, content_type=earlier.content_type,
                    headers={"Idempotency-Replayed": "true"})


def keep_answer(response: Response) -> Response:
    """After the view: store the answer under the claimed key, or release the key after a server error."""
    claimed = g.pop("idempotent_request_id", None)
    if claimed is None:
        return response
    db.session.rollback()  # the view committed what it answered; anything left over is not part of it
    if response.status_code >= 500:
        db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.id == claimed))
    else:
        db.session.execute(sa.update(IdempotentRequest).where(IdempotentRequest.id == claimed).values(
            status=response.status_code, content_type=response.content_type, body=response.get_data()))
    db.session.commit()
    return response


def purge(today) -> str:
    """The scheduled clean-up: keys older than KEEP_HOURS go (the scheduler commits, as for every job)."""
    cutoff = now_utc() - timedelta(hours=KEEP_HOURS)
    gone = db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.created_at < cutoff)).rowcount
    return f"{gone} verlopen Idempotency-Keys verwijderd"

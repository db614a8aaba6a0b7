"""BSN: validated with the elfproef, encrypted at rest, looked up by keyed hash, shown masked."""
import hashlib
import hmac
import logging
import re

from cryptography.fernet import Fernet
from flask import current_app
from stdnum.nl import bsn as stdnum_bsn

from core.errors import DomainError


#: What is accepted as a BSN, here and in the logs' redaction: nine digits, which may be grouped by spaces, dots or
#: hyphens (1112.22.333, 111 222 333, 111-222-333). stdnum would also pad a shorter number with zeros; that is
#: refused, so that the redaction can recognise every accepted form.
_BSN = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){8}(?!\d)")


def normalise_bsn(value: str, field: str = "bsn") -> str:
    """The 9-digit BSN, or a DomainError naming the field."""
    text = str(value).strip()
    if not _BSN.fullmatch(text) or not stdnum_bsn.is_valid(text):
        raise DomainError("Ongeldig BSN: een BSN heeft negen cijfers en voldoet aan de elfproef.", field=field)
    return stdnum_bsn.compact(text)


def _key() -> bytes:
    return current_app.config["BSN_ENCRYPTION_KEY"].encode()


def encrypt_bsn(bsn: str) -> str:
    return Fernet(_key()).encrypt(bsn.encode()).decode()


def decrypt_bsn(token: str) -> str:
    return Fernet(_key()).decrypt(token.encode()).decode()


def bsn_lookup_hash(bsn: str) -> str:
    """Keyed hash for finding a participant by BSN without storing it in plain text."""
    return hmac.new(_key(), b"bsn:" + bsn.encode(), hashlib.sha256).hexdigest()


def mask_bsn(bsn: str | None) -> str:
    return "" if not bsn else "*****" + bsn[-4:]


def redact_bsns(text: str) -> str:
    """Replace every number written as normalise_bsn accepts it that passes the elfproef; log lines must never carry
    a BSN."""
    return _BSN.sub(lambda m: "[BSN]" if stdnum_bsn.is_valid(m.group()) else m.group(), text)


def install_log_redaction() -> None:
    """Redact BSNs from every log record at creation, whatever logger or handler it goes to."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_bsn", False):
        return

    def factory(*args, **kwargs):
        record = current(*args, **kwargs)
        message = record.getMessage()
        redacted = redact_bsns(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info:
            record.exc_text = redact_bsns(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return record

    factory.redacts_bsn = True
    logging.setLogRecordFactory(factory)

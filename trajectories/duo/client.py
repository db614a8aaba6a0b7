"""The HTTP client for DUO's M2M APIs: Digikoppeling REST, mutual TLS, bron/doel/berichtId headers.

The client makes one attempt per call; the outbox (services.deliver_due) retries with backoff. The BSN travels in
the URL path, so every path it returns or logs is masked.
"""
import logging
import time
import uuid
from dataclasses import dataclass

import requests

from core.personal_data import mask_bsn, redact_bsns

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DuoResponse:
    status: int
    body: object
    message_id: str
    path: str  # masked
    duration_ms: int


class DuoError(Exception):
    """A call that did not succeed; `is_transient` says whether trying again later may help."""

    def __init__(self, detail: str, *, message_id: str, path: str, status: int | None = None,
                 duration_ms: int | None = None, retry_after: int | None = None):
        super().__init__(detail)
        self.detail, self.message_id, self.path, self.status = detail, message_id, path, status
        self.duration_ms, self.retry_after = duration_ms, retry_after

    @property
    def is_transient(self) -> bool:
        return self.status is None or self.status in (408, 429) or self.status >= 500


class DuoClient:
    def __init__(self, base_url: str, duo_oin: str, *, cert: tuple[str, str] | None = None,
                 verify: str | bool = True, timeout: float = 20, session: requests.Session | None = None):
        self.base_url, self.duo_oin, self.timeout = base_url.rstrip("/"), duo_oin, timeout
        self.session = session or requests.Session()
        self.session.cert, self.session.verify = cert, verify

    def get_exam_results(self, bsn: str, bron: str) -> DuoResponse:
        return self._call("GET", "/personen/{bsn}/examens/resultaten", bsn, bron)

    def get_term(self, bsn: str, bron: str) -> DuoResponse:
        return self._call("GET", "/personen/{bsn}/inburgeringstermijn", bsn, bron)

    def put_result(self, resource: str, bsn: str, bron: str, body: dict) -> DuoResponse:
        """PUT /personen/{bsn}/map, /pvt or /zroute: registers (or replaces) the municipality's result."""
        return self._call("PUT", f"/personen/{{bsn}}/{resource}", bsn, bron, body)

    def _call(self, method: str, template: str, bsn: str, bron: str, body: dict | None = None) -> DuoResponse:
        message_id = str(uuid.uuid4())
        masked = template.format(bsn=mask_bsn(bsn))
        headers = {"bron": bron, "doel": self.duo_oin, "berichtId": message_id, "Accept": "application/json"}
        started = time.monotonic()
        try:
            response = self.session.request(method, self.base_url + template.format(bsn=bsn), headers=headers,
                                            json=body, timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            log.warning("DUO %s %s unreachable: %s", method, masked, type(exc).__name__)
            raise DuoError(f"DUO niet bereikbaar ({type(exc).__name__})", message_id=message_id, path=masked,
                           duration_ms=_ms(started)) from None
        duration = _ms(started)
        log.info("DUO %s %s -> %s in %d ms", method, masked, response.status_code, duration)
        if response.status_code >= 300:
            raise DuoError(_error_text(response), message_id=message_id, path=masked, status=response.status_code,
                           duration_ms=duration, retry_after=_retry_after(response))
        try:
            payload = response.json() if response.content else None
        except ValueError:
            raise DuoError("DUO gaf geen geldige JSON terug", message_id=message_id, path=masked,
                           status=response.status_code, duration_ms=duration) from None
        return DuoResponse(response.status_code, payload, message_id, masked, duration)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _retry_after(response) -> int | None:
    value = response.headers.get("Retry-After", "")
    return int(value) if value.isdigit() else None


def _error_text(response) -> str:
    """DUO's fouttekst(en) where it sends them (a Foutmelding or a list of them), else the status."""
    try:
        body = response.json()
    except ValueError:
        body = None
    items = body if isinstance(body, list) else [body] if isinstance(body, dict) else []
    texts = [str(item.get("fouttekst")) for item in items if isinstance(item, dict) and item.get("fouttekst")]
    return redact_bsns("; ".join(texts) or f"DUO antwoordde {response.status_code}")[:500]


def client_from_config(config, session: requests.Session | None = None) -> DuoClient:
    cert = (config["DUO_CLIENT_CERT"], config["DUO_CLIENT_KEY"]) if config["DUO_CLIENT_CERT"] else None
    return DuoClient(config["DUO_BASE_URL"], config["DUO_OIN"], cert=cert, verify=config["DUO_CA_BUNDLE"] or True,
                     timeout=config["DUO_TIMEOUT_SECONDS"], session=session)

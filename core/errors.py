"""DomainError and the one place that turns every error into problem+json or a Dutch HTML page."""
import logging

from flask import Flask, make_response, render_template, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from core.extensions import db

log = logging.getLogger(__name__)

TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    409: "Conflict met de huidige toestand",
    413: "Te groot",
    415: "Niet-ondersteund formaat",
    422: "Validatie mislukt",
    429: "Te veel verzoeken",
    500: "Interne fout",
    503: "Tijdelijk niet beschikbaar",
}
DETAILS = {
    400: "Het verzoek kon niet worden gelezen.",
    401: "Log in of stuur een geldig API-token mee.",
    403: "U heeft geen toegang tot deze functie.",
    404: "Dit object bestaat niet of is niet zichtbaar voor u.",
    405: "Deze methode is hier niet toegestaan.",
    413: "Het bestand of verzoek is groter dan toegestaan.",
    500: "Er ging iets mis. Probeer het later opnieuw.",
}

# marshmallow's messages in Dutch; unknown messages pass through unchanged.
MESSAGES_NL = {
    "Missing data for required field.": "Dit veld is verplicht.",
    "Unknown field.": "Onbekend veld.",
    "Field may not be null.": "Dit veld mag niet leeg zijn.",
    "Not a valid string.": "Geen geldige tekst.",
    "Not a valid integer.": "Geen geldig geheel getal.",
    "Not a valid number.": "Geen geldig getal.",
    "Not a valid boolean.": "Geen geldige ja/nee-waarde.",
    "Not a valid date.": "Geen geldige datum (JJJJ-MM-DD).",
    "Not a valid list.": "Geen geldige lijst.",
    "Not a valid mapping type.": "Geen geldig object.",
    "Invalid input type.": "Ongeldig type.",
    "Invalid input.": "Ongeldige invoer.",
    "Special numeric values (nan or infinity) are not permitted.": "Geen geldig getal.",
    "Shorter than minimum length 1.": "Dit veld mag niet leeg zijn.",
}


class DomainError(Exception):
    """A business rule was broken; the message is Dutch and shown to the user as is."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None, errors: list[dict] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors if errors is not None else ([{"field": field, "message": message}] if field else None)


class Conflict(DomainError):
    status_code = 409


class Forbidden(DomainError):
    status_code = 403


def translate(message: str) -> str:
    return MESSAGES_NL.get(message, message)


def flatten_messages(messages, index_key: str = "index") -> list[dict]:
    """marshmallow's nested messages -> [{"field", "message"}], with the item index for lists of items."""
    errors = []

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, path + [key])
        elif isinstance(node, list) and node and all(isinstance(m, str) for m in node):
            ints = [p for p in path if isinstance(p, int)]
            names = [str(p) for p in path if not isinstance(p, int) and p != "_schema"]
            error = {"field": ".".join(names) or None, "message": " ".join(translate(m) for m in node)}
            if ints:
                error = {index_key: ints[0], **error}
            errors.append(error)
        else:
            errors.append({"field": ".".join(map(str, path)) or None, "message": translate(str(node))})

    walk(messages, [])
    return errors


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "application/problem+json"])
    return best in {"application/json", "application/problem+json"}


def problem(status: int, detail: str | None = None, errors: list[dict] | None = None):
    body = {
        "type": "about:blank",
        "title": TITLES.get(status, "Fout"),
        "status": status,
        "detail": detail or DETAILS.get(status, TITLES.get(status, "Fout")),
    }
    if errors is not None:
        body["errors"] = errors
    return body, status, {"Content-Type": "application/problem+json; charset=utf-8"}


def respond(status: int, detail: str | None = None, errors: list[dict] | None = None):
    if wants_json():
        return problem(status, detail, errors)
    template = "errors/error.html"
    return render_template(template, status=status, title=TITLES.get(status, "Fout"),
                           detail=detail or DETAILS.get(status, ""), errors=errors or []), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        return respond(exc.status_code, exc.message, exc.errors)

    @app.errorhandler(ValidationError)
    def validation_error(exc: ValidationError):
        db.session.rollback()
        return respond(422, "De invoer is niet geldig.", flatten_messages(exc.messages))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code and exc.code >= 500:
            db.session.rollback()
        detail = exc.description if _is_own(exc) else None
        response = make_response(respond(exc.code or 500, detail))
        if getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return respond(500)


def _is_own(exc: HTTPException) -> bool:
    """Our own abort(…, description) texts are Dutch; werkzeug's English defaults are replaced."""
    return type(exc).description != exc.description

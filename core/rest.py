"""The JSON API on flask-smorest: the schemas that load the requests and dump the answers also make the OpenAPI
document. Token-only blueprints, pagination, and every error as problem+json (core.errors) in the answers and in
the document."""
import http
import threading

import flask_smorest
from flask import Flask, abort, current_app, request
from flask_smorest.utils import prepare_response
from flask_smorest.spec.plugins import unicodeconverter2paramschema
from marshmallow import ValidationError, fields, missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.routing import UnicodeConverter

from core import idempotency
from core.auth import authenticate_bearer
from core.errors import TITLES
from core.extensions import MAX_ID, csrf, db
from core.json_bodies import MAX_DEPTH, TooDeep
from core.schemas import DecimalString, ProblemSchema

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"
BINARY = {"type": "string", "format": "binary"}
BODY_NOT_JSON = "De body is geen geldige JSON."
#: Text never holds a NUL character: core.security refuses it in a URL or query (400), BaseSchema in a body (422).
NO_NUL = r"^[^\x00]*$"
#: What any operation may answer besides its success: malformed input, no token, role or scope, unknown object;
#: a write also a conflict (also a retried Idempotency-Key still running), too large, or invalid content.
READ_ERRORS = (400, 401, 403, 404)
WRITE_ERRORS = READ_ERRORS + (409, 413, 422)


class Parser(FlaskParser):
    """webargs, answering as the rest of the app: unreadable JSON is a Dutch 400, invalid content a
    ValidationError that core.errors answers (422, errors per field). Every location keeps its schema's
    `unknown` (BaseSchema: RAISE), also the query string."""

    DEFAULT_UNKNOWN_BY_LOCATION = dict.fromkeys(FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION)
    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_json(self, req, schema):
        data = super().load_json(req, schema)
        if data is missing:
            abort(400, BODY_NOT_JSON)
        return data

    def _raw_load_json(self, req):
        """The body read by the app's JSON provider (core.json_bodies), which bounds how deeply it nests."""
        if not is_json_request(req):
            return missing
        try:
            return current_app.json.loads(req.get_data(cache=True))
        except TooDeep:
            abort(400, f"De body is te diep genest (meer dan {MAX_DEPTH} niveaus).")

    def load_multipart(self, req, schema):
        """The form fields (empty ones left out) and the file of an upload, which must be sent as `file`."""
        if "file" not in req.files:
            abort(400, "Stuur het bestand als 'file'.")
        form = MultiDict([(key, value) for key, value in req.form.items(multi=True) if value != ""])
        return self._makeproxy(CombinedMultiDict([req.files, form]), schema)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        abort(400, BODY_NOT_JSON)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        raise ValidationError(next(iter(error.messages.values())))  # webargs put them under their location


class Blueprint(flask_smorest.Blueprint):
    """An API blueprint under /api/v1: bearer-token authentication only, so no CSRF (cookies never authenticate
    here); Idempotency-Key on its mutating calls (core.idempotency); each operation documented with the errors
    it can answer."""

    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}

    def __init__(self, name: str, import_name: str):
        super().__init__(name, import_name, url_prefix=API_PREFIX)
        csrf.exempt(self)
        self.before_request(_authenticate)
        self.before_request(idempotency.claim_or_replay)
        self.after_request(idempotency.keep_answer)
        self._prepare_doc_cbks.append(self._prepare_problem_doc)

    @staticmethod
    def _prepare_problem_doc(doc, doc_info, *, method, **kwargs):
        is_public = doc_info.get("manual_doc", {}).get("security") == []
        statuses = (400,) if is_public else WRITE_ERRORS if method.upper() in idempotency.MUTATING else READ_ERRORS
        responses = doc.setdefault("responses", {})
        for status in statuses:
            responses.setdefault(status, http.HTTPStatus(status).name)
        return doc


def make_api_blueprint(name: str, import_name: str) -> Blueprint:
    return Blueprint(name, import_name)


def _authenticate():
    view = current_app.view_functions.get(request.endpoint)
    if not getattr(view, "is_public", False) and authenticate_bearer(request.headers.get("Authorization")) is None:
        abort(401)


def public(view):
    """Reachable without logging in (documented without security); everything else requires a session or a
    token."""
    view = flask_smorest.Blueprint.doc(security=[])(view)
    view.is_public = True
    return view


def downloads(blueprint: Blueprint, *media_types: str):
    """Document a file download (the view answers with send_file) with its real media types."""

    def decorator(view):
        for media_type in media_types:
            view = blueprint.response(200, BINARY, content_type=media_type, description="Het bestand")(view)
        return view

    return decorator


def paginate(stmt, args: dict):
    """One page of `stmt` per the query's page and per_page (core.schemas.PageQuery), for a page_of(...) answer."""
    return db.paginate(stmt, page=args["page"], per_page=args["per_page"], error_out=False)


def upload(args: dict) -> tuple[dict, str, bytes]:
    """The fields, file name and bytes of a multipart upload loaded with location="multipart"."""
    fields = dict(args)
    file = fields.pop("file")
    return fields, file.filename or "", file.read()


class Api(flask_smorest.Api):
    """flask-smorest's Api, answering errors through core.errors and serving the document from core.api. The
    document is made on first use, from every API blueprint the app has: an app made for one test does not pay
    for it."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # each operation lists its own errors (Blueprint._prepare_problem_doc)

    def init_app(self, app: Flask, *, spec_kwargs=None):
        app.config.setdefault("API_TITLE", "Inburgering inkoop en contractbeheer")
        app.config.setdefault("API_VERSION", "1.0.0")
        app.config.setdefault("OPENAPI_VERSION", "3.0.3")
        app.config.setdefault("API_SPEC_OPTIONS", {
            "info": {"description": "Publieke JSON-API (v1). Authenticatie: Authorization: Bearer <token>."},
            "security": [{"bearer": []}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}})
        self._documented: set[str] = set()
        self._lock = threading.Lock()
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.register_field(DecimalString, "string", None)
        self.ma_plugin.converter.add_attribute_function(_text_without_nul)
        self.register_converter(UnicodeConverter, lambda c: {**unicodeconverter2paramschema(c), "pattern": NO_NUL})
        self.register_converter(app.url_map.converters["int"],  # core.IdConverter: ids within the database's keys
                                lambda converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID})

    def _register_error_handlers(self):
        """core.errors answers every error, as problem+json."""

    def _register_doc_blueprint(self):
        """core.api serves the document, at /api/v1/openapi.json."""

    def _register_etag_headers(self):
        """No ETags here."""

    def _register_pagination_header(self):
        """Pages are {"items", "total"} (core.schemas.page_of), not flask-smorest's X-Pagination header."""

    def _register_responses(self):
        for status in sorted(set(WRITE_ERRORS)):
            response = {"description": TITLES[status], "schema": self.ERROR_SCHEMA}
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(http.HTTPStatus(status).name, response, lazy=True)

    def document(self) -> dict:
        with self._lock:
            for name, blueprint in self._app.blueprints.items():
                if isinstance(blueprint, Blueprint) and name not in self._documented:
                    blueprint.register_views_in_doc(self, self._app, self.spec, name=name, parameters=None)
                    self.spec.tag({"name": name, "description": blueprint.description})
                    self._documented.add(name)
            return self.spec.to_dict()


def _text_without_nul(converter, field, ret: dict, **kwargs) -> dict:
    if isinstance(field, fields.String) and not {"pattern", "enum", "format"} & ret.keys():
        return {"pattern": NO_NUL}
    return {}


def init_app(app: Flask) -> None:
    Api(app)


def openapi_document(app: Flask) -> dict:
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].document()

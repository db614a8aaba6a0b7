"""The JSON API plumbing: token-only blueprints, request parsing, pagination and the OpenAPI document."""
import re

import sqlalchemy as sa
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, abort, current_app, request
from marshmallow import Schema

from core import idempotency
from core.auth import authenticate_bearer
from core.extensions import MAX_ID, csrf, db
from core.schemas import Money, PageQuery, ProblemSchema

API_PREFIX = "/api/v1"
ERROR_STATUSES = (400, 401, 403, 404, 409, 413, 422)
_PATH_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def make_api_blueprint(name: str, import_name: str) -> Blueprint:
    """An API blueprint: bearer-token authentication only, so no CSRF (cookies never authenticate here), and
    Idempotency-Key on its mutating calls (core.idempotency)."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(bp)

    @bp.before_request
    def authenticate():
        view = current_app.view_functions.get(request.endpoint)
        if not getattr(view, "is_public", False) and authenticate_bearer(request.headers.get("Authorization")) is None:
            abort(401)

    bp.before_request(idempotency.claim_or_replay)
    bp.after_request(idempotency.keep_answer)
    return bp


def load_json(schema: Schema, partial: bool = False) -> dict:
    """Parse the body with `schema`: 400 for unreadable JSON, 422 (via the handler) for invalid content."""
    payload = request.get_json(silent=True)
    if payload is None:
        abort(400, "De body is geen geldige JSON.")
    return schema.load(payload, partial=partial)


def load_query(schema: Schema) -> dict:
    return schema.load(request.args.to_dict())


def load_upload(schema: Schema) -> tuple[dict, str, bytes]:
    """A multipart upload: the form fields through `schema` (empty ones left out) and the file sent as `file`."""
    upload = request.files.get("file") or abort(400, "Stuur het bestand als 'file'.")
    return schema.load({k: v for k, v in request.form.items() if v != ""}), upload.filename or "", upload.read()


def paginate(stmt, schema: Schema) -> dict:
    """{"items", "total"} for one page of `stmt`, per ?page= and ?per_page= (at most 500)."""
    args = PageQuery().load({k: v for k, v in request.args.items() if k in ("page", "per_page")})
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])).all()
    return {"items": schema.dump(rows, many=True), "total": total}


def doc(summary: str, *, body: type[Schema] | None = None, response: type[Schema] | None = None,
        status: int = 200, also: tuple[int, ...] = (), query: type[Schema] | None = None,
        content_type: str | tuple[str, ...] = "application/json", form: dict | None = None, roles: str = "",
        other: dict[int, type[Schema]] | None = None):
    """Describe an API view for the OpenAPI document; every API view carries one (a file download may name
    several content types; `other` names a status with a body of its own, such as 202 with a job's)."""

    def decorator(view):
        view.openapi = {"summary": summary, "body": body, "response": response, "status": status, "also": also,
                        "query": query, "content_type": content_type, "form": form, "roles": roles,
                        "other": other or {}}
        return view

    return decorator


def public(view):
    """Reachable without logging in; everything else requires a session or a token."""
    view.is_public = True
    return view


def _money_property(converter, field, ret: dict, **kwargs) -> dict:
    """Money is a string in JSON: drop the numeric type and bounds that apispec derives from a Decimal field."""
    if isinstance(field, Money):
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            ret.pop(key, None)
        return {"type": "string", "pattern": Money.PATTERN}
    return {}


def openapi_document(app) -> dict:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(title="Inburgering inkoop en contractbeheer", version="1.0.0", openapi_version="3.0.3",
                   plugins=[marshmallow],
                   info={"description": "Publieke JSON-API (v1). Authenticatie: Authorization: Bearer <token>."})
    marshmallow.converter.add_attribute_function(_money_property)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=ProblemSchema)
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        info = getattr(view, "openapi", None)
        if info is None:
            raise RuntimeError(f"API view {rule.endpoint} has no @doc")
        path = _PATH_ARG.sub(r"{\2}", rule.rule)
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID} if converter == "int" else {"type": "string"}}
                  for converter, name in _PATH_ARG.findall(rule.rule)]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(view, info, params)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(view, info: dict, params: list) -> dict:
    operation = {"summary": info["summary"], "operationId": view.__name__, "parameters": list(params),
                 "responses": {}}
    if info["roles"]:
        operation["description"] = f"Rollen: {info['roles']}."
    if not getattr(view, "is_public", False):
        operation["security"] = [{"bearer": []}]
    if info["query"] is not None:
        operation["parameters"].append({"in": "query", "schema": info["query"]})
    if info["body"] is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": info["body"]}}}
    if info["form"] is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": info["form"]}}}
    success = {"description": "OK"}
    if info["response"] is not None:
        success["content"] = {info["content_type"]: {"schema": info["response"]}}
    elif info["content_type"] != "application/json":
        types = info["content_type"] if isinstance(info["content_type"], tuple) else (info["content_type"],)
        success["content"] = {kind: {"schema": {"type": "string", "format": "binary"}} for kind in types}
    for status in (info["status"], *info["also"]):
        operation["responses"][str(status)] = success
    for status, schema in info["other"].items():
        operation["responses"][str(status)] = {"description": "OK", "content": {"application/json": {"schema": schema}}}
    for status in ERROR_STATUSES:
        if str(status) not in operation["responses"]:
            operation["responses"][str(status)] = {"description": "Fout", "content": {
                "application/problem+json": {"schema": "Problem"}}}
    return operation

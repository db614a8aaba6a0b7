"""A local fake DUO that checks every request it receives and every answer it gives against DUO's own OpenAPI
files, read from shared/duo beside the repository (never copied into it)."""
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema_rs
import pytest
import requests
import yaml
from requests.adapters import BaseAdapter

from core.extensions import db

REPO = Path(__file__).resolve().parents[3]
BASE_URL = "https://duo.test:8443/v1"
DUO_OIN = "00000001234567890000"
OWN_OIN = "00000009876543210000"
OTHER_OIN = "00000005555555550000"
BSN = "111222333"
DUO_CONFIG = {"DUO_BASE_URL": BASE_URL, "DUO_OIN": DUO_OIN, "DUO_OWN_OIN": OWN_OIN,
              "DUO_NOTIFICATION_TOKEN": "duo-test-token", "DUO_TRUSTED_OIN_HEADER": "X-Client-Cert-OIN"}


def _spec_dir() -> Path:
    """shared/duo next to the checkout or one of its parents, or the team's workspace copy (/work/shared/duo, for a
    clone made elsewhere); fail if absent."""
    candidates = [Path(os.environ["DUO_SPEC_DIR"])] if os.environ.get("DUO_SPEC_DIR") else [
        *(parent / "shared" / "duo" for parent in (REPO, *REPO.parents)), Path("/work/shared/duo")]
    for candidate in candidates:
        if (candidate / "API" / "Notificatie" / "openapi.yml").is_file():
            return candidate
    raise RuntimeError(f"DUO's OpenAPI files not found in {[str(c) for c in candidates]}; set DUO_SPEC_DIR.")


SPEC_DIR = _spec_dir()


class OpenApi:
    """Just enough of OpenAPI 3.0 to check a request and an answer: parameters, bodies and response headers."""

    def __init__(self, name: str):
        self.doc = yaml.safe_load((SPEC_DIR / "API" / name / "openapi.yml").read_text(encoding="utf-8"))
        self.paths = {self._regex(path): ops for path, ops in self.doc["paths"].items()}

    @staticmethod
    def _regex(template: str):
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

    def operation(self, method: str, path: str):
        for regex, ops in self.paths.items():
            if (match := regex.match(path)) and method.lower() in ops:
                return ops[method.lower()], match.groupdict()
        return None, None

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node and node["$ref"].startswith("#/components/parameters/"):
            node = self.doc["components"]["parameters"][node["$ref"].rsplit("/", 1)[1]]
        return node

    def errors(self, schema: dict, value) -> list[str]:
        validator = jsonschema_rs.Draft202012Validator({**schema, "components": self.doc["components"]},
                                                       validate_formats=True)
        return [error.message for error in validator.iter_errors(value)]

    def request_errors(self, method, path, headers, body) -> list[str]:
        operation, path_args = self.operation(method, path)
        if operation is None:
            return [f"{method} {path} is not in {self.doc['info']['title']}"]
        errors = []
        for parameter in map(self._resolve, operation.get("parameters", [])):
            source = path_args if parameter["in"] == "path" else headers
            value = source.get(parameter["name"])
            if value is None:
                errors += [f"missing {parameter['name']}"] if parameter.get("required") else []
            else:
                errors += [f"{parameter['name']}: {e}" for e in self.errors(parameter["schema"], value)]
        if "requestBody" in operation:
            schema = operation["requestBody"]["content"]["application/json"]["schema"]
            errors += ["body missing"] if body is None else [f"body: {e}" for e in self.errors(schema, body)]
        return errors

    def response_errors(self, method, path, status: int, headers, body) -> list[str]:
        operation, _ = self.operation(method, path)
        answer = operation["responses"].get(str(status))
        if answer is None:
            return [f"status {status} is not defined for {method} {path}"]
        errors = []
        for name, header in answer.get("headers", {}).items():
            if name not in headers:
                errors += [f"header {name} missing"] if header.get("required") else []
            else:
                errors += [f"{name}: {e}" for e in self.errors(header["schema"], headers[name])]
        content = answer.get("content", {}).get("application/json")
        if content is not None and body is not None:
            errors += [f"body: {e}" for e in self.errors(content["schema"], body)]
        elif content is None and body not in (None, b"", ""):
            errors += ["a body where the specification defines none"]
        return errors


NOTIFICATIE = OpenApi("Notificatie")
DUO_APIS = [OpenApi("Examen"), OpenApi("Inburgeringstermijn"), OpenApi("MAP,PVT,Zroute")]


class FakeDuo(BaseAdapter):
    """DUO behind a requests adapter: state per BSN, outages on demand, everything checked against the spec."""

    def __init__(self):
        super().__init__()
        self.exam_results: dict[str, list] = {}
        self.terms: dict[str, dict] = {}
        self.stored: dict[tuple[str, str], dict] = {}
        self.calls: list[tuple[str, str, dict, object]] = []
        self.down = False
        self.fail_with: list[tuple[int, object]] = []  # answers to give first, e.g. (503, None)

    def send(self, request, **kwargs):
        if self.down:
            raise requests.ConnectionError("DUO is down")
        path = urlsplit(request.url).path.removeprefix(urlsplit(BASE_URL).path)
        body = json.loads(request.body) if request.body else None
        headers = dict(request.headers)
        api = next(a for a in DUO_APIS if a.operation(request.method, path)[0] is not None)
        assert api.request_errors(request.method, path, headers, body) == []
        assert headers["doel"] == DUO_OIN
        self.calls.append((request.method, path, headers, body))
        status, payload = self.fail_with.pop(0) if self.fail_with else self._answer(request.method, path, body)
        answer_headers = {"API-Version": "1.0.0", "berichtId": headers["berichtId"]}
        if status < 500:  # a 5xx may come from DUO's gateway rather than the API, whatever the API defines
            assert api.response_errors(request.method, path, status, answer_headers, payload) == []
        return self._response(request, status, payload, answer_headers)

    def _answer(self, method: str, path: str, body):
        bsn, resource = path.split("/")[2], path.split("/", 3)[3]
        if resource == "examens/resultaten":
            return (200, self.exam_results[bsn]) if bsn in self.exam_results else (404, None)
        if resource == "inburgeringstermijn":
            return (200, self.terms[bsn]) if bsn in self.terms else (404, None)
        self.stored[(bsn, resource)] = body
        return 200, None

    @staticmethod
    def _response(request, status, payload, headers):
        response = requests.Response()
        response.status_code, response.request, response.url = status, request, request.url
        response.headers.update(headers)
        if payload is not None:
            response._content = json.dumps(payload).encode()
            response.headers["Content-Type"] = "application/json"
        else:
            response._content = b""
        return response

    def close(self):
        pass


@pytest.fixture
def duo_app(app):
    app.config.update(DUO_CONFIG)
    return app


@pytest.fixture
def fake_duo(duo_app, monkeypatch):
    """The fake DUO, mounted in every client the app builds from its configuration."""
    from trajectories.duo import client as client_module

    fake = FakeDuo()
    real = client_module.client_from_config

    def with_fake(config, session=None):
        session = requests.Session()
        session.mount("https://duo.test:8443", fake)
        return real(config, session=session)

    monkeypatch.setattr(client_module, "client_from_config", with_fake)
    monkeypatch.setattr("trajectories.duo.jobs.client_from_config", with_fake)
    return fake


@pytest.fixture
def duo_client(fake_duo, duo_app):
    from trajectories.duo import client as client_module

    return client_module.client_from_config(duo_app.config)


@pytest.fixture
def participant(make_trajectory, make_contract, make_municipality):
    """A trajectory of BSN 111222333, referred on 15 January 2026."""
    from datetime import date

    from core.personal_data import bsn_lookup_hash, encrypt_bsn

    def make(bsn=BSN, **kw):
        kw.setdefault("referral_date", date(2026, 1, 15))
        trajectory = make_trajectory(bsn_encrypted=encrypt_bsn(bsn), bsn_hash=bsn_lookup_hash(bsn), **kw)
        db.session.commit()
        return trajectory

    return make


@pytest.fixture
def notify(client, duo_app):
    """notify(code, bsn=..., message_id=..., headers=...) posts a notification as DUO would, checked against the
    Notificatie API, and checks the answer too."""
    import uuid

    def post(code="SS101", bsn=BSN, message_id=None, headers=None, body=None, check=True):
        body = body if body is not None else {"registratieDatumTijd": "2026-11-20T10:15:00+01:00",
                                              "gebeurtenisId": code, **({"bsn": bsn} if bsn else {})}
        sent = {"bron": DUO_OIN, "doel": OWN_OIN, "berichtId": message_id or str(uuid.uuid4()),
                "Authorization": "Bearer duo-test-token", **(headers or {})}
        if check:
            assert NOTIFICATIE.request_errors("POST", "/notificaties", sent, body) == []
        response = client.post("/v1/notificaties", json=body, headers={k: v for k, v in sent.items() if v is not None})
        assert NOTIFICATIE.response_errors("POST", "/notificaties", response.status_code, response.headers,
                                           response.get_data() or None) == []
        return response

    return post

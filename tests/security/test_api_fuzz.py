"""schemathesis against /api/v1/openapi.json with a valid token: no 5xx, and every answer matches the document.

One check is left out: positive_data_acceptance expects every schema-valid body to be accepted, but rules that
need the database (an unknown CBS code, an overlapping contract) rightly answer 422, as the document says.
"""
import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, given, settings

from core import create_app
from core.auth import issue_token
from core.extensions import db
from core.models import Role
from core.rest import openapi_document
from tests.conftest import _config


def _operations() -> list[tuple[str, str]]:
    app = create_app(_config("sqlite://"))
    with app.app_context():
        paths = openapi_document(app)["paths"]
    return [(path, method.upper()) for path, item in sorted(paths.items()) for method in sorted(item)
            if method != "parameters"]  # the path's own parameters, shared by its operations


@pytest.fixture
def admin_token(ctx, make_user, make_region):
    make_region()
    token = issue_token(make_user(Role.ADMIN))
    db.session.commit()
    return token


@pytest.mark.parametrize("path, method", _operations())
def test_api_answers_match_the_document(app, admin_token, path, method):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {admin_token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, excluded_checks=[checks.positive_data_acceptance])

    check()

"""Small helpers of the HTML views: pagination and safe redirects."""
from dataclasses import dataclass
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import request

from core.errors import DomainError
from core.extensions import db

PER_PAGE = 50


@dataclass
class Page:
    rows: list
    number: int
    total: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_of_rows(stmt, per_page: int = PER_PAGE) -> Page:
    number = request.args.get("page", "1")
    number = max(1, int(number)) if number.isdigit() else 1
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(rows, number, total, per_page)


def safe_next(target: str | None) -> str | None:
    """Only same-site paths; an absolute or scheme-relative URL would be an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") else None


def show_domain_error(form, exc) -> None:
    """Put a DomainError on the form: a schedule's or KPI agreements' errors on their rows (core.term_forms), else on
    its field when the form has one, else as a form error; list items too."""
    if hasattr(form, "show_term_errors") and form.show_term_errors(exc):
        return
    target = getattr(form, exc.field, None) if exc.field else None
    messages = [exc.message] + [
        (f"Regel {e['index'] + 1}: " if e.get("index") is not None else "")
        + (f"{e['field']}: " if e.get("field") and e.get("field") != exc.field else "") + e["message"]
        for e in (exc.errors or []) if e.get("message") != exc.message]
    if target is not None and hasattr(target, "errors"):
        target.errors = list(target.errors) + messages
    else:
        form.form_errors.extend(messages)


def form_upload(form) -> tuple[dict, str, bytes]:
    """The fields, file name and bytes of a valid upload form; a DomainError with the first problem otherwise."""
    if not form.validate_on_submit():
        field, errors = next(iter(form.errors.items()))
        raise DomainError(errors[0] if isinstance(errors[0], str) else "Controleer het formulier.", field=field)
    return form.data, form.file.data.filename or "", form.file.data.read()

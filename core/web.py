"""Small helpers of the HTML views: pagination, safe redirects, business errors on forms, uploads."""
from urllib.parse import urlsplit

from flask import flash

from core.errors import DomainError
from core.extensions import db
from core.scope import OutOfScope

PER_PAGE = 50


def page_of_rows(stmt):
    """One page of `stmt` for a list page, per ?page= (a wrong one shows the first); db.paginate, as the API's."""
    return db.paginate(stmt, per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False)


def safe_next(target: str | None) -> str | None:
    """Only plain same-site paths: an absolute or scheme-relative URL would be an open redirect, and a line break
    (a header of its own, or a 500), a tab or a backslash (which browsers drop or read as "/") could make one."""
    if not target or not target.isprintable() or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") else None


def show_domain_error(form, exc: DomainError) -> None:
    """Show a broken business rule on the form that is rendered again, after rolling back what the request had
    changed: each error on its field where the form has one (also the last part of a dotted name such as
    participant.bsn), the others above the form with their row ("Regel 2") and the field's label if it has one.
    A write outside the user's scope is no form error: it answers 403 (core.errors)."""
    if isinstance(exc, OutOfScope):
        raise exc
    db.session.rollback()
    if hasattr(form, "show_term_errors") and form.show_term_errors(exc):
        return
    items = exc.errors or [{"field": exc.field, "message": exc.message}]
    if exc.message not in {item["message"] for item in items}:
        form.form_errors.append(exc.message)
    for item in items:
        target = _form_field(form, item.get("field"))
        if target is not None and item.get("index") is None:
            target.errors = [*target.errors, item["message"]]
            continue
        row = f"Regel {item['index'] + 1}: " if item.get("index") is not None else ""
        label = f"{target.label.text}: " if target is not None else ""  # never a JSON name on a page
        form.form_errors.append(row + label + item["message"])


def _form_field(form, name: str | None):
    for candidate in (name, (name or "").rpartition(".")[2]):
        if candidate and candidate in form and hasattr(form[candidate], "errors"):
            return form[candidate]
    return None


def flash_domain_error(exc) -> None:
    """A DomainError as a flash message on the page redirected to, the request's changes rolled back; a write
    outside the user's scope answers 403 instead."""
    if isinstance(exc, OutOfScope):
        raise exc
    db.session.rollback()
    flash(exc.message, "error")


def form_upload(form) -> tuple[dict, str, bytes]:
    """The fields, file name and bytes of a valid upload form; a DomainError with the first problem otherwise."""
    if not form.validate_on_submit():
        field, errors = next(iter(form.errors.items()))
        raise DomainError(errors[0] if isinstance(errors[0], str) else "Controleer het formulier.", field=field)
    return form.data, form.file.data.filename or "", form.file.data.read()

"""Default-deny login gate and the security headers on every response."""
from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def register_security(app: Flask) -> None:
    @app.before_request
    def require_login():
        g.pop("_login_user", None)  # a request never inherits the user of an earlier one in the same app context
        view = current_app.view_functions.get(request.endpoint)
        if view is None or getattr(view, "is_public", False) or request.path.startswith("/api/"):
            return None  # unknown URLs 404; the API authenticates by token itself
        if request.endpoint == "static" or current_user.is_authenticated:
            return None
        return redirect(url_for("core.login", next=request.full_path if request.query_string else request.path))

    @app.before_request
    def refuse_nul_characters():
        """No text field holds a NUL character (PostgreSQL refuses them): refuse such input up front."""
        if "\x00" in request.path or any("\x00" in value for values in (request.args, request.form)
                                         for value in values.values()):
            abort(400, "De invoer bevat een ongeldig teken (NUL).")

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if response.mimetype.endswith("json") and "charset" not in response.content_type:
            response.content_type = f"{response.mimetype}; charset=utf-8"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

"""Domain errors with reasons, and the site's error pages (HTML or JSON)."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    """A rule of the domain was broken; carries (field, message) reasons for the form, API or CLI."""

    def __init__(self, reasons: str | Iterable[tuple[str | None, str]], field: str | None = None):
        if isinstance(reasons, str):
            reasons = [(field, reasons)]
        self.reasons: list[tuple[str | None, str]] = [(f, str(m)) for f, m in reasons]
        super().__init__("; ".join(m for _f, m in self.reasons))

    @property
    def messages(self) -> list[str]:
        return [m for _f, m in self.reasons]

    def apply_to_form(self, form) -> None:
        """Put each reason on the form field it names (or on the form as a whole)."""
        for field, message in self.reasons:
            target = getattr(form, field, None) if field else None
            if target is not None and hasattr(target, "errors"):
                if isinstance(target.errors, tuple):
                    target.errors = list(target.errors)
                target.errors.append(message)
            else:
                form.form_errors.append(message)


class NotFound(DomainError):
    """The thing does not exist or the actor may not know of it."""


def wants_json() -> bool:
    """API calls and fetch() requests get JSON errors."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Access denied"), _("You do not have permission to open this page.")),
        404: (_("Not found"), _("The page or record does not exist, or you may not see it.")),
        405: (_("Not allowed"), _("This action is not allowed here.")),
        413: (_("File too large"), _("The upload is larger than the site accepts.")),
        429: (_("Too many attempts"), _("Too many attempts. Please wait a minute and try again.")),
        500: (_("Server error"), _("Something went wrong on our side. Nothing you entered was saved half-way; please try again.")),
    }


def render_error(code: int, detail: str | None = None):
    title, message = _titles().get(code, (str(code), ""))
    if detail:
        message = detail
    if wants_json():
        return jsonify({"error": title, "message": message, "status": code}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register_error_handlers(app) -> None:
    """The site's error pages. The request's transaction was rolled back before any of them runs
    (learnapp/db/requests.py): what a failed request wrote is never saved."""

    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        code = exc.code or 500
        if code == 400 and getattr(exc, "description", "") and "CSRF" in str(exc.description):
            return render_error(400, _("The form expired or was sent from elsewhere. Reload the page and try again; nothing was saved."))
        return render_error(code)

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(exc: SecurityError):
        # A Host header outside TRUSTED_HOSTS: no URL can be built for such a request, so the
        # answer is plain text rather than the site's error page (which links to other pages).
        return Response("400 Bad Request: untrusted host / 不受信任的主机名\n", status=400, mimetype="text/plain")

    @app.errorhandler(DomainError)
    def handle_domain(exc: DomainError):
        if wants_json():
            return jsonify({"error": "invalid", "reasons": [{"field": f, "message": m} for f, m in exc.reasons]}), 422
        return render_error(400, "; ".join(exc.messages))

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def handle_number_out_of_range(exc: Exception):
        """A number from the request too large for the database (SQLite raises OverflowError,
        PostgreSQL "out of range"): the request's fault, not the server's. Routes and `type=int`
        parameters are bounded already (web.py); this catches what a form or view passes on."""
        if isinstance(exc, DataError) and "out of range" not in str(exc.orig):
            return handle_unexpected(exc)
        app.logger.warning("number out of range in %s: %s", request.path, exc)
        return render_error(400, _("A number in the request is too large."))

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        app.logger.exception("unhandled error")
        if app.testing and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise exc
        return render_error(500)


FAILED = object()
"""What `save_form` and `save_action` return when the service refused."""


def try_save(action, *, refusal: type[Exception] = DomainError):
    """Run a service call that may refuse, as part of the request's transaction (committed by its
    owner when the view returns, learnapp/db/requests.py). Returns `(result, None)`; on a
    DomainError, everything the request wrote so far is rolled back and `(None, error)` returned,
    for the view to show the reasons. A rollback of the request's transaction, not a savepoint:
    no statement more on the usual path. What must be kept whatever the service decides (the
    sign-in's counters, a refusal's audit entry) is written after the call, or by a service that
    does not raise (it returns the refusal instead). `refusal`: the exception class that means the
    service refused (a DomainError unless the service reports its problems otherwise)."""
    from learnapp.db import undo_changes

    try:
        return action(), None
    except refusal as exc:
        undo_changes()
        return None, exc


def save_form(form, action, *, explain=None):
    """Run a service call for a submitted form (`try_save`): its result, or FAILED after its reasons
    were put on the form's fields, so the view shows the form again. `explain(exc)` may first map
    the service's reasons onto the form's own fields."""
    result, refused = try_save(action)
    if refused is not None:
        (explain(refused) if explain else refused).apply_to_form(form)
        return FAILED
    return result


def save_action(action, *, success: str | None = None, joined: bool = False):
    """Run a service call for a button POST, with no form to show again (`try_save`): its result, with
    `success` flashed, or FAILED after its reasons were flashed (each apart, or `joined` in one
    message), so the view redirects back where it came from in both cases."""
    from flask import flash

    result, refused = try_save(action)
    if refused is not None:
        for message in ["; ".join(refused.messages)] if joined else refused.messages:
            flash(message, "error")
        return FAILED
    if success:
        flash(success, "success")
    return result


def save_or_raise(action):
    """Run a service call of a JSON endpoint: a DomainError propagates, the request's transaction is
    rolled back by its owner and the error handler answers with the reasons (JSON 422)."""
    return action()


class Refused(DomainError):
    """A refusal of a JSON endpoint with a `code` for the page's script and an HTTP `status`; the
    blueprint that serves the endpoint answers it (e.g. materials.api)."""

    def __init__(self, code: str, message: str, status: int = 409):
        super().__init__(message)
        self.code = code
        self.status = status

"""Protected files (evidence, media, thought reports, development attachments) after the view's
permission check: sent by learnapp itself, or handed to nginx with X-Accel-Redirect.

With `ACCEL_REDIRECT = "/_protected/"` the answer has no body, only the type, the disposition and
`X-Accel-Redirect: /_protected/<path under UPLOAD_FOLDER>`; nginx then sends the file from its
`internal` location (deploy/nginx/learnapp.conf), with Range requests and sendfile, and the app's
worker is free at once. A client asking for /_protected/... directly gets 404 from nginx.
Without the setting (plain gunicorn, tests) Flask's send_file does it, Range requests included
(206 with Content-Range, 416 past the end, If-Range) when the view asks for `conditional=True`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from flask import Response, current_app, send_file
from werkzeug.exceptions import RequestedRangeNotSatisfiable

# Headers of the app's answer that nginx is given back explicitly in the internal location.
HEADER = "X-Accel-Redirect"


def accel_path(path: Path) -> str | None:
    """The X-Accel-Redirect target for a file of the upload store (None: not configured, or the
    file lies outside the store)."""
    prefix = str(current_app.config.get("ACCEL_REDIRECT") or "")
    if not prefix:
        return None
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    resolved = Path(path).resolve()
    if root not in resolved.parents:
        return None
    return prefix.rstrip("/") + "/" + quote(resolved.relative_to(root).as_posix())


def send_protected(path: Path, *, mimetype: str | None, as_attachment: bool, download_name: str | None,
                   **options) -> Response:
    """send_file's answer for a checked file; through nginx when ACCEL_REDIRECT is set."""
    target = accel_path(path)
    if target is None:
        try:
            return send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                             **options)
        except RequestedRangeNotSatisfiable:
            # A range past the end: 416 with the file's length (RFC 9110 14.4), so a player can
            # ask again; not the site's error page, which would drop the header.
            return Response(b"", status=416, headers={"Content-Range": f"bytes */{Path(path).stat().st_size}"})
    # The type and disposition exactly as send_file makes them; the body is nginx's to send.
    made = send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name,
                     conditional=False, etag=False, max_age=0)
    made.close()
    response = Response(b"", status=200)
    for name in ("Content-Type", "Content-Disposition"):
        if name in made.headers:
            response.headers[name] = made.headers[name]
    response.headers[HEADER] = target
    return response

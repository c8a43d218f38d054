"""Cache-busting static URLs: `url_for('static', filename=...)` gets `?v=<content hash>`.

nginx serves /static/ itself with a far-future cache lifetime (deploy/nginx/learnapp.conf); a new
release changes the hash of every file it changed, so browsers fetch exactly those again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_VERSIONS: dict[str, str] = {}


def version_of(static_folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256 (read once per process), None if absent."""
    key = f"{static_folder}\0{filename}"
    if key not in _VERSIONS:
        root = Path(static_folder).resolve()
        path = (root / filename).resolve()
        if root not in path.parents or not path.is_file():
            return None
        _VERSIONS[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return _VERSIONS[key]


def init_app(app) -> None:
    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and "filename" in values and "v" not in values:
            version = version_of(app.static_folder, values["filename"])
            if version:
                values["v"] = version

"""Extension points between domains, per application.

A domain that must not import another (dependency direction) names a point, say
"accounts.person_links"; the other domain adds its provider there from its init_app. Providers
belong to the application (`app.extensions`), so two applications in one process (the tests make
many) never share or duplicate them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app

_EXTENSION = "learnapp.hooks"


def add(app: Flask, point: str, provider: Callable, *, order: int = 100) -> None:
    """Add `provider` to the extension point `point` of `app` (from a domain's init_app)."""
    points: dict[str, list[tuple[int, Callable]]] = app.extensions.setdefault(_EXTENSION, {})
    providers = points.setdefault(point, [])
    if any(p is provider for _o, p in providers):
        raise ValueError(f"{point}: {provider!r} added twice")
    providers.append((order, provider))
    providers.sort(key=lambda x: x[0])


def providers(point: str) -> list[Callable]:
    """The providers of `point` in the current application, in order."""
    return [p for _o, p in current_app.extensions.get(_EXTENSION, {}).get(point, ())]

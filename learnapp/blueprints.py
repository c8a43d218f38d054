"""Registering a domain's blueprint together with the modules that declare its routes."""

from __future__ import annotations

from types import ModuleType

from flask import Blueprint, Flask


def register(app: Flask, bp: Blueprint, *route_modules: ModuleType) -> None:
    """Register `bp` on `app`. A blueprint's routes are declared by the decorators of the modules
    that hold its views: the domain's init_app lists them here, so that one place names them all,
    and each must declare its routes on `bp`."""
    for module in route_modules:
        if getattr(module, "bp", None) is not bp:
            raise RuntimeError(f"{module.__name__} does not declare its routes on the blueprint {bp.name!r}")
    app.register_blueprint(bp)

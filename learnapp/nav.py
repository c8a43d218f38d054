"""Navigation registry: each domain's init_app adds its menu items and home-page panels to the
application's menu; the pages show the items by role.

The menu belongs to one application (`app.extensions["learnapp.nav"]`), so two applications in
one process (the tests make many) each have their own, filled once by create_app. This module
imports no domain: who counts as an administrator is given to `init_app`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import Flask, current_app, request, url_for

from learnapp.i18n import per_catalog

_EXTENSION = "learnapp.nav"
SECTIONS = ("main", "admin")


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string
    visible: Callable[[object], bool]
    order: int = 100
    section: str = "main"  # "main" (learner) or "admin"


PanelProvider = Callable[[object], dict | None]


class Menu:
    """One application's menu items and home-page panel providers."""

    def __init__(self, shows_admin: Callable[[object], bool]) -> None:
        self.shows_admin = shows_admin
        self.items: dict[str, NavItem] = {}
        self.panels: list[tuple[int, PanelProvider]] = []
        # Every page draws the menu: each section's items in order, sorted once.
        self._sections: dict[str, tuple[NavItem, ...]] = {}

    def add(self, item: NavItem) -> None:
        if item.section not in SECTIONS:
            raise ValueError(f"{item.endpoint}: unknown menu section {item.section!r}")
        if item.endpoint in self.items:
            raise ValueError(f"{item.endpoint}: menu item registered twice")
        self.items[item.endpoint] = item
        self._sections.clear()

    def add_panel(self, provider: PanelProvider, order: int) -> None:
        if any(p is provider for _o, p in self.panels):
            raise ValueError(f"{provider!r}: home panel registered twice")
        self.panels.append((order, provider))
        self.panels.sort(key=lambda x: x[0])

    def in_section(self, section: str) -> tuple[NavItem, ...]:
        items = self._sections.get(section)
        if items is None:
            items = self._sections[section] = tuple(sorted(
                (i for i in self.items.values() if i.section == section), key=lambda i: (i.order, i.endpoint)))
        return items


def init_app(app: Flask, *, shows_admin: Callable[[object], bool]) -> Menu:
    """Give the application an empty menu. `shows_admin(user)` says whether the "admin" section is
    drawn for that person at all (its items' own checks are asked only then)."""
    if _EXTENSION in app.extensions:
        raise RuntimeError("the menu of this application is set up already")
    menu = app.extensions[_EXTENSION] = Menu(shows_admin)
    return menu


def menu_of(app: Flask | None = None) -> Menu:
    return (app or current_app).extensions[_EXTENSION]


def register(app: Flask, endpoint: str, label, visible: Callable[[object], bool] = lambda user: True, *,
             order: int = 100, section: str = "main") -> None:
    """Add a menu item (from a domain's init_app). Items of the "admin" section are shown only to
    people `shows_admin` lets in, whatever their `visible` says."""
    menu_of(app).add(NavItem(endpoint, label, visible, order, section))


def register_panel(app: Flask, provider: PanelProvider, *, order: int = 100) -> None:
    """Add a home-page panel provider (from a domain's init_app): provider(user) returns a dict with
    "template" (and the template's context) or None."""
    menu_of(app).add_panel(provider, order)


def _url(endpoint: str) -> str:
    urls = current_app.extensions.setdefault("learnapp.nav_urls", {})
    key = (request.script_root, endpoint)
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint)
    return url


class MenuEntry(NamedTuple):
    url: str
    label: str
    endpoint: str


def _labels(menu: Menu) -> dict[str, str]:
    """Each item's label in the request's language."""
    return {item.endpoint: str(item.label) for item in menu.items.values()}


def items_for(user, section: str) -> list[MenuEntry]:
    """Menu items the user may see, in order, for the template."""
    if user is None or not user.is_authenticated:
        return []
    # The visibility checks read the user many times: unwrap current_user's proxy once.
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    menu = menu_of()
    if section == "admin" and not menu.shows_admin(user):
        # Administration is for people who hold a role: a learner's pages, the most visited,
        # skip the items' checks (each reads the person's grants).
        return []
    labels = per_catalog("nav.labels", lambda: _labels(menu))
    return [MenuEntry(_url(item.endpoint), labels[item.endpoint], item.endpoint)
            for item in menu.in_section(section) if item.visible(user)]


def panels_for(user) -> list[dict]:
    """The panels to show this user on the home page, in order."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    result = []
    for _order, provider in menu_of().panels:
        panel = provider(user)
        if panel:
            result.append(panel)
    return result

"""Navigation registry: each domain's views register their menu items, shown by role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app, request, url_for

from learnapp import security
from learnapp.i18n import per_catalog


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string
    visible: Callable[[object], bool]
    order: int = 100
    section: str = "main"  # "main" (learner) or "admin"


_items: list[NavItem] = []
# Every page draws the menu: the items of each section in order, sorted once after the last
# registration, and each item's URL built once per application and script root.
_sections: dict[str, tuple[NavItem, ...]] = {}


def register(endpoint: str, label, visible: Callable[[object], bool] = lambda user: True, *, order: int = 100, section: str = "main") -> None:
    """Add a menu item (called at import of a domain's views). Items of the "admin" section are
    shown only to people who hold a role, whatever their `visible` says."""
    if any(item.endpoint == endpoint for item in _items):
        return
    _items.append(NavItem(endpoint, label, visible, order, section))
    _sections.clear()


def _in_section(section: str) -> tuple[NavItem, ...]:
    items = _sections.get(section)
    if items is None:
        items = _sections[section] = tuple(sorted((i for i in _items if i.section == section),
                                                  key=lambda i: (i.order, i.endpoint)))
    return items


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


def items_for(user, section: str) -> list[MenuEntry]:
    """Menu items the user may see, in order, for the template."""
    if user is None or not user.is_authenticated:
        return []
    # The visibility checks read the user many times: unwrap current_user's proxy once.
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    if section == "admin" and not security.roles_of(user):
        # Administration is for people who hold a role: a learner's pages, the most visited,
        # skip the items' checks (each reads the person's grants).
        return []
    labels = _labels()
    return [MenuEntry(_url(item.endpoint), labels[item.endpoint], item.endpoint)
            for item in _in_section(section) if item.visible(user)]


def _labels() -> dict[str, str]:
    """Endpoint → menu label in the request's catalog, translated once per catalog."""
    return per_catalog("nav.labels", lambda: {item.endpoint: str(item.label) for item in _items})


# Home-page panels: each provider takes the user and returns a dict with "template" (and the
# template's context) or None. Domains register them next to their nav items.
_panels: list[tuple[int, Callable[[object], dict | None]]] = []


def register_panel(provider: Callable[[object], dict | None], *, order: int = 100) -> None:
    """Add a home-page panel provider (called at import of a domain's views)."""
    if all(p is not provider for _o, p in _panels):
        _panels.append((order, provider))


def panels_for(user) -> list[dict]:
    """The panels to show this user on the home page, in order."""
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    result = []
    for _order, provider in sorted(_panels, key=lambda x: x[0]):
        panel = provider(user)
        if panel:
            result.append(panel)
    return result

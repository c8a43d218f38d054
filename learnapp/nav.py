"""Navigation registry: each domain's views register their menu items, shown by role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string
    visible: Callable[[object], bool]
    order: int = 100
    section: str = "main"  # "main" (learner) or "admin"


_items: list[NavItem] = []


def register(endpoint: str, label, visible: Callable[[object], bool] = lambda user: True, *, order: int = 100, section: str = "main") -> None:
    """Add a menu item (called at import of a domain's views)."""
    if any(item.endpoint == endpoint for item in _items):
        return
    _items.append(NavItem(endpoint, label, visible, order, section))


def items_for(user, section: str) -> list[dict]:
    """Menu items the user may see, in order, as dicts for the template."""
    if user is None or not user.is_authenticated:
        return []
    # The visibility checks read the user many times: unwrap current_user's proxy once.
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    result = []
    for item in sorted(_items, key=lambda i: (i.order, i.endpoint)):
        if item.section == section and item.visible(user):
            result.append({"url": url_for(item.endpoint), "label": str(item.label), "endpoint": item.endpoint})
    return result


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

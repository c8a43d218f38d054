"""What other domains add to a person's administration page (links and panels).

The ledger, assessments and reports domains know things about a person that the accounts domain
must not import (dependency direction). They register providers here at import of their views:

    person_links.register_link(lambda actor, person: [(_("Study hours"), url_for("ledger.person", user_id=person.id))])
    person_links.register_panel(lambda actor, person: {"template": "ledger/_person_panel.html", "total": ...})

A provider receives the acting user and the person (already checked as visible to the actor) and
returns an empty list / None when it has nothing to show for this pair.
"""

from __future__ import annotations

from collections.abc import Callable

LinkProvider = Callable[[object, object], list[tuple[str, str]]]
PanelProvider = Callable[[object, object], dict | None]

_links: list[tuple[int, LinkProvider]] = []
_panels: list[tuple[int, PanelProvider]] = []


def register_link(provider: LinkProvider, *, order: int = 100) -> None:
    """Add a provider of (label, url) links for the person page."""
    if all(p is not provider for _o, p in _links):
        _links.append((order, provider))


def register_panel(provider: PanelProvider, *, order: int = 100) -> None:
    """Add a provider of a panel (a dict with "template" and its context) for the person page."""
    if all(p is not provider for _o, p in _panels):
        _panels.append((order, provider))


def links_for(actor, person) -> list[tuple[str, str]]:
    """All links the domains offer for this person, in order."""
    result: list[tuple[str, str]] = []
    for _order, provider in sorted(_links, key=lambda x: x[0]):
        result.extend(provider(actor, person) or [])
    return result


def panels_for(actor, person) -> list[dict]:
    """All panels the domains offer for this person, in order."""
    result = []
    for _order, provider in sorted(_panels, key=lambda x: x[0]):
        panel = provider(actor, person)
        if panel:
            result.append(panel)
    return result

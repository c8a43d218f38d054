"""What other domains add to a person's administration page (links and panels).

The ledger, assessments and reports domains know things about a person that the accounts domain
must not import (dependency direction). They register providers here from their init_app:

    person_links.register_link(app, lambda actor, person: [(_("Study hours"), url_for("ledger.person", user_id=person.id))])
    person_links.register_panel(app, lambda actor, person: {"template": "ledger/_person_panel.html", "total": ...})

A provider receives the acting user and the person (already checked as visible to the actor) and
returns an empty list / None when it has nothing to show for this pair.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from learnapp import hooks

LinkProvider = Callable[[object, object], list[tuple[str, str]]]
PanelProvider = Callable[[object, object], dict | None]
LINKS, PANELS = "accounts.person_links", "accounts.person_panels"


def register_link(app: Flask, provider: LinkProvider, *, order: int = 100) -> None:
    """Add a provider of (label, url) links for the person page (from a domain's init_app)."""
    hooks.add(app, LINKS, provider, order=order)


def register_panel(app: Flask, provider: PanelProvider, *, order: int = 100) -> None:
    """Add a provider of a panel (a dict with "template" and its context) for the person page."""
    hooks.add(app, PANELS, provider, order=order)


def links_for(actor, person) -> list[tuple[str, str]]:
    """All links the domains offer for this person, in order."""
    result: list[tuple[str, str]] = []
    for provider in hooks.providers(LINKS):
        result.extend(provider(actor, person) or [])
    return result


def panels_for(actor, person) -> list[dict]:
    """All panels the domains offer for this person, in order."""
    return [panel for provider in hooks.providers(PANELS) if (panel := provider(actor, person))]

"""Who acts: a person (a User), or the site itself (SYSTEM). Services take one explicitly and
refuse None. Re-exported by learnapp.security; kept apart so that the audit log, below security,
can name the system too."""

from __future__ import annotations


class SystemActor:
    """The site itself acting: CLI commands, the demo loader, scheduled jobs, automatic crediting.

    It is not a person: it holds no role, so every `can_*` check answers no for it, and passes only
    where a service recognises it explicitly with `is_system(actor)`. Audit entries name it
    "system", without an actor id."""

    id = None
    name = "system"
    login_id = None
    grants = ()
    is_authenticated = False
    active = False

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()


def require_actor(actor) -> None:
    """Refuse a missing actor (None) with a TypeError: a forgotten actor must never pass as the
    system and skip a check."""
    if actor is None:
        raise TypeError("no actor: pass the acting person, or security.SYSTEM for the site itself")


def is_system(actor) -> bool:
    """Whether the actor is the site itself (SYSTEM); None is refused (require_actor)."""
    require_actor(actor)
    return actor is SYSTEM

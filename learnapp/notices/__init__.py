"""In-app notices (站内通知): what happened to a person's claims, steps, reports and quizzes, and
reminders, kept for them to read in the site (a bell with the unread count on every page) and sent
by e-mail as well when they have an address and SMTP is configured.

Domains call `notices.services.notify(...)` from their own services, in the same transaction; the
text is written when it is shown, in the reader's language (`kinds.py`).
"""


def init_app(app) -> None:
    """The notices page and the bell's count, read with the signed-in person."""
    from learnapp import blueprints
    from learnapp.notices import queries, views

    blueprints.register(app, views.bp, views)
    queries.register_unread_count_fact()

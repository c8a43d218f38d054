"""In-app notices (站内通知): what happened to a person's claims, steps, reports and quizzes, and
reminders, kept for them to read in the site (a bell with the unread count on every page) and sent
by e-mail as well when they have an address and SMTP is configured.

Domains call `notices.services.notify(...)` from their own services, in the same transaction; the
text is written when it is shown, in the reader's language (`kinds.py`).
"""

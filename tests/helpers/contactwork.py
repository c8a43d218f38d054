"""Shared set-up for the contact-work tests: talks, reports and a dossier for the org's people."""

from __future__ import annotations

from datetime import date

from learnapp.contactwork import report_files, reports, review, talks
from learnapp.db import db
from learnapp.development.models import DevelopmentStep

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def talk_input(**changes) -> talks.TalkInput:
    values = {"held_on": date(2026, 6, 1), "place": "支部办公室", "form": "in_person", "topics": "学习党章",
              "summary": "交流了近期学习党章的体会。", "follow_up": "下月读完《中国共产党章程》"}
    values.update(changes)
    return talks.TalkInput(**values)


def reporting_since(person, day: date) -> None:
    """Date the person's entry into their current stage back to `day` (the factories use today)."""
    for step in db.session.query(DevelopmentStep).filter_by(user_id=person.id):
        step.done_on = day
    db.session.flush()


def pdf_file(name: str = "汇报.pdf") -> report_files.CheckedFile:
    return report_files.CheckedFile(name, "application/pdf", PDF)


def submitted(person, year: int = 2026, quarter: int = 2, body: str = "认真学习了党的理论。", file=None):
    return reports.submit_report(person, year=year, quarter=quarter, title="", body=body, file=file)


def dossier(actor, person):
    """A dossier with one relative and one letter, not concluded."""
    review.update_review(actor, person, review.ReviewInput(own_record="历史清楚，表现良好。"))
    relative = review.add_relative(actor, person, review.RelativeInput(relation="父亲", name="王某", political_status="群众",
                                                                       employer="某公司 职员"))
    letter = review.add_letter(actor, person, review.LetterInput(addressee="某街道党工委", sent_on=date(2026, 5, 10)))
    return relative, letter

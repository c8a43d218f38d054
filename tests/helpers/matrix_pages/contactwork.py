"""Permission matrix rows for the contact's work (talks, thought reports) and the political review."""

from __future__ import annotations

from learnapp.contactwork import talks
from tests.helpers.contactwork import dossier, pdf_file, submitted, talk_input
from tests.helpers.matrix import ADMINS, COMMITTEE, READERS, SIGNED_IN, Page


def pages(org) -> list[Page]:
    a, c = org.learner_a.id, org.learner_c.id
    talk_a = talks.record_talk(org.contact_a, org.learner_a, talk_input())
    talk_c = talks.record_talk(org.committee_admin, org.learner_c, talk_input())
    report_a = submitted(org.learner_a, file=pdf_file())
    report_c = submitted(org.learner_c)
    relative_a, letter_a = dossier(org.admin_a, org.learner_a)
    relative_c, letter_c = dossier(org.committee_admin, org.learner_c)
    talk_form = {"held_on": "2026-06-10", "form": "phone", "kind": "regular", "topics": "工作与学习", "summary": "电话交流。"}
    relative_form = {"relation": "母亲", "name": "李某", "political_status": "中共党员", "employer": "某学校"}
    letter_form = {"addressee": "某县委组织部", "sent_on": "2026-06-01"}
    contact_side = ADMINS | {"contact"}
    auditor = {"auditor"}
    return [
        Page("contactwork.person", f"/contact-work/people/{a}", SIGNED_IN, note="own branch"),
        Page("contactwork.person", f"/contact-work/people/{c}", COMMITTEE | auditor, note="other branch"),
        Page("contactwork.talk_new", f"/contact-work/people/{a}/talks/new", contact_side, note="own branch"),
        Page("contactwork.talk_new", f"/contact-work/people/{c}/talks/new", COMMITTEE, note="other branch"),
        Page("contactwork.talk_new", f"/contact-work/people/{a}/talks/new", contact_side, method="POST", data=talk_form, note="post"),
        Page("contactwork.talk_edit", f"/contact-work/talks/{talk_a.id}/edit", contact_side, note="own branch"),
        Page("contactwork.talk_edit", f"/contact-work/talks/{talk_c.id}/edit", COMMITTEE, note="other branch"),
        Page("contactwork.talk_edit", f"/contact-work/talks/{talk_a.id}/edit", contact_side, method="POST", data=talk_form, note="post"),
        Page("contactwork.my_reports", "/contact-work/reports/mine", SIGNED_IN),
        Page("contactwork.report_write", "/contact-work/reports/write?quarter=2026-1", {"learner"}),
        Page("contactwork.report_draft", "/contact-work/reports/draft", {"learner"}, method="POST",
             data={"quarter": "2026-1", "body": "草稿"}),
        Page("contactwork.report_write", "/contact-work/reports/write", {"learner"}, method="POST",
             data={"quarter": "2026-1", "body": "第一季度思想汇报"}, note="post"),
        Page("contactwork.report", f"/contact-work/reports/{report_a.id}", SIGNED_IN, note="own branch"),
        Page("contactwork.report", f"/contact-work/reports/{report_c.id}", COMMITTEE | auditor, note="other branch"),
        Page("contactwork.report_file", f"/contact-work/reports/{report_a.id}/file", SIGNED_IN),
        Page("contactwork.report_read", f"/contact-work/reports/{report_a.id}/read", contact_side, method="POST",
             data={"comment": "认识深刻，继续努力。"}, note="own branch"),
        Page("contactwork.report_read", f"/contact-work/reports/{report_c.id}/read", COMMITTEE, method="POST",
             data={"comment": "已阅。"}, note="other branch"),
        Page("contactwork.missing", "/contact-work/reports/missing", READERS | {"contact"}),
        Page("contactwork.remind_missing", "/contact-work/reports/missing/remind", contact_side, "POST", {"quarter": "2026-1"}),
        Page("contactwork.reviews", "/contact-work/political-reviews", READERS),
        Page("contactwork.review_page", f"/contact-work/people/{a}/political-review", ADMINS | auditor, note="own branch"),
        Page("contactwork.review_page", f"/contact-work/people/{c}/political-review", COMMITTEE | auditor, note="other branch"),
        Page("contactwork.review_edit", f"/contact-work/people/{a}/political-review/edit", ADMINS, note="own branch"),
        Page("contactwork.review_edit", f"/contact-work/people/{c}/political-review/edit", COMMITTEE, note="other branch"),
        Page("contactwork.review_edit", f"/contact-work/people/{a}/political-review/edit", ADMINS, method="POST",
             data={"own_record": "历史清楚。"}, note="post"),
        Page("contactwork.relative_new", f"/contact-work/people/{a}/political-review/relatives/new", ADMINS),
        Page("contactwork.relative_new", f"/contact-work/people/{c}/political-review/relatives/new", COMMITTEE,
             method="POST", data=relative_form, note="post other"),
        Page("contactwork.relative_edit", f"/contact-work/political-review/relatives/{relative_a.id}/edit", ADMINS),
        Page("contactwork.relative_edit", f"/contact-work/political-review/relatives/{relative_c.id}/edit", COMMITTEE,
             method="POST", data=relative_form, note="post other"),
        Page("contactwork.letter_new", f"/contact-work/people/{a}/political-review/letters/new", ADMINS),
        Page("contactwork.letter_new", f"/contact-work/people/{a}/political-review/letters/new", ADMINS, method="POST",
             data=letter_form, note="post"),
        Page("contactwork.letter_edit", f"/contact-work/political-review/letters/{letter_a.id}/edit", ADMINS),
        Page("contactwork.letter_edit", f"/contact-work/political-review/letters/{letter_c.id}/edit", COMMITTEE, note="other"),
        Page("contactwork.relative_delete", f"/contact-work/political-review/relatives/{relative_c.id}/delete", COMMITTEE,
             method="POST", note="other branch"),
        Page("contactwork.relative_delete", f"/contact-work/political-review/relatives/{relative_a.id}/delete", ADMINS,
             method="POST", note="own branch"),
        Page("contactwork.letter_delete", f"/contact-work/political-review/letters/{letter_c.id}/delete", COMMITTEE,
             method="POST", note="other branch"),
        Page("contactwork.letter_delete", f"/contact-work/political-review/letters/{letter_a.id}/delete", ADMINS,
             method="POST", note="own branch"),
        Page("contactwork.talk_delete", f"/contact-work/talks/{talk_c.id}/delete", COMMITTEE, method="POST",
             data={"reason": "录入错误"}, note="other branch"),
        Page("contactwork.talk_delete", f"/contact-work/talks/{talk_a.id}/delete", contact_side, method="POST",
             data={"reason": "录入错误"}, note="own branch"),
    ]

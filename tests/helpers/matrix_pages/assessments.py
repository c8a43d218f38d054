"""Permission matrix rows for the assessments blueprint."""

from __future__ import annotations

from learnapp.assessments import services
from learnapp.assessments.models import Grade, Period
from tests.helpers.matrix import ADMINS, COMMITTEE, SIGNED_IN, Page


def pages(org) -> list[Page]:
    in_scope = services.record_assessment(org.contact_a, org.learner_a, year=2026, period=Period.q1,
                                          grade=Grade.competent, comment="按时提交思想汇报")
    out_of_scope = services.record_assessment(org.committee_admin, org.learner_c, year=2026, period=Period.h1,
                                              grade=Grade.excellent, comment="")
    a, c = org.learner_a.id, org.learner_c.id
    form = {"year": "2026", "period": "q2", "grade": "competent", "comment": "学习认真"}
    assessors_a = ADMINS | {"contact"}
    return [
        Page("assessments.index", "/assessments/", SIGNED_IN),
        Page("assessments.record", f"/assessments/people/{a}?year=2026", SIGNED_IN, note="own branch"),
        Page("assessments.record", f"/assessments/people/{c}?year=2026", COMMITTEE | {"auditor"}, note="other branch"),
        Page("assessments.new", f"/assessments/people/{a}/new?year=2026", assessors_a, note="own branch"),
        Page("assessments.new", f"/assessments/people/{c}/new?year=2026", COMMITTEE, note="other branch"),
        Page("assessments.new", f"/assessments/people/{a}/new", assessors_a, method="POST", data=form, note="post"),
        Page("assessments.new", f"/assessments/people/{c}/new", COMMITTEE, method="POST", data=form, note="post other"),
        Page("assessments.edit", f"/assessments/{in_scope.id}/edit", assessors_a, note="own branch"),
        Page("assessments.edit", f"/assessments/{out_of_scope.id}/edit", COMMITTEE, note="other branch"),
        Page("assessments.edit", f"/assessments/{in_scope.id}/edit", assessors_a, method="POST",
             data={"grade": "excellent", "comment": "进步明显"}, note="post"),
        Page("assessments.delete", f"/assessments/{out_of_scope.id}/delete", COMMITTEE, method="POST",
             data={"reason": "录入错误"}, note="other branch"),
        Page("assessments.delete", f"/assessments/{in_scope.id}/delete", assessors_a, method="POST",
             data={"reason": "录入错误"}, note="own branch"),
    ]

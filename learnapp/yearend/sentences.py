"""Short sentences of the year-end figures that an organiser pastes into the written summary.

Each sentence is one catalog string with placeholders (Chinese in the zh_CN catalog, the English
msgid when the reader uses English); numbers are formatted here, nothing is concatenated from
fragments of a language except through the catalog's own list separator.
"""

from __future__ import annotations

from flask_babel import gettext as _

from learnapp.assessments.models import Grade
from learnapp.web import format_credit
from learnapp.yearend.figures import YearEnd


def number(value: float | None) -> str:
    """A percentage or score as printed: '100', '87.5'; '—' when there is none."""
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def hours(hundredths: int | None) -> str:
    return "—" if hundredths is None else format_credit(hundredths)


def listing(parts: list[str]) -> str:
    return _(", ").join(parts)


def plan_sentence(f: YearEnd) -> str:
    p = f.plan
    if p.planned is None:
        return _("No development plan was set for %(year)d; %(developed)d people were admitted as probationary members.",
                 year=f.year, developed=p.developed)
    return _("This year the plan was to admit %(planned)d people as probationary members and %(developed)d were "
             "admitted: %(rate)s%% of the plan.", planned=p.planned, developed=p.developed, rate=number(p.rate))


def composition_sentence(f: YearEnd) -> str | None:
    if not f.plan.developed:
        return None
    parts = [_("%(category)s %(n)d (%(share)s%%)", category=str(c.label), n=c.count, share=number(c.share))
             for c in f.plan.composition]
    return _("Of those admitted: %(parts)s.", parts=listing(parts)) if parts else None


def pipeline_sentence(f: YearEnd) -> str:
    c = f.plan.counts
    return _("%(activists)d activists and %(targets)d development targets were filed with the committee; "
             "%(full)d full memberships were approved.", activists=c.get("activists_filed", 0),
             targets=c.get("targets_filed", 0), full=c.get("full_members", 0))


def training_sentence(f: YearEnd) -> str:
    t = f.training
    return _("%(people)d people were in training; %(completed)d of them (%(share)s%%) completed the year's requirement "
             "of %(requirement)s study hours, online and offline combined. On average each studied %(average)s study "
             "hours (%(online)s online, %(offline)s offline).", people=t.people, completed=t.completed,
             share=number(t.completed_share), requirement=hours(t.requirement), average=hours(t.average),
             online=hours(t.average_online), offline=hours(t.average_offline))


def activities_sentence(f: YearEnd) -> str:
    if not f.activities:
        return _("No offline activities were recorded.")
    parts = [_("%(kind)s %(n)d", kind=a.category.label, n=a.held) for a in f.activities]
    return _("%(n)d offline activities were held (%(parts)s), with %(attendances)d attendances.",
             n=f.activities_held, parts=listing(parts), attendances=f.attendances)


def training_class_sentence(f: YearEnd) -> str:
    c = f.training_class
    return _("%(n)d people completed the development-target training class this year; of the %(targets)d development "
             "targets today, %(trained)d have completed it.", n=c.completed, targets=c.targets, trained=c.targets_trained)


def tests_sentence(f: YearEnd) -> str:
    t = f.tests
    if not t.results:
        return _("No knowledge test results were recorded.")
    return _("%(participants)d people (%(share)s%% of those in training) took knowledge tests; the pass rate was "
             "%(pass_rate)s%% and the average score %(score)s.", participants=t.participants,
             share=number(t.participation), pass_rate=number(t.pass_rate), score=number(t.average_score))


def assessments_sentence(f: YearEnd) -> str:
    a = f.assessments
    if not a.total:
        return _("No assessments were recorded.")
    parts = [_("%(grade)s %(n)d", grade=g.label, n=a.by_grade[g]) for g in Grade if a.by_grade.get(g)]
    return _("%(n)d assessments of %(people)d people were recorded: %(parts)s.", n=a.total, people=a.people,
             parts=listing(parts))


def compliance_sentence(f: YearEnd) -> str:
    if not f.findings_total:
        return _("The compliance check found no problems.")
    return _("The compliance check found %(n)d problems.", n=f.findings_total)


def sentences(f: YearEnd) -> list[str]:
    """The sentences in the order of the report."""
    out = [plan_sentence(f), composition_sentence(f), pipeline_sentence(f), training_sentence(f),
           activities_sentence(f), training_class_sentence(f), tests_sentence(f), assessments_sentence(f),
           compliance_sentence(f)]
    return [s for s in out if s]

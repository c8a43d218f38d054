"""What a learner should do next to reach the year's requirement, in order:

1. required reading-list items not completed yet, nearest due date first (overdue marked);
2. suggestions: optional items of the lists assigned to them (by branch and stage), then for each
   knowledge point they missed in their quiz attempts the material that teaches it (unread and
   required ones preferred);
3. activities coming up that they are invited to, and quizzes open for them.

Each line links where the person may go and says why it is suggested. The panel reads a fixed
number of statements whatever the data: the year's progress, the reading lists and the quizzes
are the ones the other home panels read (shared through `request_memo`); the missed points, the
materials teaching them and the activities coming up are one statement each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _

from learnapp.ledger import activities
from learnapp.ledger.offline_credit import compute_credit
from learnapp.ledger.progress import Progress, this_year
from learnapp.materials.list_queries import reading_of_this_year
from learnapp.materials.queries import materials_by_point
from learnapp.quizzes.models import QuizKind, QuizStatus
from learnapp.quizzes.queries import missed_points, my_quizzes_now
from learnapp.security import roles_of
from learnapp.web import format_credit

SHOWN = 5  # lines shown at once; the rest behind "more"
# Lines at most of each group, so that a long reading list leaves room for the rest.
REQUIRED, SUGGESTED, POINTS, ACTIVITIES, QUIZZES = 8, 3, 3, 3, 3


@dataclass
class Step:
    """One line: what (`title`), where to go (`url`), why it is suggested, and its kind
    (required, suggested, point, activity, quiz)."""

    kind: str
    title: str
    url: str
    why: str
    when: date | datetime | None = None  # due on (required), takes place (activity), closes (quiz)
    overdue: bool = False


@dataclass
class Distance:
    """How far the person is from the year's requirement (hundredths), by the year's rules."""

    progress: Progress

    @property
    def done(self) -> bool:
        return self.progress.done

    @property
    def remaining(self) -> int:
        return self.progress.remaining

    @property
    def online_short(self) -> int:
        return max(0, (self.progress.rules.min_online or 0) - self.progress.online)

    @property
    def offline_short(self) -> int:
        return max(0, (self.progress.rules.min_offline or 0) - self.progress.offline)

    @property
    def behind_pace(self) -> int:
        expected = self.progress.expected
        return max(0, expected - self.progress.total) if expected is not None else 0


def _reading_steps(lists) -> tuple[list[Step], list[Step], set[int], set[int]]:
    """Required items not completed (by due date) and optional ones not completed; the ids of the
    required materials and of the completed ones."""
    required, optional, completed = {}, {}, set()
    for status in lists:
        for item in status.items:
            if item.state == "completed":
                completed.add(item.material.id)
            elif item.item.required:
                earlier = required.get(item.material.id)
                if earlier is None or (item.item.due_on or date.max) < (earlier[0].item.due_on or date.max):
                    required[item.material.id] = (item, status.reading_list)
            else:
                optional.setdefault(item.material.id, (item, status.reading_list))
    for material_id in required:
        optional.pop(material_id, None)
    first = []
    for item, reading_list in sorted(required.values(), key=lambda pair: (pair[0].item.due_on or date.max,
                                                                          pair[0].material.title)):
        why = _("Required on “%(list)s”", list=reading_list.title)
        first.append(Step("required", item.material.display_title, url_for("materials.read", slug=item.material.slug),
                          why, item.item.due_on, item.overdue))
    suggested = [Step("suggested", item.material.display_title, url_for("materials.read", slug=item.material.slug),
                      _("Suggested for you on “%(list)s”", list=reading_list.title))
                 for item, reading_list in optional.values()]
    return first, suggested, set(required), completed


def _point_steps(user, listed: set[int], required: set[int], completed: set[int]) -> list[Step]:
    """For each knowledge point missed, the material that teaches it (one per point, not listed above)."""
    points = missed_points(user)[:8]
    if not points:
        return []
    teaching = materials_by_point([p for p, _n in points], per_point=3, prefer=required, done=completed)
    steps = []
    for point, misses in points:
        material = next((m for m in teaching.get(point, []) if m.id not in listed), None)
        if material is None:
            continue
        listed.add(material.id)
        why = (_("Teaches “%(point)s”, missed in %(n)d questions", point=point, n=misses) if misses > 1
               else _("Teaches “%(point)s”, missed in a quiz", point=point))
        steps.append(Step("point", material.display_title, url_for("materials.read", slug=material.slug), why))
    return steps[:POINTS]


def _activity_steps(user) -> list[Step]:
    steps = []
    for activity in activities.upcoming_for(user, limit=ACTIVITIES):
        credit = sum(p.credit for p in compute_credit(activity.category, activity.schedule))
        why = _("%(credit)s 学时 when you attend", credit=format_credit(credit))
        if activity.place:
            why = f"{activity.place} · {why}"
        steps.append(Step("activity", activity.title, url_for("ledger.checkin"), why, activity.start_date))
    return steps


def _quiz_steps(user) -> list[Step]:
    steps = []
    for row in my_quizzes_now(user):
        quiz = row["quiz"]
        if row["state"] != "open" or quiz.status != QuizStatus.published:
            continue
        participant = row["participant"]
        if row["open_attempt"]:
            why = _("Your attempt is in progress")
        elif participant is None or (quiz.kind != QuizKind.practice and participant.counted_bp is None):
            why = _("Open for you now")
        else:
            continue
        steps.append(Step("quiz", quiz.title, url_for("quizzes.quiz_info", quiz_id=quiz.id), why, quiz.closes_at))
    return steps[:QUIZZES]


def next_steps(user) -> tuple[Distance, list[Step]]:
    """The person's distance from the year's requirement and their next steps, in order."""
    distance = Distance(this_year(user))
    lists, status = reading_of_this_year(user)
    required, suggested, required_ids, completed = _reading_steps(lists)
    completed |= status.completed
    listed = {item.material.id for status in lists for item in status.items}
    steps = required[:REQUIRED] + suggested[:SUGGESTED] + _point_steps(user, listed, required_ids, completed)
    steps += _activity_steps(user) + _quiz_steps(user)
    return distance, steps


def next_steps_panel(user) -> dict | None:
    """Home panel for a person who owes study hours this year (not the committee's administrators
    or auditors unless the rules give their role a requirement)."""
    if user is None or not user.is_authenticated:
        return None
    progress = this_year(user)
    if not progress.rules.owes_hours(roles_of(user)):
        return None
    distance, steps = next_steps(user)
    if distance.done and not steps:
        return None
    return {"template": "nextsteps/_panel.html", "distance": distance, "steps": steps[:SHOWN], "more": steps[SHOWN:]}

"""Demo development plans: this year's plan for each branch of the demo tree and the committee's own,
set by the committee admin; one branch's proposal for next year waits for approval. Idempotent: a
branch with a plan for the year is left as it is.

The demo's people get the register's composition facts (gender, ethnicity, birth date, education,
job category) where they have none, spread so that the plan's composition shows real shares."""

from __future__ import annotations

from learnapp import clock
from learnapp.accounts.profile import update_profile
from learnapp.planning import services
from learnapp.security import SYSTEM

GENDERS = ("女", "男", "男", "女", "男")
EDUCATION = ("大学本科", "研究生", "大学本科", "大学专科", "高中")
JOBS = ("一线", "管理", "专业技术", "一线", "管理", "专业技术", "一线")
ETHNICITIES = ("汉族",) * 5 + ("回族", "汉族", "满族", "汉族", "汉族", "壮族")

# branch name -> (number to admit, composition targets)
PLANS = {
    "办公室党支部": (2, {"women": 1, "under_35": 1}),
    "政策法规处党支部": (1, {"college": 1}),
    "财务处党支部": (2, {"women": 1}),
    "人事处党支部": (1, {}),
    "信息中心党支部": (2, {"under_35": 2, "college": 2}),
}


def register_facts(ctx) -> None:
    """Composition facts for the demo's people without any (in login order, so the same every time)."""
    year = clock.today().year
    for n, login in enumerate(sorted(ctx.people)):
        person = ctx.people[login]
        if person.gender or person.birth_date or person.education:
            continue
        born = f"{year - 24 - (n * 7) % 30}.{(n * 5) % 12 + 1:02d}"
        update_profile(SYSTEM, person, gender=GENDERS[n % len(GENDERS)], ethnicity=ETHNICITIES[n % len(ETHNICITIES)],
                       birth_date=born, education=EDUCATION[n % len(EDUCATION)], job_category=JOBS[n % len(JOBS)])


def load_demo(ctx) -> None:
    register_facts(ctx)
    year = clock.today().year
    for name, (planned, targets) in PLANS.items():
        branch = ctx.branches.get(name)
        if branch is None or services.versions(branch, year):
            continue
        services.set_plan(ctx.admin, branch, year, planned, targets, note="年初党委会研究确定")
    if not services.versions(ctx.committee, year):
        services.set_plan(ctx.admin, ctx.committee, year, 8, {"women": 3, "under_35": 4, "college": 6},
                          note="控制总量、优化结构、提高质量、发挥作用")
    proposer = ctx.people.get("sec5")
    branch = ctx.branches.get("信息中心党支部")
    if proposer is not None and branch is not None and not services.versions(branch, year + 1):
        services.propose_plan(proposer, branch, year + 1, 3, {"under_35": 2}, note="支部建议")

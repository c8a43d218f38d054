"""nextsteps domain: the learner's "what to do next" (下一步学习) on the home page.

It reads the other domains and writes nothing: the year's progress against the requirement
(ledger), the reading lists and the materials that teach a missed knowledge point (materials),
the knowledge points missed in quizzes and the quizzes open now (quizzes), and the activities
coming up (ledger). See `steps.py`.
"""

from __future__ import annotations


def init_app(app) -> None:
    """The home-page panel "what to do next"."""
    from learnapp import nav
    from learnapp.nextsteps import steps

    nav.register_panel(app, steps.next_steps_panel, order=9)

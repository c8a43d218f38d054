"""The year-end figures (年度工作总结数据) and the branches' assessment scores (绩效考核).

    figures.py    every figure of a year for a branch's subtree: plan and actual, composition,
                  training, activities, the training class, tests, assessments, compliance
    many.py       year_end for many branches in one pass (the scores page): the same figures, each read once
    sentences.py  short sentences an organiser pastes into the report, built from catalog strings
    documents.py  the figures as XLSX (one sheet per section) and as a Word document (python-docx)
    scheme.py     the scoring scheme file (YAML, line-numbered errors) and its measures
    scoring.py    saved scheme versions, the scheme in force, and each branch's score with its breakdown
    views.py      /yearend/: the figures page and its exports, the scores, the scheme (view, upload)
    cli.py        `flask report year-end …` and `flask scoring load|show`

The page, the exports and the command line all read figures.year_end(); the scores read
many.year_end_many(), which tests/yearend/test_many.py holds equal to it branch by branch.
"""


def init_app(app) -> None:
    """The year-end pages and their menu entry; `flask scoring` and `flask report year-end`."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.reports.cli import report_cli
    from learnapp.security import can_read_reports
    from learnapp.yearend import cli, views

    blueprints.register(app, views.bp, views)
    nav.register(app, "yearend.index", _l("Year-end figures"), can_read_reports, order=15, section="admin")
    app.cli.add_command(cli.scoring_cli)
    report_cli.add_command(cli.year_end_command)

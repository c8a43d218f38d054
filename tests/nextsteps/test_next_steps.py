"""The home page's next steps (下一步学习): the distance to the year's requirement by the year's
rules, then required items by due date (overdue marked), suggestions from the lists and for the
knowledge points missed, then activities coming up and quizzes open; five lines and "more"."""

from __future__ import annotations

from tests.helpers import nextsteps


def _panel(html: str) -> str:
    start = html.index('<section class="card next-steps">')
    return html[start:html.index("</section>", start)]


def test_the_learner_sees_what_to_do_next_in_order(client, org, login, db):
    nextsteps.load_shipped_rules()
    s = nextsteps.build(org, org.learner_a)
    db.session.commit()
    login(org.learner_a)
    panel = _panel(client.get("/").get_data(as_text=True))
    assert "下一步学习" in panel
    # 50 学时 required, 1 earned online (two materials read, a test passed): the year's rules'
    # figures, minimums included, not a number written in the page.
    assert "距本年度学时要求还差49学时" in panel
    assert "线上学时距最低要求还差9学时" in panel and "线下学时距最低要求还差10学时" in panel
    order = [s.overdue.title, s.due_later.title, s.undated.title, s.optional.title, s.teaching.title,
             s.activity.title, s.open_quiz.title]
    positions = [panel.index(title) for title in order]
    assert positions == sorted(positions)
    assert "已逾期" in panel and "年度必读" in panel and "预备期" in panel and "更多（2项）" in panel
    assert f"/materials/{s.overdue.slug}" in panel or s.overdue.slug in panel
    # Completed items and the material already read on the point are not suggested.
    assert s.done.title not in panel and s.teaching_read.title not in panel


def test_no_panel_for_the_committee_admin(client, org, login, db):
    nextsteps.load_shipped_rules()
    db.session.commit()
    login(org.committee_admin)
    assert "下一步学习" not in client.get("/").get_data(as_text=True)


def test_the_notebook_names_a_material_for_each_missed_point_unread_first(client, org, login, db):
    nextsteps.load_shipped_rules()
    s = nextsteps.build(org, org.learner_a)
    db.session.commit()
    login(org.learner_a)
    html = client.get("/quizzes/mistakes").get_data(as_text=True)
    assert "按知识点复习" in html and "预备期" in html
    section = html[html.index("按知识点复习"):]
    assert section.index(s.teaching.title) < section.index(s.teaching_read.title)
    assert "已完成" in section

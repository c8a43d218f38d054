"""Categories, versions, retire/restore, permissions of the bank's services, normalisation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.bank import access, queries, services
from learnapp.bank.formats.base import ParsedQuestion
from learnapp.bank.models import QuestionKind, QuestionVersion
from learnapp.bank.normalise import count_blanks, fingerprint, normalise_answer
from learnapp.errors import DomainError


def single(stem="党的最高理想是____。", right="实现共产主义", **kw) -> ParsedQuestion:
    return ParsedQuestion(kind=QuestionKind.single, stem=stem, options=[
        {"key": "A", "text": right, "fraction": 100}, {"key": "B", "text": "全面小康", "fraction": 0}], **kw)


def actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


@pytest.mark.parametrize("typed,expected", [
    ("  全心全意为人民服务。 ", "全心全意为人民服务"),
    ("《中国共产党章程》", "中国共产党章程"),
    ("ＡＢＣ　１２３", "abc123"),
    ("马克思·列宁", "马克思列宁"),
    ("Marx, Lenin!", "marxlenin"),
    ("“实事求是”", "实事求是"),
])
def test_normalise_answer(typed, expected):
    assert normalise_answer(typed) == expected


def test_fingerprint_ignores_option_order_spacing_and_width():
    a = fingerprint("single", "党的宗旨是？", [{"text": "为人民服务", "fraction": 100}, {"text": "发展", "fraction": 0}], None)
    b = fingerprint("single", " 党的宗旨是? ", [{"text": "发展", "fraction": 0}, {"text": "为人民服务 ", "fraction": 100}], None)
    c = fingerprint("single", "党的宗旨是？", [{"text": "为人民服务", "fraction": 0}, {"text": "发展", "fraction": 100}], None)
    assert a == b != c
    assert fingerprint("fill_blank", "a ____ b", [], [["x"]]) == fingerprint("fill_blank", "a {} b", [], [["X"]])
    assert count_blanks("a ____ b {} c ___") == 2


def test_category_tree_and_paths(org, db):
    root = services.create_category(org.committee_admin, "党章")
    child = services.create_category(org.committee_admin, "总纲", root)
    assert child.path == f"{root.path}{child.id}/" and services.path_names(child) == ["党章", "总纲"]
    with pytest.raises(DomainError):
        services.create_category(org.committee_admin, "总纲", root)  # same name among siblings
    with pytest.raises(DomainError):
        services.create_category(org.committee_admin, "a/b", root)
    assert services.ensure_path(org.committee_admin, ["党章", "总纲"]) is child
    deeper = services.ensure_path(org.committee_admin, ["党章", "总纲", "第一条"])
    assert deeper.parent is child
    other = services.create_category(org.committee_admin, "党史")
    services.move_category(org.committee_admin, child, other)
    assert deeper.path.startswith(other.path) and services.path_names(deeper) == ["党史", "总纲", "第一条"]
    with pytest.raises(DomainError):
        services.move_category(org.committee_admin, other, deeper)  # into its own subtree
    with pytest.raises(DomainError):
        services.delete_category(org.committee_admin, other)  # has children
    services.delete_category(org.committee_admin, deeper)
    assert "bank.category.delete" in actions(db)


def test_editing_makes_versions_and_keeps_old_ones(org, db, clock):
    category = services.create_category(org.committee_admin, "党章")
    question = services.create_question(org.committee_admin, category, single())
    v1 = question.current_version
    assert v1.number == 1 and v1.correct_keys == ["A"]
    assert services.edit_question(org.committee_admin, question, single()) is None  # no change, no version
    clock.advance(minutes=5)
    v2 = services.edit_question(org.committee_admin, question, single(right="共产主义", explanation="见总纲"), note="措辞")
    db.session.commit()
    assert v2.number == 2 and question.current_version_id == v2.id
    old = db.session.get(QuestionVersion, v1.id)
    assert old.options[0]["text"] == "实现共产主义" and old.fingerprint != v2.fingerprint
    assert [v.number for v in queries.versions_of(question)] == [2, 1]
    assert v2.change_note == "措辞"
    assert actions(db)[-2:] == ["bank.question.create", "bank.question.edit"]


def test_kind_is_fixed_and_validation_goes_to_fields(org):
    category = services.create_category(org.committee_admin, "党章")
    question = services.create_question(org.committee_admin, category, single())
    bad = single()
    bad.options[0]["fraction"] = 0
    with pytest.raises(DomainError) as exc:
        services.edit_question(org.committee_admin, question, bad)
    assert exc.value.reasons[0][0] == "options"
    blank = ParsedQuestion(kind=QuestionKind.fill_blank, stem="两个空____和____", answer=[["甲"]])
    with pytest.raises(DomainError) as exc:
        services.create_question(org.committee_admin, category, blank)
    assert exc.value.reasons[0][0] == "stem"


def test_retire_and_restore(org, db):
    category = services.create_category(org.committee_admin, "党章")
    question = services.create_question(org.committee_admin, category, single())
    services.retire_question(org.committee_admin, question)
    assert question.retired and question.retired_at is not None
    with pytest.raises(DomainError):
        services.edit_question(org.committee_admin, question, single(right="改"))
    active = db.session.execute(queries.question_select(org.committee_admin)).all()
    retired = db.session.execute(queries.question_select(org.committee_admin, queries.QuestionFilters(retired="retired"))).all()
    assert active == [] and len(retired) == 1
    services.restore_question(org.committee_admin, question)
    assert not question.retired
    assert actions(db)[-2:] == ["bank.question.retire", "bank.question.restore"]


def test_filters(org, db):
    dz = services.create_category(org.committee_admin, "党章")
    sub = services.create_category(org.committee_admin, "党员", dz)
    ds = services.create_category(org.committee_admin, "党史")
    services.create_question(org.committee_admin, sub, single(source="党章", knowledge_points=["最高理想"], tags=["纪律"], difficulty=2))
    services.create_question(org.committee_admin, ds, ParsedQuestion(kind=QuestionKind.truefalse, stem="遵义会议在1935年召开。",
                                                                     answer=True, source="党史", knowledge_points=["遵义会议"]))

    def stems(**kw):
        rows = db.session.execute(queries.question_select(org.committee_admin, queries.QuestionFilters(**kw))).all()
        return [v.stem for _q, v in rows]

    assert len(stems()) == 2
    assert stems(category_id=dz.id) == ["党的最高理想是____。"]
    assert stems(kind="truefalse") == ["遵义会议在1935年召开。"]
    assert stems(source="党史") == ["遵义会议在1935年召开。"]
    assert stems(knowledge_point="最高理想") == ["党的最高理想是____。"]
    assert stems(knowledge_point="最高") == []  # whole knowledge points only
    assert stems(tag="纪律") == ["党的最高理想是____。"]
    assert stems(difficulty=2) == ["党的最高理想是____。"]
    assert stems(text="遵义") == ["遵义会议在1935年召开。"]
    assert stems(text="100%_") == []
    assert queries.facets(org.committee_admin)["sources"] == ["党史", "党章"]
    draw = db.session.scalars(queries.questions_for_draw(org.committee_admin, category=dz)).all()
    assert len(draw) == 1


def test_branch_banks_are_scoped(org, db):
    committee_bank = services.create_category(org.committee_admin, "党章")
    bank_a = services.create_category(org.admin_a, "甲支部题库", branch=org.branch_a)
    bank_c = services.create_category(org.committee_admin, "丙支部题库", branch=org.branch_c)
    db.session.commit()
    with pytest.raises(DomainError):
        services.create_category(org.admin_a, "越权", branch=org.branch_c)
    with pytest.raises(DomainError):
        services.create_category(org.admin_a, "委员会的")  # committee's bank
    with pytest.raises(DomainError):
        services.create_category(org.admin_a, "子类", committee_bank)
    assert access.can_view_category(org.admin_a, committee_bank) and not access.can_edit_category(org.admin_a, committee_bank)
    assert access.can_edit_category(org.admin_a, bank_a) and access.can_edit_category(org.admin_g1, bank_a)
    assert not access.can_view_category(org.admin_a, bank_c)
    assert access.can_view_category(org.auditor, bank_c) and not access.can_edit_category(org.auditor, bank_c)
    assert not access.can_open_bank(org.learner_a) and not access.can_open_bank(org.contact_a)
    names = [n.category.name for n in queries.category_tree(org.admin_a)]
    assert names == ["党章", "甲支部题库"]
    editable = [name.strip("\u3000") for _id, name in queries.category_options(org.admin_a, editable=True)]
    assert editable == ["甲支部题库"]

"""Building blocks for the quiz tests: a small question bank and quizzes over it.

Bank rows are written directly (the bank's own services are tested in tests/bank); versions are
immutable there, so tests that "edit" a question add a version the same way the bank does.
"""

from __future__ import annotations

from datetime import timedelta

from werkzeug.datastructures import MultiDict

from learnapp import clock
from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.bank.normalise import fingerprint
from learnapp.db import db
from learnapp.quizzes import services
from learnapp.quizzes.models import QuizKind, QuizStatus, ReviewItem

ALL_REVIEW = [r.value for r in ReviewItem]


def make_category(name: str, parent: QuestionCategory | None = None, branch=None) -> QuestionCategory:
    category = QuestionCategory(name=name, parent=parent, path="", branch_id=getattr(branch, "id", None))
    db.session.add(category)
    db.session.flush()
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    db.session.flush()
    return category


def make_question(category: QuestionCategory, kind: str, stem: str, *, options=None, answer=None, explanation=None,
                  source=None, knowledge_points=(), tags=(), points: int = 1) -> Question:
    question = Question(category_id=category.id)
    db.session.add(question)
    db.session.flush()
    if explanation is None:
        explanation = f"解析{question.id}：依据{source or '党章'}的规定。"
    add_version(question, kind, stem, options=options, answer=answer, explanation=explanation, source=source,
                knowledge_points=knowledge_points, tags=tags, points=points)
    return question


def add_version(question: Question, kind: str, stem: str, *, options=None, answer=None, explanation="解析", source=None,
                knowledge_points=(), tags=(), points: int = 1) -> QuestionVersion:
    number = len(question.versions) + 1
    version = QuestionVersion(
        question_id=question.id, number=number, kind=QuestionKind(kind), stem=stem, options=list(options or []),
        answer=answer, explanation=explanation, source=source, knowledge_points=list(knowledge_points), tags=list(tags),
        default_points=points, fingerprint=fingerprint(kind, stem, options, answer),
    )
    db.session.add(version)
    db.session.flush()
    question.current_version_id = version.id
    db.session.flush()
    db.session.refresh(question)
    return version


def opts(*pairs) -> list[dict]:
    """opts(("A", "text", 100), ("B", "text", 0)) → option dicts."""
    return [{"key": k, "text": t, "fraction": f} for k, t, f in pairs]


class Bank:
    """Five questions, one of each kind, in 党章 (with subcategory 总纲) and 纪律."""

    def __init__(self):
        self.root = make_category("题库")
        self.dangzhang = make_category("党章", self.root)
        self.zonggang = make_category("总纲", self.dangzhang)
        self.jilv = make_category("纪律", self.root)
        self.single = make_question(self.zonggang, "single", "中国共产党的最高理想和最终目标是什么？",
                                    options=opts(("A", "实现共产主义", 100), ("B", "全面建成小康社会", 0),
                                                 ("C", "实现四个现代化", 0), ("D", "消灭贫困", 0)),
                                    source="党章", knowledge_points=["最高理想"], tags=["党章"], points=2)
        self.multiple = make_question(self.dangzhang, "multiple", "党的建设必须坚决实现的基本要求包括哪些？",
                                      options=opts(("A", "坚持党的基本路线", 50), ("B", "坚持民主集中制", 50),
                                                   ("C", "搞一言堂", 0), ("D", "脱离群众", 0)),
                                      source="党章", knowledge_points=["党的建设"], points=2)
        self.truefalse = make_question(self.jilv, "truefalse", "预备党员的预备期为一年。", answer=True,
                                       source="党章", knowledge_points=["预备期"], tags=["纪律"])
        self.fill = make_question(self.jilv, "fill_blank", "党的最高领导机关是党的____和它所产生的____。",
                                  answer=[["全国代表大会", "全国代表大会"], ["中央委员会", "中央委员会"]],
                                  source="党章", knowledge_points=["组织制度"], tags=["纪律"], points=2)
        self.essay = make_question(self.jilv, "essay", "谈谈你对“四个意识”的理解。", source="准则", points=5)
        db.session.flush()

    @property
    def questions(self) -> list[Question]:
        return [self.single, self.multiple, self.truefalse, self.fill, self.essay]

    @property
    def auto_questions(self) -> list[Question]:
        return [self.single, self.multiple, self.truefalse, self.fill]


def make_quiz(actor, branch, questions, *, publish: bool = True, **settings):
    """A quiz with the given questions (fixed slots, bank order unless shuffled), published."""
    settings.setdefault("title", "党章知识测试")
    settings.setdefault("kind", QuizKind.assessment)
    settings.setdefault("shuffle_questions", False)
    settings.setdefault("shuffle_options", False)
    settings.setdefault("closes_at", clock.now() + timedelta(days=7))
    quiz = services.create_quiz(actor, branch, **settings)
    services.add_fixed_questions(actor, quiz, list(questions))
    if publish:
        services.set_status(actor, quiz, QuizStatus.published)
    db.session.flush()
    return quiz


def form_for(attempt, answers: dict) -> MultiDict:
    """A posted form answering by question id: {question_id: response} (keys, bools, blanks, text)."""
    data = MultiDict()
    for item in attempt.items:
        data.add("items", str(item.id))
        if item.question_id not in answers:
            continue
        value = answers[item.question_id]
        name = f"q{item.id}"
        if isinstance(value, bool):
            data.add(name, "true" if value else "false")
        elif isinstance(value, list) and item.version.kind == QuestionKind.fill_blank:
            for n, blank in enumerate(value):
                data.add(f"{name}_{n}", blank)
        elif isinstance(value, list):
            for key in value:
                data.add(name, key)
        else:
            data.add(name, value)
    return data


def right_answers(bank: Bank) -> dict:
    return {bank.single.id: "A", bank.multiple.id: ["A", "B"], bank.truefalse.id: True,
            bank.fill.id: ["全国代表大会", "中央委员会"]}

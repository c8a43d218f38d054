"""`flask content check`: the committee's content is cited, balanced and coherent; bad content is
named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnapp.materials.cli import content_cli
from learnapp.materials.content_check import check

CONTENT = Path(__file__).resolve().parents[2] / "content"

MATERIAL = """---
slug: {slug}
title: 资料{slug}
kind: article
source: {source}
estimated_minutes: {minutes}
knowledge_points: [{points}]
---
正文
"""


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def material(root: Path, slug: str, *, source: str = "《中国共产党章程》第一章第七条", points: str = "预备期",
             minutes: int = 10) -> None:
    write(root, f"materials/{slug}.md", MATERIAL.format(slug=slug, source=source, points=points, minutes=minutes))


def tf(stem: str, answer: str, *, source: str = "党章第七条", point: str = "预备期") -> str:
    return f"// [来源:{source}] [知识点:{point}]\n{stem}{{{answer}}}\n\n"


def single(stem: str, right: int, *, point: str = "预备期") -> str:
    options = "\n".join(("\t=" if i == right else "\t~") + f"选项{i}" for i in range(4))
    return f"// [来源:党章第七条] [知识点:{point}]\n{stem}{{\n{options}\n}}\n\n"


@pytest.fixture
def good(tmp_path):
    material(tmp_path, "yubeiqi")
    write(tmp_path, "question-banks/bank.gift", tf("甲是真的。", "T") + tf("乙是假的。", "F")
          + "".join(single(f"第{n}题", n % 4) for n in range(4)))
    write(tmp_path, "reading-lists/list.yaml", "year: 2026\ntitle: 必读\nitems:\n  - material: yubeiqi\n")
    return tmp_path


def messages(report, root: Path | None = None) -> list[str]:
    """The findings, their paths from inside the content folder."""
    prefix = f"{root.name}/" if root else ""
    return [str(finding).replace(prefix, "") for finding in report.findings]


def test_the_committee_content_passes_and_states_its_reading_hours(app):
    report = check(CONTENT)
    assert messages(report) == []
    assert report.materials > 0 and report.questions > 0
    timed, hundredths = report.reading_credit[2026]
    assert timed > 0 and hundredths > 0


def test_good_content_passes_and_the_list_is_worth_its_rules_credit(app, good):
    report = check(good)
    assert messages(report) == []
    assert report.reading_credit == {2026: (1, 25)}  # one 10-minute article: the default band's 0.25 学时


def test_material_and_question_without_a_citation_are_named(app, good):
    material(good, "wuchuchu", source="网上看到的")
    write(good, "question-banks/more.gift", tf("丙。", "T", source="某内部材料") + tf("丁。", "F"))
    found = messages(check(good), good)
    assert any(m.startswith("materials/wuchuchu.md") and "cites no document" in m for m in found)
    assert any(m.startswith("question-banks/more.gift:2") and "cites no document" in m for m in found)


def test_a_knowledge_point_no_material_teaches_is_named_with_its_line(app, good):
    write(good, "question-banks/more.gift", tf("丙。", "T") + tf("丁。", "F", point="党徽党旗"))
    found = messages(check(good), good)
    assert found == ["question-banks/more.gift:5: no published material teaches the knowledge point 党徽党旗"]


def test_a_draft_material_does_not_count_as_teaching(app, good):
    write(good, "materials/caogao.md", MATERIAL.format(slug="caogao", source="党章", points="党徽党旗", minutes=5)
          .replace("kind: article", "kind: article\nstatus: draft"))
    write(good, "question-banks/more.gift", tf("丙。", "T", point="党徽党旗") + tf("丁。", "F"))
    assert any("党徽党旗" in m for m in messages(check(good), good))


def test_a_bank_of_mostly_true_statements_is_refused(app, good):
    write(good, "question-banks/bank.gift", tf("甲。", "T") + tf("乙。", "T") + tf("丙。", "T") + tf("丁。", "F"))
    assert messages(check(good), good) == ["question-banks/bank.gift: 3 of 4 true/false questions are true (75%); "
                                     "keep between 35% and 65%"]


def test_right_options_in_one_position_are_refused(app, good):
    write(good, "question-banks/bank.gift", "".join(single(f"第{n}题", 0 if n < 3 else 1) for n in range(4)))
    assert messages(check(good), good) == ["question-banks/bank.gift: the right option is option 1 in 3 of 4 "
                                     "single-choice questions; spread it over the positions"]


def test_the_same_question_twice_is_named_even_across_banks_and_written_differently(app, good):
    write(good, "question-banks/copy.gift", tf("甲是真的 。", "T") + tf("另一题。", "F"))
    assert messages(check(good), good) == ["question-banks/copy.gift:2: the same question as question-banks/bank.gift:2"]


def test_a_list_naming_a_missing_material_is_named(app, good):
    write(good, "reading-lists/list.yaml", "year: 2026\ntitle: 必读\nitems:\n  - material: yubeiqi\n  - material: meiyou\n")
    assert messages(check(good), good) == ["reading-lists/list.yaml: the list names a material that does not exist: meiyou"]


def test_the_command_exits_1_with_the_problems_and_0_on_good_content(app, good):
    runner = app.test_cli_runner()
    ok = runner.invoke(content_cli, ["check", "--path", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "2026" in ok.output and "0.25" in ok.output
    write(good, "question-banks/more.gift", tf("丙。", "T") + tf("丁。", "F", point="无人讲授"))
    bad = runner.invoke(content_cli, ["check", "--path", str(good)])
    assert bad.exit_code == 1
    assert f"{good.name}/question-banks/more.gift:5" in bad.output and "无人讲授" in bad.output

"""The command line speaks Chinese unless told `--lang en` (learnapp.cli_language), for every group
that prints: the question bank, the ledger and its rules, the reports, the development procedure,
the year-end scoring schemes."""

from __future__ import annotations

import pytest

from learnapp.db import db


def _run(app, args, lang=None):
    result = app.test_cli_runner().invoke(args=args + (["--lang", lang] if lang else []))
    return result.exit_code, result.output


@pytest.mark.parametrize("args, chinese, english", [
    (["ledger", "verify-totals"], "存储合计与学时明细一致", "Stored totals agree with the entries."),
    (["ledger", "totals", "2026"], "登录名\t姓名\t合计", "Login ID\tName\tTotal"),
    (["rules", "show", "2026"], "学时结转", "Carry-over"),
    (["development", "check"], "所有发展档案均符合规则", "Every development file meets the rules."),
    (["development", "rules", "show"], "步骤", "Steps"),
    (["questions", "export", "没有这个分类"], "没有分类", "No category"),
    (["scoring", "show", "1999"], "1999 年尚未载入考核方案", "No scheme loaded for 1999."),
])
def test_each_group_prints_chinese_unless_told(app, org, args, chinese, english):
    _code, output = _run(app, args)
    assert chinese in output, output
    assert english not in output
    _code, output = _run(app, args, "en")
    assert english in output, output


def test_the_report_says_what_it_wrote_in_the_chosen_language(app, org, tmp_path):
    out = tmp_path / "hours.csv"
    args = ["report", "hours", "--year", "2026", "--format", "csv", "-o", str(out)]
    code, output = _run(app, args)
    assert code == 0 and f"已写入 {out}" in output
    code, output = _run(app, args, "en")
    assert code == 0 and f"Wrote {out}" in output
    code, output = _run(app, ["report", "hours", "--year", "2026", "--format", "csv", "-o", str(out), "--branch", "无此支部"])
    assert code != 0 and "没有唯一的支部与 无此支部 相符" in output


def test_only_the_two_languages(app, org):
    code, output = _run(app, ["ledger", "verify-totals"], "fr")
    assert code == 2 and "zh_CN" in output
    db.session.rollback()

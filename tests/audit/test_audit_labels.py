"""Every action the code writes to the audit log has a name in the catalogs, so the Chinese log
never shows a bare code such as "quiz.create"."""

from __future__ import annotations

import re
from pathlib import Path

import learnapp
from learnapp.audit.labels import ACTION_LABELS, TARGET_LABELS, action_label, target_label
from learnapp.quizzes.models import QuizStatus

ROOT = Path(learnapp.__file__).parent
# audit.record(actor, "x.y", ...), a helper given the code (`_record_failure(user, "x.y", ...)`),
# or `action = "x.y"` chosen before the call.
_DIRECT = re.compile(r'(?:record|_record_failure)\(\s*[\w.]+,\s*"([a-z_]+(?:\.[a-z_]+)+)"|\baction = "([a-z_]+(?:\.[a-z_]+)+)"')
_EXPORT = re.compile(r'record_export\(\s*[\w.]+,\s*"(\w+)"')
# The codes of a read (record_read), one or two of them (`"x.y" if download else "x.z"`).
_READ = re.compile(r'record_read\(\s*[\w.]+,\s*("[a-z_.]+"(?: if \w+ else "[a-z_.]+")?)')
_CODE = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')


def _codes_in_the_code() -> set[str]:
    codes: set[str] = set()
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes.update(a or b for a, b in _DIRECT.findall(text))
        codes.update(f"export.{what}" for what in _EXPORT.findall(text))
        codes.update(code for call in _READ.findall(text) for code in _CODE.findall(call))
    codes.update(f"quiz.{status.value}" for status in QuizStatus)  # audit.record(actor, f"quiz.{status.value}", ...)
    return codes


def test_every_audit_action_has_a_label():
    codes = _codes_in_the_code()
    assert len(codes) > 60, "the scan found too few action codes to be trusted"
    missing = sorted(codes - ACTION_LABELS.keys())
    assert not missing, "audit actions without a label in learnapp/audit/labels.py: " + ", ".join(missing)


def test_labels_read_in_chinese(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh_CN"):
        assert action_label("quiz.create") != "Quiz created"
        assert target_label("quizzes") != "Quizzes"
        assert all(str(label) != str(label._args[0]) for label in [*ACTION_LABELS.values(), *TARGET_LABELS.values()])
    assert action_label("no.such_code") == "no.such_code"

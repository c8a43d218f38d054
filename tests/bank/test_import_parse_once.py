"""The question bank import parses an upload once: the preview (shown again and again) and the
confirmation work from what the parser kept, never from the file."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from learnapp.bank import formats
from learnapp.bank.formats import spreadsheet
from learnapp.bank.models import Question


def test_preview_and_confirmation_do_not_parse_the_file_again(client, login, org, db, app, monkeypatch):
    calls = []
    parse_xlsx = formats.PARSERS["xlsx"]

    def counted(data: bytes):
        calls.append(len(data))
        return parse_xlsx(data)

    monkeypatch.setitem(formats.PARSERS, "xlsx", counted)
    login(org.committee_admin)
    xlsx = spreadsheet.write_xlsx([], template=True)
    upload = client.post("/bank/import", data={"file": (io.BytesIO(xlsx), "模板.xlsx"), "format": "auto", "category_id": 0},
                         content_type="multipart/form-data")
    assert upload.status_code == 302 and len(calls) == 1
    for _ in range(3):
        preview = client.get(upload.headers["Location"])
        assert preview.status_code == 200 and "单选题" in preview.get_data(as_text=True)
    # The uploaded bytes are not kept beside the parse: nothing could read them again.
    kept = [p.read_bytes() for p in Path(app.config["UPLOAD_FOLDER"], "bank", "imports").iterdir()]
    assert kept and xlsx not in kept
    done = client.post(upload.headers["Location"], data={"duplicates": "skip"})
    assert done.status_code == 200
    assert db.session.scalar(select(func.count(Question.id))) == 5
    assert len(calls) == 1


def test_the_kept_parse_is_the_parser_result(app):
    """What is kept reads back as the same questions, skipped kinds and errors."""
    data = (Path(__file__).parent / "files" / "mixed.gift").read_bytes()
    result = formats.parse(data, "gift")
    again = formats.ParseResult.from_plain(result.to_plain())
    assert again == result and again.questions and again.skipped

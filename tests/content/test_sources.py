"""A source given as a citation is kept in full and shown in full; filters use the document."""

from __future__ import annotations

from sqlalchemy import select

from learnapp.bank import formats, importing, queries
from learnapp.bank.models import QuestionVersion
from learnapp.materials.content import sync
from learnapp.materials.models import Material, MaterialVersion

GIFT = """// [来源:党章第一章第七条] [知识点:预备期]
预备党员的预备期为一年。{T}

// [来源:党史]
遵义会议于1935年1月召开。{T}
"""

MATERIAL = """---
slug: yubeiqi
title: 预备期
kind: article
source: 党章 第一章 第七条
estimated_minutes: 10
status: published
---
正文
"""


def test_an_imported_question_keeps_the_citation_and_is_filtered_by_its_document(org, db):
    importing.run(org.committee_admin, formats.parse(GIFT.encode(), "gift"))
    db.session.flush()
    versions = {v.stem: v for v in db.session.scalars(select(QuestionVersion))}
    first = versions["预备党员的预备期为一年。"]
    assert (first.source, first.citation) == ("党章", "《中国共产党章程》第一章第七条")
    second = versions["遵义会议于1935年1月召开。"]
    assert (second.source, second.citation) == ("党史", "《中国共产党简史》")
    assert queries.facets(org.committee_admin)["sources"] == ["党史", "党章"]
    # Exported again, the file carries the citation, not just the short name.
    exported = formats.write([formats.ParsedQuestion.from_version(first)], "gift").decode()
    assert "[来源:《中国共产党章程》第一章第七条]" in exported


def test_a_synced_material_shows_its_citation_and_keeps_it_in_the_history(app, db, org, client, login, tmp_path):
    (tmp_path / "materials").mkdir()
    (tmp_path / "materials" / "yubeiqi.md").write_text(MATERIAL, encoding="utf-8")
    sync(tmp_path, actor=org.committee_admin)
    db.session.commit()
    material = db.session.scalar(select(Material).where(Material.slug == "yubeiqi"))
    assert (material.source, material.citation) == ("党章", "《中国共产党章程》第一章第七条")
    version = db.session.scalar(select(MaterialVersion).where(MaterialVersion.material_id == material.id))
    assert version.citation == "《中国共产党章程》第一章第七条"
    login(org.learner_a)
    page = client.get("/materials/yubeiqi").get_data(as_text=True)
    assert "《中国共产党章程》第一章第七条" in page
    # The library still filters by the document.
    assert client.get("/materials/?source=党章").get_data(as_text=True).count("预备期") >= 1
    # A second sync of the same file changes nothing.
    assert sync(tmp_path, actor=org.committee_admin).unchanged == ["yubeiqi"]

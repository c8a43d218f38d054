"""`content sync`: idempotent by slug, updates in place with history, all-or-nothing with reasons."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnapp.audit.models import AuditEntry
from learnapp.materials import services
from learnapp.materials.cli import content_cli
from learnapp.materials.content import ContentError, sync
from learnapp.materials.models import Material, MaterialStatus, MaterialVersion, ReadingList
from learnapp.materials.rendering import count_characters
from tests.helpers.factories import make_branch

CONTENT = Path(__file__).resolve().parents[2] / "content"

MATERIAL = """---
slug: {slug}
title: {title}
summary: 摘要
kind: article
source: 党章
estimated_minutes: 10
knowledge_points: [党员的权利]
---
正文{body}
"""
LIST = """slug: test-list
year: 2026
title: 测试必读
assign:
  - branch: all
  - branch: 甲支部
    stages: [入党积极分子]
items:
  - material: alpha
    due: 2026-06-30
  - material: beta
    required: false
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path):
    write(tmp_path, "materials/alpha.md", MATERIAL.format(slug="alpha", title="甲", body="一"))
    write(tmp_path, "materials/beta.md", MATERIAL.format(slug="beta", title="乙", body="二"))
    write(tmp_path, "reading-lists/test.yaml", LIST)
    return tmp_path


def count(model) -> int:
    from learnapp.db import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_sync_creates_then_changes_nothing(app, clock, db, root):
    report = sync(root)
    assert sorted(report.created) == ["alpha", "beta"] and report.lists_created == ["test-list"]
    assert any("甲支部" in w for w in report.warnings)  # no such branch yet: assigned on a later sync
    db.session.commit()
    audit_count = count(AuditEntry)
    report = sync(root)
    assert report.created == [] and report.updated == [] and sorted(report.unchanged) == ["alpha", "beta"]
    assert report.lists_unchanged == ["test-list"]
    assert count(Material) == 2 and count(MaterialVersion) == 2 and count(AuditEntry) == audit_count
    rl = db.session.scalar(select(ReadingList))
    assert [(i.material.slug, i.required, str(i.due_on)) for i in rl.items] == [("alpha", True, "2026-06-30"), ("beta", False, "None")]
    assert [(a.branch_id, a.stage) for a in rl.assignments] == [(None, None)]


def test_branch_assignment_is_picked_up_once_the_branch_exists(app, clock, db, root):
    sync(root)
    committee = make_branch("党委")
    make_branch("甲支部", committee)
    report = sync(root)
    assert report.lists_updated == ["test-list"] and not report.warnings
    rl = db.session.scalar(select(ReadingList))
    assert sorted(str(a.stage) for a in rl.assignments) == ["None", "activist"]
    assert sync(root).lists_unchanged == ["test-list"]


def test_changed_file_updates_in_place_and_keeps_history(app, clock, db, root):
    sync(root)
    write(root, "materials/alpha.md", MATERIAL.format(slug="alpha", title="甲（修订）", body="新的"))
    report = sync(root)
    assert report.updated == ["alpha"]
    material = db.session.scalar(select(Material).where(Material.slug == "alpha"))
    assert (material.title, material.version) == ("甲（修订）", 2)
    versions = db.session.scalars(select(MaterialVersion).where(MaterialVersion.material_id == material.id)
                                  .order_by(MaterialVersion.version)).all()
    assert [(v.version, v.title, v.origin) for v in versions] == [(1, "甲", "sync"), (2, "甲（修订）", "sync")]
    assert "一" in versions[0].body and "新的" in versions[1].body


def test_unchanged_file_keeps_edits_made_in_the_site(app, clock, db, root, org):
    sync(root)
    material = db.session.scalar(select(Material).where(Material.slug == "alpha"))
    data = services.state_of(material)
    data.title = "网站上改过"
    services.update_material(org.committee_admin, material, data)
    assert sync(root).unchanged == ["alpha", "beta"]
    assert material.title == "网站上改过"
    write(root, "materials/alpha.md", MATERIAL.format(slug="alpha", title="文件又改了", body="一"))
    report = sync(root)
    assert material.title == "文件又改了" and any("replaced edits" in w for w in report.warnings)


BAD_FILES = {
    "no front matter": ("materials/bad.md", "# 只有正文\n", "front matter"),
    "unclosed front matter": ("materials/bad.md", "---\ntitle: x\n正文\n", "front matter"),
    "invalid yaml": ("materials/bad.md", "---\ntitle: [unclosed\n---\n正文\n", "front matter"),
    "missing title": ("materials/bad.md", "---\nslug: bad-one\nkind: article\n---\n正文\n", "title"),
    "unknown kind": ("materials/bad.md", "---\ntitle: x\nkind: poster\n---\n正文\n", "kind"),
    "minutes not a number": ("materials/bad.md", "---\ntitle: x\nestimated_minutes: half an hour\n---\n正文\n", "estimated_minutes"),
    "unknown field": ("materials/bad.md", "---\ntitle: x\nauthor: 某人\n---\n正文\n", "author"),
    "bad slug": ("materials/bad.md", "---\nslug: Bad Slug!\ntitle: x\n---\n正文\n", "slug"),
    "duplicate slug": ("materials/gamma.md", MATERIAL.format(slug="alpha", title="重复", body=""), "slug"),
    "list unknown material": ("reading-lists/bad.yaml", "slug: bad-list\nyear: 2026\ntitle: x\nitems: [nope]\n", "items[1].material"),
    "list bad stage": ("reading-lists/bad.yaml", "slug: bad-list\nyear: 2026\ntitle: x\nassign: [{stages: [队长]}]\n", "assign[1].stages"),
    "list due outside year": ("reading-lists/bad.yaml", "slug: bad-list\nyear: 2026\ntitle: x\nitems: [{material: alpha, due: 2025-01-01}]\n", "items[1].due"),
    "list not yaml mapping": ("reading-lists/bad.yaml", "- just\n- a list\n", None),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_refuses_the_whole_sync(app, clock, db, root, case):
    name, text, field = BAD_FILES[case]
    write(root, "materials/delta.md", MATERIAL.format(slug="delta", title="丁", body="四"))
    write(root, name, text)
    with pytest.raises(ContentError) as exc:
        sync(root)
    db.session.rollback()
    [problem] = exc.value.problems
    assert problem.path.endswith(name) and problem.field == field
    assert count(Material) == 0 and count(ReadingList) == 0  # nothing half-loaded


def test_cli_reports_problems_by_path_and_exits_1(app, clock, db, root):
    write(root, "materials/bad.md", "---\ntitle: x\nkind: poster\n---\n")
    result = app.test_cli_runner().invoke(content_cli, ["sync", "--path", str(root)])
    assert result.exit_code == 1
    assert "bad.md: kind:" in result.output and "nothing was loaded" in result.output
    assert count(Material) == 0


def test_cli_sync_commits(app, clock, db, root):
    result = app.test_cli_runner().invoke(content_cli, ["sync", "--path", str(root)])
    assert result.exit_code == 0, result.output
    assert "2 created" in result.output
    db.session.remove()
    assert count(Material) == 2


def test_project_content_loads_on_an_empty_database(app, clock, db, tmp_path):
    """The committee's own content/ folder: valid, at least 12 materials of at least 300 characters,
    each citing its document."""
    shutil.copytree(CONTENT / "materials", tmp_path / "materials")
    shutil.copytree(CONTENT / "reading-lists", tmp_path / "reading-lists")
    shutil.copytree(CONTENT / "books", tmp_path / "books")
    report = sync(tmp_path)
    assert len(report.created) >= 12 and len(report.lists_created) >= 2
    materials = db.session.scalars(select(Material).where(Material.kind != "link")).all()
    for material in materials:
        assert count_characters(material.body) >= 300, (material.slug, count_characters(material.body))
        assert material.citation.startswith("《") and material.source, material.slug
        # A book teaches through its chapters: they carry the knowledge points.
        assert material.knowledge_points or material.kind == "book", material.slug
        assert material.status == MaterialStatus.published
    required = db.session.scalar(select(ReadingList).where(ReadingList.slug == "2026-committee-required"))
    assert required.year == 2026 and [(a.branch_id, a.stage) for a in required.assignments] == [(None, None)]
    assert sync(tmp_path).created == []

"""`flask backup create | verify | restore`: one archive holds the database, the upload store, the
content version and an audit checkpoint, with a manifest of checksums.

The archive is a plain tar (the PostgreSQL dump is compressed already, uploads are mostly images):
`database.pgdump` (pg_dump custom format) or `database.sqlite3`, `uploads/...`,
`audit-checkpoint.json`, and last `manifest.json`: what is inside with the SHA-256 of every file,
the schema revision, the content version, and the row counts and year totals of the copied
database (snapshot.py), which a restore is checked against.

The database is copied before the uploads: files are only added under new names, so every file
the copied database names is in the archive (a newer file too perhaps, which harms nothing).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import text

from learnapp import clock
from learnapp.actors import SYSTEM
from learnapp.db import db
from learnapp.ops import snapshot

KIND, VERSION = "learnapp-backup", 1
MANIFEST = "manifest.json"
CHECKPOINT = "audit-checkpoint.json"
DATABASE = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}


class BackupError(RuntimeError):
    """The archive is damaged or not a learnapp backup, or a restore would overwrite data."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _stream_sha256(handle) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _stream_sha256(handle)


def content_version() -> dict:
    """The content folder's version: a hash of its files, and the git commit when it is a checkout."""
    root = Path(current_app.root_path).parent / "content"
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    for path in files:
        digest.update(f"{path.relative_to(root).as_posix()}\0{_file_sha256(path)}\n".encode())
    version = {"files": len(files), "sha256": digest.hexdigest()}
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if commit.returncode == 0:
            version["git_commit"] = commit.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return version


def schema_revisions() -> list[str]:
    try:
        with db.engine.connect() as connection:
            return sorted(r[0] for r in connection.execute(text("SELECT version_num FROM alembic_version")))
    except Exception:
        return []


def upload_files() -> list[tuple[str, Path]]:
    """(name in the archive, path) of every file of the upload store, in a fixed order."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    if not root.is_dir():
        return []
    return [(f"uploads/{p.relative_to(root).as_posix()}", p) for p in sorted(root.rglob("*"))
            if p.is_file() and not p.name.startswith(".healthz-")]


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(clock.now().timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


@dataclass
class Created:
    path: Path
    manifest: dict


def create(folder: Path, actor=SYSTEM) -> Created:
    """Write `learnapp-backup-<UTC time>.tar` into `folder` (made mode 0700); returns it and its manifest.
    An audit checkpoint is written and committed first, so the copy carries it."""
    from learnapp.audit.chain import export_checkpoint, write_checkpoint

    checkpoint = write_checkpoint(actor, reason="backup")
    db.session.commit()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    dialect = db.engine.dialect.name
    if dialect not in DATABASE:
        raise BackupError(f"cannot back up a {dialect} database")
    stamp = clock.now().strftime("%Y%m%dT%H%M%S%fZ")
    final = folder / f"learnapp-backup-{stamp}.tar"
    partial = final.with_suffix(".tar.partial")
    files: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(dir=folder) as work:
        dump = Path(work) / DATABASE[dialect]
        found = snapshot.dump_postgres(dump) if dialect == "postgresql" else snapshot.dump_sqlite(dump)
        with tarfile.open(partial, "w") as archive:
            files[dump.name] = {"sha256": _file_sha256(dump), "size": dump.stat().st_size}
            archive.add(dump, arcname=dump.name)
            for name, path in upload_files():
                try:
                    data = path.read_bytes()
                except FileNotFoundError:
                    continue  # removed since it was listed
                files[name] = {"sha256": _sha256(data), "size": len(data)}
                _add_bytes(archive, name, data)
            exported = export_checkpoint(checkpoint).encode()
            files[CHECKPOINT] = {"sha256": _sha256(exported), "size": len(exported)}
            _add_bytes(archive, CHECKPOINT, exported)
            manifest = {
                "kind": KIND, "version": VERSION, "created_at": clock.now().isoformat(timespec="seconds"),
                "database": {"dialect": dialect, "file": dump.name, "revisions": schema_revisions(), **found},
                "content": content_version(),
                "audit_checkpoint": {"entries": checkpoint.entries, "head_hash": checkpoint.head_hash},
                "files": files,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode())
    partial.chmod(0o600)
    partial.replace(final)
    return Created(final, manifest)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def verify(path: Path) -> dict:
    """Check every member against the manifest (and nothing missing or extra); returns the manifest."""
    try:
        with tarfile.open(path, "r:") as archive:
            members = {m.name: m for m in archive.getmembers()}
            if MANIFEST not in members:
                raise BackupError(f"{path}: no {MANIFEST}: not a learnapp backup")
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
            if manifest.get("kind") != KIND or manifest.get("version") != VERSION:
                raise BackupError(f"{path}: not a learnapp backup of version {VERSION}")
            listed = manifest["files"]
            for name, member in members.items():
                if name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_name(name):
                    raise BackupError(f"{path}: unexpected member {name!r}")
                if name not in listed:
                    raise BackupError(f"{path}: {name} is not in the manifest")
                if _stream_sha256(archive.extractfile(member)) != listed[name]["sha256"]:
                    raise BackupError(f"{path}: {name} does not match its checksum")
            missing = sorted(set(listed) - set(members))
            if missing:
                raise BackupError(f"{path}: missing from the archive: {', '.join(missing[:5])}")
    except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
        raise BackupError(f"{path}: cannot be read as a learnapp backup ({exc})") from None
    return manifest


def _upload_store_is_empty(root: Path) -> bool:
    return not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def restore(path: Path, *, force: bool = False) -> dict:
    """Restore the archive into the site's database and upload store, which must be empty unless
    `force`. Returns the manifest; the caller compares the result with it (`check_restored`)."""
    manifest = verify(path)
    db.session.remove()  # whatever this process read before is about to be replaced
    dialect = db.engine.dialect.name
    if manifest["database"]["dialect"] != dialect:
        raise BackupError(f"the backup is of a {manifest['database']['dialect']} database, this site uses {dialect}")
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if not force and not (snapshot.database_is_empty() and _upload_store_is_empty(uploads)):
        raise BackupError("the database or the upload store holds data: restore into empty ones, or give --force "
                          "to replace them")
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:") as archive:
        dump_name = manifest["database"]["file"]
        archive.extract(dump_name, work, filter="data")
        if dialect == "postgresql":
            snapshot.restore_postgres(Path(work) / dump_name, clean=force)
        else:
            snapshot.restore_sqlite(Path(work) / dump_name)
        if force and uploads.exists():
            shutil.rmtree(uploads)
        uploads.mkdir(parents=True, exist_ok=True)
        for member in archive.getmembers():
            if member.name.startswith("uploads/"):
                target = uploads / PurePosixPath(member.name).relative_to("uploads")
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
    return manifest


def check_restored(manifest: dict) -> list[str]:
    """Differences between the restored site and the manifest: row counts, year totals, upload files."""
    problems = []
    now = snapshot.current_facts()
    for key in ("row_counts", "year_totals"):
        if now[key] != manifest["database"][key]:
            wanted, found = manifest["database"][key], now[key]
            differing = sorted(k for k in set(wanted) | set(found) if wanted.get(k) != found.get(k))
            problems.append(f"{key} differ: {', '.join(differing[:10])}")
    root = Path(current_app.config["UPLOAD_FOLDER"])
    for name, entry in manifest["files"].items():
        if name.startswith("uploads/"):
            target = root / PurePosixPath(name).relative_to("uploads")
            if not target.is_file() or _file_sha256(target) != entry["sha256"]:
                problems.append(f"{name} is missing or differs")
    return problems

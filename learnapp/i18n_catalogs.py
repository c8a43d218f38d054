"""Translation catalogs, one per domain, so each domain owns its strings.

English msgids in the code and templates; Chinese (zh_CN, the default language) in the catalogs.
`python -m learnapp.i18n_catalogs update` extracts every domain's strings into its zh_CN catalog
(keeping existing translations); `... missing` lists strings without a Chinese translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent
DOMAINS = ["ledger", "materials", "bank", "quizzes", "assessments", "reports", "development", "contactwork", "planning", "yearend",
           "notices", "site", "nextsteps"]
METHOD_MAP = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}


def catalog_dirs() -> list[str]:
    """Translation directories relative to the package, for BABEL_TRANSLATION_DIRECTORIES."""
    return ["translations"] + [f"{d}/translations" for d in DOMAINS]


def _sources(domain: str | None) -> list[Path]:
    if domain:
        return [ROOT / domain, ROOT / "templates" / domain]
    # The core catalog: everything that belongs to no domain catalog.
    skip = set(DOMAINS)
    sources = [p for p in ROOT.iterdir() if p.is_dir() and p.name not in skip and p.name not in {"templates", "static", "translations", "__pycache__"}]
    sources += [p for p in (ROOT / "templates").iterdir() if p.is_dir() and p.name not in skip]
    return sources


def extract(domain: str | None) -> dict[str | tuple[str, str], tuple[str, int]]:
    """msgid -> (file, line) of its first use, for one domain (None: the core)."""
    found: dict[str, tuple[str, int]] = {}
    roots = _sources(domain)
    if domain is None:
        for py in ROOT.glob("*.py"):
            roots.append(py)
        roots.append(ROOT / "templates" / "base.html")
    for root in roots:
        if root.is_file():
            from babel.messages.extract import extract_from_file

            method = "jinja2" if root.suffix == ".html" else "python"
            for lineno, message, _comments, _ctx in extract_from_file(method, str(root), keywords=KEYWORDS):
                if _key(message):
                    found.setdefault(_key(message), (root.name, lineno))
            continue
        if not root.exists():
            continue
        for filename, lineno, message, _comments, _ctx in extract_from_dir(str(root), METHOD_MAP, keywords=KEYWORDS):
            if _key(message):
                found.setdefault(_key(message), (f"{root.name}/{filename}", lineno))
    return found


def _key(message) -> str | tuple[str, str] | None:
    """A singular msgid, or (singular, plural) for ngettext; None for empty ids."""
    if isinstance(message, tuple):
        return tuple(message[:2]) if message[0] else None
    return message or None


def po_path(domain: str | None) -> Path:
    base = ROOT / (f"{domain}/translations" if domain else "translations")
    return base / "zh_CN" / "LC_MESSAGES" / "messages.po"


def load(domain: str | None) -> Catalog:
    path = po_path(domain)
    if path.exists():
        with path.open("rb") as fh:
            return read_po(fh, locale="zh_CN")
    return Catalog(locale="zh_CN", project="learnapp")


def update(domain: str | None) -> int:
    """Add new msgids to the domain's catalog, keeping translations; returns how many lack Chinese."""
    catalog = load(domain)
    messages = extract(domain)
    for msgid, (filename, lineno) in messages.items():
        existing = catalog.get(msgid)
        if existing is not None and isinstance(existing.id, tuple) == isinstance(msgid, tuple):
            existing.locations = [(filename, lineno)]
        else:
            if existing is not None:
                catalog.delete(existing.id)
            catalog.add(msgid, ("", "") if isinstance(msgid, tuple) else "", locations=[(filename, lineno)])
    wanted = {m[0] if isinstance(m, tuple) else m for m in messages}
    for message in list(catalog):
        if message.id and (message.id[0] if isinstance(message.id, tuple) else message.id) not in wanted:
            catalog.delete(message.id)
    path = po_path(domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True, include_previous=False)
    return sum(1 for m in catalog if m.id and not _translated(m))


def _translated(message) -> bool:
    if isinstance(message.string, (tuple, list)):
        return all(message.string)
    return bool(message.string)


def all_translations() -> dict[str | tuple[str, str], str]:
    """Every translated msgid of every catalog (plural ids as (singular, plural))."""
    merged: dict = {}
    for domain in [None, *DOMAINS]:
        for message in load(domain):
            if message.id and _translated(message):
                key = tuple(message.id[:2]) if isinstance(message.id, tuple) else message.id
                merged[key] = message.string
    return merged


def conflicts() -> list[tuple[str, dict[str, str]]]:
    """The same English text translated differently in two catalogs. The catalogs are merged into
    one for every page, so there must be none: pick one wording, or give a word that means two
    things two msgids that say which."""
    seen: dict[str, dict[str, str]] = {}
    for domain in [None, *DOMAINS]:
        for message in load(domain):
            if message.id and isinstance(message.id, str) and message.string:
                seen.setdefault(message.id, {})[domain or "core"] = message.string
    return [(msgid, by_domain) for msgid, by_domain in sorted(seen.items()) if len(set(by_domain.values())) > 1]


def missing() -> list[tuple[str, str, int]]:
    """Strings used in the code with no Chinese translation in any catalog."""
    known = all_translations()
    result = []
    for domain in [None, *DOMAINS]:
        for msgid, (filename, lineno) in extract(domain).items():
            if msgid not in known:
                result.append((msgid, filename, lineno))
    return result


# Babel resolves "zh_CN" to the CLDR identifier zh_Hans_CN and looks for catalogs under that name,
# so the compiled catalog is written there while the source .po keeps the familiar zh_CN folder.
COMPILED_LOCALE = "zh_Hans_CN"


def compile_all() -> None:
    """Compile every zh_CN catalog to <dir>/zh_Hans_CN/LC_MESSAGES/messages.mo."""
    from babel.messages.mofile import write_mo

    for domain in [None, *DOMAINS]:
        source = po_path(domain)
        if not source.exists():
            continue
        target = source.parent.parent.parent / COMPILED_LOCALE / "LC_MESSAGES" / "messages.mo"
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_mo(fh, load(domain), use_fuzzy=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "update":
        targets = [None, *DOMAINS] if len(argv) < 3 else [None if argv[2] == "core" else argv[2]]
        for domain in targets:
            count = update(domain)
            print(f"{domain or 'core'}: {po_path(domain).relative_to(ROOT.parent)} ({count} untranslated)")
        return 0
    if command == "compile":
        compile_all()
        return 0
    if command == "missing":
        rows = missing()
        for msgid, filename, lineno in rows:
            print(f"{filename}:{lineno}: {msgid}")
        print(f"{len(rows)} string(s) without a Chinese translation")
        return 1 if rows else 0
    print("usage: python -m learnapp.i18n_catalogs [update [DOMAIN|core] | missing | compile]")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

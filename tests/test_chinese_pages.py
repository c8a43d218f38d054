"""The Chinese site reads as Chinese: every page of the permission matrix, and every form sent back
with its errors, rendered in zh_CN shows no English word that comes from a msgid.

One application and one database: every domain's pages are set up together, then each page is
requested as the committee admin (when allowed) and as a learner (when allowed; a page open to
neither is requested as the first role that may use it).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

from learnapp import i18n_catalogs
from tests.helpers import factories
from tests.helpers.matrix import ROLES, domain_modules

# Words that are the same in the Chinese site: file formats, product names, the switch to English.
PROPER = {w.lower() for w in {"GIFT", "XLSX", "CSV", "PDF", "DOCX", "Moodle", "Aiken", "English", "YAML", "SMTP", "URL", "ID", "HTTP",
          "Excel", "Word", "XML", "HTML", "Markdown", "JavaScript", "JPEG", "PNG", "WebP", "MB", "UTF", "GBK", "HOST"}}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# Identifiers (login IDs, column keys): letters joined by "_" or with digits. A dotted code such as
# "quiz.create" shown outside <code> is not one: its words count, so a missing label shows up.
_IDENTIFIER = re.compile(r"(?<![.\w])[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+(?![.\w])|\b[A-Za-z]+[0-9][A-Za-z0-9]*")
# Elements whose text is code, a command, or text the person typed themselves.
_VERBATIM = ("script", "style", "template", "code", "kbd", "pre", "samp", "textarea")
_URLISH = re.compile(r"\S*(?:https?://|www\.|@|/)\S*|\S+\.(?:xlsx|csv|pdf|docx|txt|yaml|png|jpg|mp4)\b", re.I)
# Known English left in another helper's area, by endpoint: remove an entry when it is fixed.
KNOWN: set[tuple[str, str]] = set()  # (endpoint, word) pairs accepted for now; keep it empty
_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}


class _VisibleText(HTMLParser):
    """The text a person sees: element text (not scripts, styles or templates) and the attributes
    read aloud or shown on hover, and the captions of buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _VERBATIM:
            self._hidden += 1
        attributes = dict(attrs)
        self.parts.extend(v for k, v in attrs if k in _ATTRIBUTES and v)
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in _VERBATIM and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data)


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(re.sub(r"%\(\w+\)\w|\{\w+\}", " ", text))}


def _msgid_words() -> set[str]:
    """Every English word of every msgid (the words a missing translation would show), less the
    words the Chinese translations keep on purpose (file formats, column headers, commands)."""
    words: set[str] = set()
    kept: set[str] = set()
    for message in (m for domain in [None, *i18n_catalogs.DOMAINS] for m in i18n_catalogs.load(domain)):
        for msgid in message.id if isinstance(message.id, tuple) else [message.id]:
            if msgid:
                words |= _words(msgid)
        for msgstr in message.string if isinstance(message.string, (tuple, list)) else [message.string]:
            if msgstr:
                kept |= _words(msgstr)
    return words - kept


def english_words(html: str, vocabulary: set[str], allowed: set[str], snippets: list[str] | None = None) -> list[str]:
    """The English words of msgids seen on the page (`snippets` collects a few texts they stand in)."""
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        text = _IDENTIFIER.sub(" ", _URLISH.sub(" ", part))
        for word in _WORD.findall(text):
            # Capitals only: an acronym or a random code (check-in and verification codes such as
            # "K7ON-TOAD"), never a sentence of a msgid.
            if word.isupper() or word.lower() in PROPER or word in allowed or word.lower() not in vocabulary:
                continue
            found.append(word)
            if snippets is not None and len(snippets) < 3 and part.strip()[:80] not in snippets:
                snippets.append(part.strip()[:80])
    return found


_FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>', re.I)
_ACTION = re.compile(r'action="([^"]*)"')


def _posts_to_itself(html: str, url: str) -> bool:
    """The page has a form that is sent back to the page's own address (a form of fields, not a
    button that posts somewhere else)."""
    path = urlsplit(url).path
    return any(urlsplit(m.group(1)).path in ("", path) for tag in _FORM.findall(html) for m in [_ACTION.search(tag)] if m) \
        or any(not _ACTION.search(tag) for tag in _FORM.findall(html))


def test_every_page_and_form_error_reads_in_chinese(app, client, clock, login, db):
    org = factories.make_org()
    pages = [page for module in domain_modules() for page in module.pages(org)]
    db.session.commit()
    # Login IDs are shown as they are.
    allowed = {u.login_id for u in org.roles.values() if u is not None}
    vocabulary = _msgid_words()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    failures, seen = [], set()
    counts = {"pages": 0, "forms sent empty": 0}
    signed_in = [None]
    forms: dict[str, tuple[str, str]] = {}  # endpoint -> (role, url) of a page with a form to itself

    def visit(endpoint: str, role: str, method: str, url: str, data: dict) -> str | None:
        user = org.roles[role]
        if user is not signed_in[0]:
            client.post("/logout") if user is None else login(user)
            signed_in[0] = user
        response = client.open(url, method=method, data=data)
        if endpoint == "accounts.logout":
            signed_in[0] = None
        html = None
        if response.status_code in (200, 400, 422) and response.mimetype.startswith("text/html"):
            html = response.get_data(as_text=True)
            snippets: list[str] = []
            words = [w for w in english_words(html, vocabulary, allowed, snippets) if (endpoint, w) not in KNOWN]
            key = (endpoint, tuple(sorted(set(words))))
            if words and key not in seen:
                seen.add(key)
                failures.append(f"{method} {url} ({role}, {response.status_code}): {', '.join(sorted(set(words)))} in {snippets}")
        response.close()
        db.session.rollback()
        return html

    for page in pages:
        roles = [r for r in ("committee_admin", "learner") if r in page.allowed]
        if not roles:
            roles = [r for r in ROLES if r in page.allowed][:1]
        for role in roles:
            url = page.url() if callable(page.url) else page.url
            data = page.data
            if page.endpoint == "accounts.set_language":
                data = {**data, "locale": "zh_CN"}  # the matrix switches to English; this test stays in Chinese
            html = visit(page.endpoint, role, page.method, url, data)
            if html is not None:
                counts["pages"] += 1
                if page.method == "GET" and page.endpoint not in forms and _posts_to_itself(html, url):
                    forms[page.endpoint] = (role, url)
    # Every form sent back empty: its errors (required fields, bad choices) must read in Chinese too.
    # Last, as an empty form that passes may change records the pages above needed.
    for endpoint, (role, url) in forms.items():
        if visit(endpoint, role, "POST", url, {}) is not None:
            counts["forms sent empty"] += 1
    assert counts["pages"] > 200 and counts["forms sent empty"] > 20, counts
    assert not failures, f"{len(failures)} page(s) show English in the Chinese site:\n" + "\n".join(failures)


def test_the_english_check_catches_an_untranslated_label():
    vocabulary = {"highest", "attempt", "score"}
    html = '<p>最高分</p><select><option>Highest attempt</option></select><script>var Score=1</script>'
    assert english_words(html, vocabulary, set()) == ["Highest", "attempt"]
    assert english_words('<a href="/x">GIFT 文件 cadmin learner_a</a>', vocabulary | {"gift", "learner"}, {"cadmin"}) == []
    assert english_words("<p>验证码 9T89-ON7J-SCORE</p>", vocabulary | {"on"}, set()) == []
    assert english_words("<td>quiz.score</td><td><code>quiz.score</code></td>", vocabulary, set()) == ["score"]

"""Markdown rendering keeps no script, event handler or javascript: URL, whoever wrote it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from learnapp.materials.models import MaterialStatus
from learnapp.materials.rendering import count_characters, plain_text, render_markdown
from tests.helpers.materials import make_material

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert(1)\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![img](javascript:alert(1))",
    "![img](x \"onerror=alert(1)\")",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p style=\"color:red\" onclick=\"alert(1)\">x</p>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=\"javascript:alert(1)\"><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    "<style>@import 'javascript:alert(1)';</style>",
    "<!--<script>alert(1)</script>-->",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<a href=\"https://example.org\" onmouseover=\"alert(1)\">ok</a>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
]

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "math", "form", "input", "meta", "base",
                  "link", "template", "body", "source"}


# Our own pages legitimately hold forms and inputs; user content never does.
PAGE_FORBIDDEN_TAGS = FORBIDDEN_TAGS - {"form", "input"}


class _Collector(HTMLParser):
    """The real tags and attributes of an HTML fragment (escaped text is not markup)."""

    def __init__(self, forbidden):
        super().__init__(convert_charrefs=True)
        self.forbidden = forbidden
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.forbidden:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in ("href", "src", "action", "formaction", "data", "xlink:href") and (
                    value.startswith(("javascript:", "vbscript:", "data:"))):
                self.problems.append(f"{tag}[{name}={value}]")


def _assert_safe(html: str, forbidden=FORBIDDEN_TAGS) -> None:
    collector = _Collector(forbidden)
    collector.feed(html)
    assert not collector.problems, f"{collector.problems} survived in {html!r}"


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_payloads_are_neutralised(payload):
    _assert_safe(str(render_markdown(payload)))
    assert "<noscript" not in str(render_markdown(payload))
    _assert_safe(str(render_markdown(f"# 标题\n\n正文 {payload} 正文\n\n- 列表 {payload}")))


def test_ordinary_markdown_survives():
    html = str(render_markdown("## 小标题\n\n**粗体** 和 *斜体*\n\n> 引文\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n[链接](https://www.12371.cn/)"))
    for fragment in ("<h2>小标题</h2>", "<strong>粗体</strong>", "<em>斜体</em>", "<blockquote>", "<table>",
                     'href="https://www.12371.cn/"', 'rel="noopener noreferrer nofollow"'):
        assert fragment in html


def test_plain_text_and_character_count():
    assert plain_text("# 标题\n\n**正文** &amp; 内容") == "标题 正文 & 内容"
    assert count_characters("# 标题\n\n正文，内容") == 7


@pytest.mark.parametrize("payload", XSS_PAYLOADS[:12])
def test_pages_escape_titles_and_sanitise_bodies_even_from_admins(client, org, login, db, payload):
    material = make_material("xss", title=f"标题{payload}", summary=f"摘要{payload}", body=f"正文\n\n{payload}",
                             points=[f"点{payload}"[:60]], status=MaterialStatus.published)
    db.session.commit()
    login(org.committee_admin)
    for url in ("/materials/xss", "/materials/", f"/materials/manage/{material.id}/versions/1",
                f"/materials/manage/{material.id}/history", "/materials/manage/"):
        page = client.get(url).get_data(as_text=True)
        main = page.split('<main id="main"', 1)[1].split("</main>", 1)[0]
        _assert_safe(main, PAGE_FORBIDDEN_TAGS)
        assert "<title>标题&lt;" in page or "xss" not in url
    # The edit form's preview renders the same way.
    response = client.post(f"/materials/manage/{material.id}/edit", data={
        "title": f"T{payload}"[:200], "summary": "", "body": payload, "kind": "article", "source": "", "estimated_minutes": "5",
        "status": "published", "tags": "", "knowledge_points": "", "external_url": "", "note": "", "preview": "1"})
    preview = response.get_data(as_text=True).split('class="preview"', 1)[1].split("<form", 1)[0]
    _assert_safe(preview, PAGE_FORBIDDEN_TAGS)

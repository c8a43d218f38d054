"""Security journeys: a material whose Markdown carries scripts runs none of them, anywhere it shows.

(A learner typing an administration URL, logout and the auditor's forged POST are in
test_foundation.py; CSP violations are checked on every page by Journey.check.)
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAYLOAD = """## 安全测试材料

<script>alert('xss-script')</script>

<img src="/no-such-image.png" onerror="alert('xss-onerror')" alt="测试图片">

[点我](javascript:alert('xss-markdown-link'))

<a href="javascript:alert('xss-a')">链接</a> <a href="data:text/html,<script>alert(1)</script>">数据</a>

<iframe src="javascript:alert('xss-iframe')"></iframe>

<svg onload="alert('xss-svg')"><circle r="5"/></svg>

<p onclick="alert('xss-click')" style="color:red">段落</p>

<details open ontoggle="alert('xss-toggle')"><summary>x</summary>y</details>

<style>body { display: none }</style>
"""

# What must not survive sanitising, anywhere in the rendered Markdown.
DANGEROUS = """
(root) => {
  const found = [];
  for (const el of root.querySelectorAll('*')) {
    if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'SVG', 'STYLE', 'svg'].includes(el.tagName)) found.push(el.tagName);
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on') || attr.name === 'style') found.push(el.tagName + '[' + attr.name + ']');
      if (['href', 'src'].includes(attr.name) && /^\\s*(javascript|data):/i.test(attr.value)) found.push(attr.value);
    }
  }
  return found;
}
"""


def _assert_harmless(journey) -> None:
    markdown = journey.page.locator(".markdown").first
    markdown.wait_for()
    assert markdown.evaluate(DANGEROUS) == []
    # Give any event handler that slipped through its chance: hover and click the rendered text.
    markdown.click(position={"x": 5, "y": 5})
    assert journey.page.locator("body").is_visible(), "a <style> from the material hid the page"
    assert [d for d in journey.dialogs if d.kind != "confirm"] == [], journey.dialogs


def test_material_with_script_runs_no_script(journey, make_journey, server):
    """The committee admin saves a material full of scripts; preview, admin view and learner view run none."""
    slug = f"xss-check-{journey.size}"
    admin = make_journey("admin")
    admin.login(server.login_for("committee admin"))
    admin.goto("/materials/manage/new")
    admin.page.fill("#slug", slug)
    admin.page.fill("#title", f"脚本过滤检查（{journey.size}）")
    admin.page.fill("#body", PAYLOAD)
    admin.page.select_option("#kind", "article")
    admin.page.fill("#estimated_minutes", "5")
    admin.page.select_option("#status", "published")
    with admin.allow_console(r"status of 404"):
        admin.submit("button[name=preview]", step="preview")
        _assert_harmless(admin)
        admin.submit("button[name=save]", step="saved")
        assert "/edit" in admin.path(), admin.text()[:500]
        assert admin.page.locator("#body").input_value().strip() == PAYLOAD.strip(), "the source must stay as written"

    journey.login(server.login_for("learner", journey.index))
    with journey.allow_console(r"status of 404"):
        journey.goto(f"/materials/{slug}", step="learner-view")
        _assert_harmless(journey)
        journey.page.reload()
        journey.check()
        _assert_harmless(journey)
    assert not journey.dialogs

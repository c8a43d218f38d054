"""Through nginx to two app servers, configured as deploy/ and docs/DEPLOY.md say (site.py):
sessions, CSRF, rate limits and the one-material-at-a-time rule hold whichever server answers;
protected files leave through X-Accel-Redirect; the audit log has the browser's address, not
nginx's; static files never reach the app servers."""

from __future__ import annotations

import gzip
import io
import json
import re
import urllib.request
import zipfile

import pytest
from sqlalchemy import create_engine, text

from tests.helpers.browser import flows
from tests.helpers.browser.server import ROOT
from tests.helpers.deploy_site import PROTECTED_PREFIX, PROXY_ADDRESS

pytestmark = pytest.mark.browser
LEARNER = 1  # the demo learner these journeys use (flows.quiz_for builds the quiz for learner 1 under "nginx")


def _get(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _log_lines(site, since: int = 0) -> list[dict]:
    """nginx's JSON access lines (deploy/nginx/learnapp.conf's learnapp_json format) from a byte offset."""
    with site.access_log.open("rb") as handle:
        handle.seek(since)
        return [json.loads(line) for line in handle.read().decode().splitlines() if line.strip()]


def _log_offset(site) -> int:
    return site.access_log.stat().st_size if site.access_log.exists() else 0


def _ports_of(lines: list[dict], pattern: str) -> set[str]:
    return {line["upstream"].rsplit(":", 1)[-1] for line in lines if re.search(pattern, line["uri"]) and line["upstream"]}


def _audit(site, action: str) -> list[dict]:
    engine = create_engine(site.env["LEARNAPP_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT action, summary, details, request_id FROM audit_entries "
                                           "WHERE action = :a ORDER BY seq"), {"a": action}).mappings().all()
    finally:
        engine.dispose()
    return [{**row, "details": row["details"] if isinstance(row["details"], dict) else json.loads(row["details"])}
            for row in rows]


def _instance_urls(site) -> list[str]:
    return [f"http://127.0.0.1:{instance.port}" for instance in site.instances]


def test_health_through_nginx(site):
    status, _headers, body = _get(f"{site.url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "uploads": "ok",
                                                           "redis": "ok"}}


def test_static_files_come_from_nginx_with_a_year_of_cache(site):
    _status, _headers, page = _get(f"{site.url}/login")
    css = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page.decode()).group(1)
    status, headers, body = _get(site.url + css, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["Cache-Control"] and "max-age=31536000" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (ROOT / "learnapp" / "static" / "css" / "app.css").read_bytes()
    for instance in site.instances:
        assert "/static/css/app.css" not in instance.log_path.read_text(errors="replace"), "served by an app server"


def test_learner_journey_across_two_app_servers(site, new_journey, tmp_path):
    """Sign in, read until credit, keep to one material at a time, take a quiz, send a claim with a
    photo and download it, all through nginx while its requests alternate between the servers."""
    since = _log_offset(site)
    admin = new_journey("admin")
    built = flows.quiz_for("nginx", admin, site, tmp_path)
    learner = new_journey("learner")
    login_id = site.login_for("learner", LEARNER)
    assert built.learner == login_id
    learner.login(login_id)

    # The audit log has the browser's address (ProxyFix, LEARNAPP_PROXY_COUNT=1), not nginx's,
    # and the request id nginx gave the sign-in.
    [entry] = [e for e in _audit(site, "auth.sign_in") if e["details"]["login_id"] == login_id]
    assert entry["details"]["address"] == "127.0.0.1" != PROXY_ADDRESS
    assert entry["request_id"] in {line["request_id"] for line in _log_lines(site, since)}

    # Reading: heartbeats every 30 s (moved clocks), answered by both servers in turn.
    first = flows.open_unfinished_required_reading(learner)
    result = flows.read_until_credit(learner, site)
    assert result["granted_hundredths"] > 0
    assert len(_ports_of(_log_lines(site, since), r"/heartbeat$")) == 2, "both servers should have counted beats"

    # One material at a time, whichever server answers: a second tab on another material
    # supersedes the first tab's session.
    other_tab = learner.context.new_page()
    learner.watch(other_tab)
    other_tab.goto(f"{site.url}/reading/")
    links = [href for href in other_tab.eval_on_selector_all(
        "main table a[href^='/materials/']", "els => els.map(a => a.getAttribute('href'))") if href != first]
    assert links, "the reading list should hold a second material"
    with other_tab.expect_response("**/api/reading/sessions") as started:
        other_tab.goto(site.url + links[0])
    assert started.value.status == 201
    learner.page.bring_to_front()
    learner.page.mouse.move(40, 240)  # the reader is back on the first tab
    site.clock.advance(seconds=30)
    superseded_since = _log_offset(site)
    with learner.allow_console(r"status of 409"), learner.page.expect_response("**/heartbeat") as answer:
        learner.page.clock.run_for(30_000)
        assert answer.value.json().get("error") == "superseded", answer.value.text()
    token = _csrf(learner.page.content())
    for seq in (900, 901):  # the same tab's session, asked again: refused by whichever server answers
        again = learner.context.request.post(answer.value.url, data=json.dumps({"seq": seq}),
                                             headers={"Content-Type": "application/json", "X-CSRFToken": token})
        assert again.json().get("error") == "superseded", again.text()
    assert len(_ports_of(_log_lines(site, superseded_since), r"/heartbeat$")) == 2
    other_tab.close()

    # The quiz, all answers right, submitted (its form's CSRF token was made by either server).
    page = learner.page
    learner.goto(f"/quizzes/{built.quiz_id}")
    learner.click(page.locator("main form[action$='/start'] button[type=submit]").first, step="attempt")
    questions = page.locator("fieldset.question")
    for i in range(questions.count()):
        flows.answer_correctly(questions.nth(i))
    learner.click("#submit-button", step="result")
    assert learner.path().endswith("/result") and "100" in page.locator(".big-score").inner_text()

    # A claim with a photo, and the photo downloaded: nginx sends it after learnapp's check.
    claim = flows.submit_claim(learner, tmp_path, "nginx")
    src = page.locator("main .evidence-grid img").first.get_attribute("src")
    evidence = re.search(r"/ledger/evidence/(\d+)", src).group(0)
    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url; a.download = '';"
                      " document.body.appendChild(a); a.click(); a.remove(); }", f"{evidence}?download=1")
    photo = (tmp_path / "museum-nginx.png").read_bytes()
    assert download.value.path().read_bytes() == photo
    assert claim.claim_id > 0

    # Asked of an app server directly (same cookies), the answer is only the redirect for nginx.
    for base in _instance_urls(site):
        direct = learner.context.request.get(f"{base}{evidence}?download=1")
        assert direct.status == 200 and direct.body() == b""
        target = direct.headers["x-accel-redirect"]
        assert target.startswith(f"{PROTECTED_PREFIX}evidence/")
    through = learner.context.request.get(f"{site.url}{evidence}")
    assert through.body() == photo and "x-accel-redirect" not in through.headers
    assert through.headers["cache-control"] == "private, no-store", through.headers
    assert through.headers["x-content-type-options"] == "nosniff"
    assert "sandbox" in through.headers["content-security-policy"]
    assert learner.context.request.get(f"{site.url}{target}").status == 404, "the internal location is not public"


def test_xlsx_export_through_nginx(site, new_journey):
    admin = new_journey("export")
    admin.login(site.login_for("committee admin"))
    admin.goto("/reports/", step="reports")
    link = admin.page.locator("main a[href*='export.xlsx']").first
    with admin.page.expect_download() as download:
        link.click()
    data = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()
    assert _audit(site, "export.ledger"), "the export is audited"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def test_csrf_and_sessions_hold_on_either_server(site, new_journey):
    trip = new_journey("csrf")
    trip.login(site.login_for("learner", 2))
    request = trip.context.request
    token = _csrf(request.get(f"{site.url}/ledger/").text())
    since = _log_offset(site)
    for _ in range(4):  # round robin: each server twice, the token made by one of them
        assert request.get(f"{site.url}/ledger/", max_redirects=0).status == 200, "signed in on both servers"
        answer = request.post(f"{site.url}/language", form={"csrf_token": token, "locale": "zh_CN"}, max_redirects=0)
        assert answer.status in (302, 303), answer.status
        refused = request.post(f"{site.url}/language", form={"locale": "zh_CN"}, max_redirects=0)
        assert refused.status == 400
    assert len(_ports_of(_log_lines(site, since), r"^/language$")) == 2


def test_sign_in_throttle_is_shared_by_the_servers(site, new_journey):
    trip = new_journey("throttle")
    request = trip.context.request
    statuses = []
    for _ in range(6):
        token = _csrf(request.get(f"{site.url}/login").text())
        answer = request.post(f"{site.url}/login", form={"csrf_token": token, "login_id": "sec1",
                                                          "password": "not the password"}, max_redirects=0)
        statuses.append(answer.status)
    assert statuses == [200] * 5 + [429], statuses
    [entry] = [e for e in _audit(site, "auth.sign_in_throttled") if e["summary"] == "sec1"]
    assert entry["details"]["address"] == "127.0.0.1"


def test_route_limits_are_shared_through_redis(site):
    since = _log_offset(site)
    statuses = [_get(f"{site.url}/reports/verify")[0] for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429, statuses
    assert len(_ports_of(_log_lines(site, since), r"^/reports/verify")) == 2
    import redis

    client = redis.Redis.from_url(site.env["LEARNAPP_RATELIMIT_STORAGE"])
    try:
        # Flask-Limiter keeps its counters under its own namespace, with the site's prefix inside.
        assert client.keys(f"*{site.key_prefix}*"), "the counters should be in Redis"
    finally:
        client.close()


def test_the_shipped_site_passes_nginx_t_with_tls(tmp_path):
    """The file as shipped (TLS, http2, port 80 redirect), with a throw-away certificate and this
    machine's folders: what `nginx -t` says on a Debian 12 server after step 7 of DEPLOY.md."""
    import shutil
    import subprocess

    from tests.helpers.deploy_site import NGINX, SITE_CONF, main_config

    if not shutil.which("openssl"):
        pytest.skip("needs openssl to make a throw-away certificate")
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=learn.example.gov.cn", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    site = (SITE_CONF.read_text(encoding="utf-8")
            .replace("/etc/ssl/learnapp/fullchain.pem", str(cert)).replace("/etc/ssl/learnapp/privkey.pem", str(key))
            .replace("/var/log/nginx/", f"{tmp_path}/").replace("/srv/learnapp/", f"{tmp_path}/"))
    conf = tmp_path / "nginx.conf"
    conf.write_text(main_config(site, tmp_path), encoding="utf-8")
    checked = subprocess.run([str(NGINX), "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_a_video_seeks_through_nginx(site, new_journey):
    """The demo video leaves through X-Accel-Redirect after learnapp's check, and nginx answers
    its Range requests (206, the part asked for; 416 past the end), as a phone's player asks."""
    learner = new_journey("video")
    learner.login(site.login_for("learner", LEARNER))
    learner.goto("/materials/shipin-rudang-tiaojian-shici")
    src = learner.page.locator("main video").get_attribute("src")
    video = (ROOT / "content" / "media" / "rudang-tiaojian.mp4").read_bytes()
    request = learner.context.request
    part = request.get(f"{site.url}{src}", headers={"Range": "bytes=1000-1999"})
    assert part.status == 206 and part.headers["content-range"] == f"bytes 1000-1999/{len(video)}"
    assert part.body() == video[1000:2000] and part.headers["content-type"] == "video/mp4"
    assert part.headers["cache-control"] == "private, no-store" and "x-accel-redirect" not in part.headers
    assert request.get(f"{site.url}{src}", headers={"Range": f"bytes={len(video) + 1}-"}).status == 416
    learner.logout()
    assert request.get(f"{site.url}{src}", headers={"Range": "bytes=0-9"}, max_redirects=0).status == 302

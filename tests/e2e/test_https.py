"""`make run-https`: the dashboard over HTTPS with a working secure WebSocket."""

import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import expect

from accounts.demo import seed_accounts
from tests.e2e.conftest import ROOT, start_server, stop_server


def test_dashboard_and_websocket_work_over_https(
    transactional_db, live_server_proc, browser, tmp_path: Path
):
    seed_accounts()
    result = subprocess.run(
        [sys.executable, "manage.py", "make_dev_cert", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    server = start_server(tls=(str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")))
    try:
        context = browser.new_context(ignore_https_errors=True, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{server.url}/login/")
        assert page.evaluate("window.isSecureContext") is True
        page.get_by_label("Username").fill("mentor")
        page.get_by_label("Password").fill("mentorhub-demo")
        with page.expect_websocket() as ws_info:
            page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("tab", name=re.compile("^My Sessions"))).to_be_visible()
        ws = ws_info.value
        assert ws.url.startswith("wss://127.0.0.1:")
        assert ws.url.endswith("/ws/notifications/")
        # The client greets the server once the socket is open (catch-up hello);
        # a refused handshake never gets that far.
        ws.wait_for_event("framesent", timeout=10_000)
        assert not ws.is_closed()
        context.close()
    finally:
        stop_server(server)

"""`make audit`: Lighthouse (mobile) on the login page and the mentor dashboard.

Starts a real Daphne on a fresh demo database (production settings, DEBUG off),
runs lighthouse@12 from tests/tools with the system Chromium, and writes the
scores to docs/quality.md. Exit status 1 when a score is below the target.
Not part of `make test`: Lighthouse's simulated throttling makes it slow.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importlib.metadata import version  # noqa: E402

from bench.run import DATA, PY, env_for, free_port, start_server  # noqa: E402

TARGET = 95
CATEGORIES = ("performance", "accessibility", "best-practices")
PAGES = [
    ("Login page", "/login/", None),
    ("Dashboard: My Sessions / Scheduled", "/mentor/dashboard/sessions/scheduled/", "mentor"),
    ("Dashboard: Earnings", "/mentor/dashboard/earnings/", "mentor"),
    ("Dashboard: Analytics", "/mentor/dashboard/analytics/", "mentor"),
]


def demo_db(folder: Path) -> Path:
    db = folder / "audit.sqlite3"
    env = env_for(db, DJANGO_DEBUG="1")
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    return db


def lighthouse(url: str, port: int, report: Path) -> dict[str, int]:
    """Audit `url` in the already running, signed-in Chromium on `port`.

    `--disable-storage-reset` keeps the session cookies; the page's WebSocket
    then authenticates like a real user's (extra headers would not reach it).
    """
    command = [
        "node",
        str(ROOT / "tests/tools/node_modules/lighthouse/cli/index.js"),
        url,
        "--quiet",
        f"--port={port}",
        "--disable-storage-reset",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    subprocess.run(command, check=True, timeout=300)
    data = json.loads(report.read_text())
    if data.get("runtimeError"):
        print("  lighthouse:", data["runtimeError"].get("message"))
    scores = {}
    for name in CATEGORIES:
        score = data["categories"][name]["score"]
        scores[name] = 0 if score is None else round(score * 100)
        # Say what cost points, so the report can be acted on.
        for ref in data["categories"][name]["auditRefs"]:
            audit = data["audits"].get(ref["id"], {})
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 1:
                print(f"  {name}: {audit.get('title')} ({audit['score']})")
                for item in (audit.get("details") or {}).get("items", [])[:3]:
                    node = item.get("node") or {}
                    print("     ", item.get("description") or node.get("snippet") or item)
    return scores


def main() -> int:
    from playwright.sync_api import sync_playwright

    subprocess.run([str(ROOT / "scripts/ensure-quality-tools"), "--audit"], check=True)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        folder = Path(tmp)
        db = demo_db(folder)
        DATA.mkdir(exist_ok=True)  # where the server writes its log
        server = start_server(db)
        port = free_port()
        browser = pw.chromium.launch_persistent_context(
            str(folder / "profile"),
            executable_path=chromium,
            headless=True,
            args=[f"--remote-debugging-port={port}", "--no-sandbox"],
        )
        try:
            page = browser.new_page()
            page.goto(server.url + "/login/")
            page.get_by_label("Username").fill("mentor")
            page.get_by_label("Password").fill(os.environ.get("DEMO_PASSWORD", "mentorhub-demo"))
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/mentor/dashboard")
            for title, path, user in PAGES:
                if user is None:
                    browser.clear_cookies()
                scores = lighthouse(server.url + path, port, folder / "report.json")
                rows.append((title, path, scores))
                print(title, scores)
                if user is None:  # sign in again for the dashboard pages
                    page.goto(server.url + "/login/")
                    page.get_by_label("Username").fill("mentor")
                    page.get_by_label("Password").fill(
                        os.environ.get("DEMO_PASSWORD", "mentorhub-demo")
                    )
                    page.get_by_role("button", name="Sign in").click()
                    page.wait_for_url("**/mentor/dashboard")
        finally:
            browser.close()
            server.stop()
    ok = all(score >= TARGET for _t, _p, scores in rows for score in scores.values())
    write_report(rows, ok)
    print("Wrote docs/quality.md")
    return 0 if ok else 1


KEPT_FROM = "## Attacks tried on the running product"


def write_report(rows, ok: bool) -> None:
    lines = [
        "# Quality audit (Lighthouse, mobile)",
        "",
        f"Latest run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `make audit` "
        f"(lighthouse 12.2.3, system Chromium, default mobile emulation and simulated "
        f"throttling; signed in as `mentor` in the same browser profile, so the page's WebSocket is live; "
        f"Django {version('django')}, DEBUG off, demo data).",
        "",
        f"Target: every score ≥ {TARGET}. Result: **{'met' if ok else 'NOT MET'}**.",
        "",
        "| page | URL | performance | accessibility | best practices |",
        "| --- | --- | --- | --- | --- |",
    ]
    for title, path, scores in rows:
        cells = " | ".join(str(scores[name]) for name in CATEGORIES)
        lines.append(f"| {title} | `{path}` | {cells} |")
    lines += [
        "",
        "The browser tests cover the rest of the quality gate on every run of `make test`:",
        "axe-core on every page and dialog at 1280 px and 360 px (`tests/e2e/test_a11y.py`),",
        "360 px layout and touch targets (`tests/e2e/test_mobile.py`), CSP enforcement,",
        "and the XSS corpus (`tests/e2e/test_xss.py`).",
        "",
    ]
    report = ROOT / "docs" / "quality.md"
    # Only the audit part is rewritten: the hand-kept sections after it stay.
    kept = report.read_text().partition(KEPT_FROM)[2] if report.exists() else ""
    report.write_text("\n".join(lines) + ("\n" + KEPT_FROM + kept if kept else ""))


if __name__ == "__main__":
    sys.exit(main())

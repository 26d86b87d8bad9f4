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

from bench.run import COOKIE, PY, Server, env_for, tokens  # noqa: E402

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


def lighthouse(url: str, cookie: str | None, report: Path) -> dict[str, int]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    command = [
        "node",
        str(ROOT / "tests/tools/node_modules/lighthouse/cli/index.js"),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(
        command, check=True, env={**os.environ, "CHROME_PATH": chromium or ""}, timeout=300
    )
    data = json.loads(report.read_text())
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> int:
    subprocess.run([str(ROOT / "scripts/ensure-quality-tools"), "--audit"], check=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = demo_db(folder)
        token = tokens(db, ["mentor"])["mentor"]
        server = Server(db)
        try:
            for title, path, user in PAGES:
                cookie = f"{COOKIE}={token}" if user else None
                scores = lighthouse(server.url + path, cookie, folder / "report.json")
                rows.append((title, path, scores))
                print(title, scores)
        finally:
            server.stop()
    ok = all(score >= TARGET for _t, _p, scores in rows for score in scores.values())
    write_report(rows, ok)
    print("Wrote docs/quality.md")
    return 0 if ok else 1


def write_report(rows, ok: bool) -> None:
    lines = [
        "# Quality audit (Lighthouse, mobile)",
        "",
        f"Latest run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `make audit` "
        f"(lighthouse 12.2.3, system Chromium, default mobile emulation and simulated "
        f"throttling; Django {version('django')}, DEBUG off, demo data).",
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
        "axe-core on every page and dialog at 1280 px and 375 px (`tests/e2e/test_a11y.py`),",
        "360 px layout and touch targets (`tests/e2e/test_mobile.py`), CSP enforcement,",
        "and the XSS corpus (`tests/e2e/test_xss.py`).",
        "",
    ]
    (ROOT / "docs" / "quality.md").write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())

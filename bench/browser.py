"""The browser section of `make bench`: what a mentor sees, in Chromium (Playwright).

- tab switch: from the click on a tab (or a My Sessions subtab) to `htmx:afterSettle`
  plus one animation frame (the swapped content painted), p50/p95 per tab;
- full page: Largest Contentful Paint of each dashboard page loaded directly.

On the demo data (`seed_demo`), same Daphne and settings as the other rows.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
from pathlib import Path

# (name, selector of the control clicked, page it is clicked on)
CLICKS = [
    ("sessions/draft", "#subtab-draft"),
    ("sessions/scheduled", "#subtab-scheduled"),
    ("sessions/past", "#subtab-past"),
    ("requests", "#tab-requests"),
    ("earnings", "#tab-earnings"),
    ("analytics", "#tab-analytics"),
    ("profile", "#tab-profile"),
    ("notifications", "#tab-notifications"),
]
PAGES = [
    ("sessions", "/mentor/dashboard/sessions/scheduled/"),
    ("requests", "/mentor/dashboard/requests/"),
    ("earnings", "/mentor/dashboard/earnings/"),
    ("analytics", "/mentor/dashboard/analytics/"),
    ("profile", "/mentor/dashboard/profile/"),
    ("notifications", "/mentor/dashboard/notifications/"),
]
SESSIONS_PAGE = "/mentor/dashboard/sessions/scheduled/"

# Resolves with ms from the click to the first frame after the swap settled.
CLICK_JS = """
(selector) => new Promise((resolve, reject) => {
  const el = document.querySelector(selector);
  if (!el) { reject(new Error("no " + selector)); return; }
  const timer = setTimeout(() => reject(new Error("no settle for " + selector)), 10000);
  document.addEventListener("htmx:afterSettle", () => {
    requestAnimationFrame(() => { clearTimeout(timer); resolve(performance.now() - t0); });
  }, {once: true});
  const t0 = performance.now();
  el.click();
})
"""
LCP_JS = """
() => new Promise((resolve) => {
  new PerformanceObserver((list) => {
    const entries = list.getEntries();
    resolve(entries[entries.length - 1].startTime);
  }).observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => resolve(null), 5000);
})
"""


def demo_db(data: Path, env_for, py: str, root: Path) -> Path:
    """A database with the demo data (seed_demo), made once per bench-data directory."""
    db = data / "demo.sqlite3"
    if not db.exists():
        env = env_for(db)
        subprocess.run([py, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
        subprocess.run(
            [py, "manage.py", "seed_demo", "--force", "-v0"], cwd=root, env=env, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
    return db


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p * (len(values) - 1))))], 1)


def measure(url: str, cookie: tuple[str, str], rounds: int) -> dict:
    """{"tabs": {name: {p50_ms, p95_ms}}, "lcp": {page: {p50_ms, p95_ms}}} or {"skipped": why}."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright is not installed"}
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        return {"skipped": "Chromium is not installed (scripts/ensure-chromium)"}
    clicks: dict[str, list[float]] = {name: [] for name, _ in CLICKS}
    lcps: dict[str, list[float]] = {name: [] for name, _ in PAGES}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": url}])
        page = context.new_page()
        for _ in range(rounds):
            for name, path in PAGES:
                page.goto(url + path, wait_until="load")
                lcp = page.evaluate(LCP_JS)
                if lcp is not None:
                    lcps[name].append(lcp)
        page.goto(url + SESSIONS_PAGE, wait_until="load")
        for _name, selector in CLICKS:  # warm: each fragment once
            _click(page, url, selector)
        for _ in range(rounds):
            for name, selector in CLICKS:
                clicks[name].append(_click(page, url, selector))
        browser.close()
    return {
        "tabs": {
            n: {"p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95), "n": len(v)}
            for n, v in clicks.items()
        },
        "lcp": {
            n: {"p50_ms": _pct(v, 0.5), "p95_ms": _pct(v, 0.95), "n": len(v)}
            for n, v in lcps.items()
            if v
        },
        "median_click_ms": round(statistics.median(x for v in clicks.values() for x in v), 1),
    }


def _click(page, url: str, selector: str) -> float:
    if selector.startswith("#subtab-") and page.query_selector(selector) is None:
        page.click("#tab-sessions")  # back to My Sessions for its subtabs
        page.wait_for_selector(selector)
    page.wait_for_timeout(50)  # the previous swap's follow-ups (focus, charts) are done
    return page.evaluate(CLICK_JS, selector)

"""Playwright helpers shared by the a11y, mobile and XSS browser tests."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.security.pages import Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "tests" / "tools" / "node_modules" / "axe-core" / "axe.min.js"


def new_context(browser, *, width=1280, height=800):
    return browser.new_context(
        viewport={"width": width, "height": height}, bypass_csp=True, has_touch=width < 600
    )


def open_page(browser, server_url: str, world, page: Page, *, width=1280, height=800, context=None):
    """A tab signed in as the page's persona, at `page`, with its dialog open.

    Pass a `context` to reuse one (its cache makes later pages load fast); its
    cookies are replaced. Returns (context, tab); close the context if you made it.
    """
    from tests.e2e.conftest import sign_in

    if context is None:
        context = new_context(browser, width=width, height=height)
    else:
        context.clear_cookies()
    user = world.user(page.persona)
    if user is not None:
        sign_in(context, server_url, user)
    tab = context.new_page()
    tab.set_viewport_size({"width": width, "height": height})
    response = tab.goto(server_url + page.url(world), wait_until="load")
    assert response is not None and response.status == page.status, (
        f"{page.name}: {page.url(world)} answered {response and response.status}"
    )
    if page.dialog:
        open_dialog(tab, page.dialog_url(world))
    return context, tab


def open_dialog(tab, url: str) -> None:
    tab.evaluate("url => htmx.ajax('GET', url, {target: '#dialog-slot', swap: 'innerHTML'})", url)
    expect(tab.locator("dialog[open]")).to_be_visible()


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                                                    (n.failureSummary || '').slice(0, 200))}));
}"""


def axe_violations(tab) -> list[dict]:
    if not AXE.exists():
        raise RuntimeError(f"{AXE} missing: run scripts/ensure-quality-tools")
    tab.add_script_tag(path=str(AXE))
    return tab.evaluate(AXE_RUN)


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        lines += [f"      {node}" for node in v["nodes"]]
    return "\n".join(lines)

"""/api/docs/: Swagger UI served by us (no CDN), working under our enforced CSP."""

from playwright.sync_api import expect


def test_api_docs_render_offline_under_the_csp(server_url, browser):
    context = browser.new_context(bypass_csp=False)  # the real CSP, as a visitor gets it
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    outside = []
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(server_url) else None,
    )
    page.goto(f"{server_url}/api/docs/")
    # Operations appear only once the bundle ran and fetched /api/schema/.
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    expect(page.get_by_text("MentorHub API").first).to_be_visible()
    assert page.locator(".opblock-summary-path", has_text="/api/payouts/").count() >= 1
    assert outside == [], f"requests left the server: {outside}"
    assert not [p for p in problems if "Content Security Policy" in p], problems
    context.close()

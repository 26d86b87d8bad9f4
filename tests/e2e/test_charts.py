"""Charts with scales and one money style (#18), at 360×740 and 1280×900.

Each bar's accessible name is its month and the API's figure; labels are at
least 11 px; focusing a bar (keyboard) shows its value; every amount on the
Earnings and Analytics tabs reads "USD 1,234.50" with a no-break space.
"""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from core.formatting import money_label
from tests.analytics.builders import ago, booking, ledger, session
from tests.conftest import make_user
from tests.e2e.conftest import (
    SCREENSHOTS,
    no_horizontal_overflow,
    screenshot,
    sideways_scrollers,
    sign_in,
)
from tests.security.browser import axe_violations, describe

SIZES = [(360, 740), (1280, 900)]
MONEY = re.compile(r"^[A-Z]{3}\u00a0-?[\d,]+\.\d{2}$")
ANALYTICS = "/mentor/dashboard/analytics/?period=365d"
EARNINGS = "/mentor/dashboard/earnings/"

# Every visible text of a chart (axis ticks, month names, years, values) and the heatmap.
CHART_TEXT_SIZES = """() => [...document.querySelectorAll('[data-chart] *')].filter(el =>
    [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) &&
    el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden' &&
    !el.closest('.sr-only')).map(el => [el.textContent.trim(), parseFloat(getComputedStyle(el).fontSize)])"""
# Each number with cents in the page's text and accessible names, with what precedes it.
AMOUNTS = r"""() => {
  const found = [], re = /(.{0,4})(-?\d[\d,]*\.\d{2})(?!\d)/g;
  const scan = s => { for (const m of s.matchAll(re)) found.push(m[1] + m[2]); };
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const p = walk.currentNode.parentElement;
    if (p && !['SCRIPT', 'STYLE'].includes(p.tagName)) scan(walk.currentNode.textContent);
  }
  document.querySelectorAll('[aria-label]').forEach(el => scan(el.getAttribute('aria-label')));
  return found;
}"""


def _data():
    mentor = make_user("chart_mentor", "mentor", timezone="America/Sao_Paulo")
    learners = [make_user(f"chart_learner_{i}") for i in range(3)]
    for days in (2, 9, 40, 75, 130, 200, 200, 290, 358):
        s = session(mentor, ago(days=days), title=f"Session {days}")
        for learner in learners[: 1 + days % 3]:
            booking(s, learner)
    for days, amount in ((2, "1234.50"), (40, "990.00"), (75, "45.00"), (358, "120.25")):
        ledger(mentor, amount, created_at=ago(days=days))
    ledger(mentor, "-10.00", created_at=ago(days=130))  # a refund month: negative net
    ledger(mentor, "10000.00", created_at=ago(days=400))  # totals above 10,000 fit a phone
    return mentor


def _month_label(key: str) -> str:
    return dt.datetime.strptime(key, "%Y-%m").strftime("%b %Y")


def _current(page) -> str:
    return page.locator("[data-current]").first.get_attribute("data-month")


def _check_names(page, chart: str, expected: dict[str, str]):
    bars = page.locator(f'[data-chart="{chart}"] [role="img"][data-month]')
    expect(bars).to_have_count(len(expected))
    current = _current(page)
    for i in range(len(expected)):
        bar = bars.nth(i)
        month = bar.get_attribute("data-month")
        name = f"{_month_label(month)}: {expected[month]}"
        if month == current:
            name += " (this month)"
        assert bar.get_attribute("aria-label") == name
        assert bar.get_attribute("tabindex") == "0"


def _check_labels_and_focus(page, chart: str, width: int):
    sizes = page.evaluate(CHART_TEXT_SIZES)
    assert sizes and all(size >= 11 for _text, size in sizes), [s for s in sizes if s[1] < 11]
    bars = page.locator(f'[data-chart="{chart}"] [role="img"][data-month]')
    middle = bars.count() // 2
    bars.nth(middle - 1).focus()
    page.keyboard.press("Tab")  # the keyboard walks bar by bar
    bar = bars.nth(middle)
    expect(bar).to_be_focused()
    tip = bar.locator("[data-tooltip]")
    expect(tip).to_be_visible()
    expect(tip).to_have_text(bar.get_attribute("aria-label"))
    box = tip.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    figure = page.locator(f'figure[data-chart="{chart}"]').first
    figure.screenshot(path=str(SCREENSHOTS / f"charts-{chart}-focus-{width}.png"))
    last = bars.last
    last.focus()
    box = last.locator("[data-tooltip]").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    # The y-axis has round ticks from 0.
    ticks = page.locator(f'[data-chart="{chart}"] [data-axis="y"] span.absolute')
    assert ticks.first.inner_text() == "0" and ticks.count() >= 2


def _check_money(page, selectors: list[str]):
    for selector in selectors:
        texts = page.locator(selector).all_inner_texts()
        assert texts, selector
        for text in texts:
            assert MONEY.match(text.strip()), (selector, text)
    for amount in page.evaluate(AMOUNTS):
        assert re.match(r"^[A-Z]{3}\u00a0", amount), amount


@pytest.mark.parametrize("width, height", SIZES)
def test_analytics_charts_have_scales_and_the_apis_values(server_url, browser, width, height):
    mentor = _data()
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    sign_in(context, server_url, mentor)
    page = context.new_page()
    api = page.request.get(f"{server_url}/api/analytics/?period=365d").json()
    page.goto(server_url + ANALYTICS)
    expect(page.locator('[data-chart="sessions"]')).to_be_visible()

    sessions = {
        m["month"]: f"{m['sessions']} session{'' if m['sessions'] == 1 else 's'}"
        for m in api["monthly"]
    }
    earnings = {
        m["month"]: f"{money_label(Decimal(m['earnings']), api['currency'])} net"
        for m in api["monthly"]
    }
    _check_names(page, "sessions", sessions)
    _check_names(page, "earnings", earnings)
    # 13 months: the first and last share a name, told apart by their year.
    bars = page.locator('[data-chart="sessions"] [role="img"][data-month]')
    first, last = bars.first.get_attribute("aria-label"), bars.last.get_attribute("aria-label")
    assert first[:3] == last[:3] and first[4:8] != last[4:8]
    assert last.endswith("(this month)")
    years = page.locator('[data-chart="sessions"] [data-axis="x"] span span:visible')
    assert {first[4:8], last[4:8]} <= set(years.all_inner_texts())

    _check_labels_and_focus(page, "sessions", width)
    _check_money(page, ['[data-card="earnings"] dd >> nth=0'])
    assert not sideways_scrollers(page), sideways_scrollers(page)
    assert no_horizontal_overflow(page)
    violations = axe_violations(page)  # serious or critical
    assert not violations, describe(violations)
    page.locator('[data-chart="earnings"] [role="img"][data-month]').last.focus()
    screenshot(page, f"charts-analytics-{width}")
    # The same figures as a table: amounts in the one style, still no sideways scroller.
    page.get_by_text("Show as a table").click()
    expect(page.get_by_role("table", name=re.compile("per month"))).to_be_visible()
    _check_money(page, ['[aria-labelledby="monthly-heading"] tbody td:last-child'])
    assert not sideways_scrollers(page), sideways_scrollers(page)
    screenshot(page, f"charts-analytics-table-{width}")
    context.close()


@pytest.mark.parametrize("width, height", SIZES)
def test_the_earnings_chart_has_a_scale_and_one_money_style(server_url, browser, width, height):
    mentor = _data()
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    sign_in(context, server_url, mentor)
    page = context.new_page()
    api = page.request.get(f"{server_url}/api/earnings/").json()
    page.goto(server_url + EARNINGS)
    chart = page.locator('[data-chart="earnings"]')
    expect(chart).to_be_visible()

    expected = {
        m["month"]: f"{money_label(Decimal(m['net']), api['currency'])} net" for m in api["monthly"]
    }
    _check_names(page, "earnings", expected)
    assert _current(page) == api["monthly"][-1]["month"]
    ticks = chart.locator('[data-axis="y"] span.absolute').all_inner_texts()
    assert ticks == ["0", "500", "1,000", "1,500"]  # round money ticks up to 1,234.50

    _check_labels_and_focus(page, "earnings", width)
    _check_money(
        page,
        [
            "[data-summary]",
            "#monthly-table td[data-label=Gross]",
            "#monthly-table td[data-label=Fee]",
            "#monthly-table td[data-label=Net]",
            "#session-earnings [data-key-figure]",
        ],
    )
    overflowing = page.evaluate(
        "[...document.querySelectorAll('[data-summary], [data-key-figure]')]"
        ".filter(el => el.scrollWidth > el.clientWidth + 1).map(el => el.textContent)"
    )
    assert not overflowing, overflowing  # an amount never spills out of its card
    assert not sideways_scrollers(page), sideways_scrollers(page)
    assert no_horizontal_overflow(page)
    violations = axe_violations(page)  # serious or critical
    assert not violations, describe(violations)
    chart.locator('[role="img"][data-month]').last.focus()
    screenshot(page, f"charts-earnings-{width}")
    context.close()

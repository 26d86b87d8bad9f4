"""At 360×740 every page fits: no sideways scrolling, 44 px touch targets, dialogs on screen.

Screenshots of every page land in tests/e2e/screenshots/mobile-*.png (CI artifacts).
"""

import re

import pytest

from tests.e2e.conftest import no_horizontal_overflow, screenshot, sideways_scrollers
from tests.security.browser import new_context, open_page
from tests.security.builders import build_world
from tests.security.pages import PAGES, page_ids

WIDTH, HEIGHT = 360, 740
MIN_TARGET = 44


@pytest.fixture(scope="module")
def phone(browser):
    context = new_context(browser, width=WIDTH, height=HEIGHT)
    yield context
    context.close()


def _overflowing_elements(tab) -> list[str]:
    """What sticks out to the right (to make a failure easy to fix)."""
    return tab.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(el => {
              const r = el.getBoundingClientRect();
              if (r.width === 0 || r.right <= window.innerWidth + 1) return false;
              // Content inside a horizontal scroller is fine (tab bar, wide tables).
              for (let p = el.parentElement; p; p = p.parentElement) {
                const s = getComputedStyle(p);
                if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) return false;
              }
              return true;
            }).slice(0, 8).map(el => el.tagName.toLowerCase() +
                (el.id ? '#' + el.id : '') + '.' + [...el.classList].slice(0, 4).join('.'))"""
    )


def _small_targets(tab, names: list[str]) -> list[str]:
    small = []
    for name in names:
        pattern = re.compile(f"^{re.escape(name)}")
        targets = tab.get_by_role("button", name=pattern).or_(
            tab.get_by_role("link", name=pattern).or_(tab.get_by_role("tab", name=pattern))
        )
        if not any(targets.nth(i).is_visible() for i in range(targets.count())):
            small.append(f"{name!r} not found on the page")
        for i in range(targets.count()):
            target = targets.nth(i)
            if not target.is_visible():
                continue
            box = target.bounding_box()
            if box and (box["height"] < MIN_TARGET - 0.5 or box["width"] < MIN_TARGET - 0.5):
                small.append(f"{name!r} is {box['width']:.0f}×{box['height']:.0f} px")
    return small


def _dialog_problems(tab) -> list[str]:
    return tab.evaluate(
        """() => [...document.querySelectorAll('dialog[open]')].flatMap(d => {
              const r = d.getBoundingClientRect(), problems = [];
              if (r.left < -1 || r.right > window.innerWidth + 1)
                problems.push(`dialog is ${Math.round(r.width)} px wide, screen ${window.innerWidth}`);
              if (r.top < -1 || r.bottom > window.innerHeight + 1)
                problems.push(`dialog is ${Math.round(r.height)} px tall, screen ${window.innerHeight}`);
              if (d.scrollWidth > d.clientWidth + 1) problems.push('dialog content scrolls sideways');
              return problems;
            })"""
    )


@pytest.mark.parametrize("page_spec", PAGES, ids=page_ids())
def test_page_fits_a_360px_phone(server_url, browser, phone, page_spec):
    world = build_world()
    missing = page_spec.missing_route(world)
    if missing:
        pytest.skip(f"{missing} does not exist yet (its feature has not landed)")
    _context, tab = open_page(
        browser, server_url, world, page_spec, width=WIDTH, height=HEIGHT, context=phone
    )
    try:
        screenshot(tab, f"mobile-{page_spec.name}")
        problems = []
        if not no_horizontal_overflow(tab):
            problems.append(f"scrolls sideways; too wide: {_overflowing_elements(tab)}")
        scrollers = sideways_scrollers(tab)  # issue #18: no sideways scroller at all
        if scrollers:
            problems.append(f"elements scroll sideways or stick out: {scrollers}")
        names = [page_spec.primary] if page_spec.primary else []
        if page_spec.path.startswith("/mentor/dashboard") and page_spec.status == 200:
            names += ["My Sessions", "Requests", "Earnings", "Analytics", "Profile"]
        if page_spec.dialog:
            names = []  # the page behind is inert; check the dialog's own buttons
            buttons = tab.locator("dialog[open] button:visible")
            for i in range(buttons.count()):
                box = buttons.nth(i).bounding_box()
                label = (buttons.nth(i).text_content() or "").strip() or "(icon)"
                if box and box["height"] < MIN_TARGET - 0.5:
                    problems.append(f"dialog button {label!r} is {box['height']:.0f} px tall")
            problems += _dialog_problems(tab)
        problems += _small_targets(tab, names)
    finally:
        tab.close()
    assert not problems, f"{page_spec.name} at {WIDTH}×{HEIGHT}: " + "; ".join(problems)

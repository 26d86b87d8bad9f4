"""Earnings in a real browser: request a payout through the confirmation step,
then an operator marks it paid and the mentor gets a toast without reload."""

from django.core.management import call_command
from playwright.sync_api import expect

from earnings.models import Payout
from tests.e2e.conftest import no_horizontal_overflow, screenshot, sideways_scrollers, sign_in
from tests.earnings.builders import completed_session, entry

URL = "/mentor/dashboard/earnings/"


def _funded(mentor, learner):
    entry(mentor, "250.00", days_ago=20)
    completed_session(mentor, [learner], price="100.00", title="Intro to DRF")  # 90.00 pending


def test_mentor_requests_a_payout_and_is_told_when_it_is_paid(server_url, page, mentor, learner):
    _funded(mentor, learner)
    sign_in(page.context, server_url, mentor)
    page.goto(f"{server_url}{URL}")
    summary = page.locator("#earnings-summary")
    expect(summary.locator('[data-summary="available"]')).to_have_text("USD\u00a0250.00")
    expect(summary.locator('[data-summary="pending"]')).to_have_text("USD\u00a090.00")
    expect(page.get_by_text("No payouts yet")).to_be_visible()
    page.evaluate("window.__marker = 'no-reload'")

    page.get_by_role("button", name="Request payout").click()
    dialog = page.get_by_role("dialog", name="Request payout")
    expect(dialog).to_be_visible()
    amount = dialog.get_by_label("Amount (USD)")
    expect(amount).to_have_value("250.00")
    expect(dialog.get_by_text("no fee is taken")).to_be_visible()

    # Above the minimum? no: errors show in the dialog, next to the field.
    amount.fill("5")
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog.get_by_text("The minimum payout is USD\u00a020.00.")).to_be_visible()
    expect(dialog.get_by_label("Amount (USD)")).to_have_attribute("aria-invalid", "true")

    dialog.get_by_label("Amount (USD)").fill("120")
    dialog.get_by_role("button", name="Continue").click()
    confirm = page.get_by_role("dialog", name="Confirm your payout")
    expect(confirm).to_contain_text(
        "You are requesting USD\u00a0120.00. Payouts are processed within 3 business days."
    )
    assert not Payout.objects.exists()
    confirm.get_by_role("button", name="Confirm payout").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#payout-flash")).to_contain_text("Payout of USD\u00a0120.00 requested")
    expect(summary.locator('[data-summary="available"]')).to_have_text("USD\u00a0130.00")
    row = page.locator("#payout-history tbody tr").first
    expect(row).to_contain_text("USD\u00a0120.00")
    expect(row.locator("[data-status]")).to_have_text("Requested")
    expect(page.get_by_role("button", name="Request payout")).to_be_focused()
    payout = Payout.objects.get()
    assert payout.amount == 120 and payout.status == "requested"
    screenshot(page, "earnings-requested")

    # The operator runs the command in another process (here: the test process).
    call_command("process_payouts", "--mark-paid", str(payout.pk), "--reference", "R1")
    toast = page.locator("#toasts [data-toast]")
    expect(toast).to_contain_text("Your payout of USD\u00a0120.00 was paid", timeout=15000)
    # The open tab follows: the history says Paid, the Paid out card counts it.
    expect(row.locator("[data-status]")).to_have_text("Paid")
    expect(summary.locator('[data-summary="paid_out"]')).to_have_text("USD\u00a0120.00")
    expect(summary.locator('[data-summary="available"]')).to_have_text("USD\u00a0130.00")
    assert page.evaluate("window.__marker") == "no-reload"


def test_the_dialog_cancels_with_escape_and_goes_back(server_url, page, mentor, learner):
    _funded(mentor, learner)
    sign_in(page.context, server_url, mentor)
    page.goto(f"{server_url}{URL}")
    page.get_by_role("button", name="Request payout").click()
    dialog = page.get_by_role("dialog", name="Request payout")
    dialog.get_by_label("Amount (USD)").fill("60.50")
    dialog.get_by_role("button", name="Continue").click()
    confirm = page.get_by_role("dialog", name="Confirm your payout")
    confirm.get_by_role("button", name="Back").click()
    expect(
        page.get_by_role("dialog", name="Request payout").get_by_label("Amount (USD)")
    ).to_have_value("60.50")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("button", name="Request payout")).to_be_focused()
    assert not Payout.objects.exists()


def test_earnings_tab_fits_a_phone(server_url, browser, mentor, learner):
    _funded(mentor, learner)
    Payout.objects.create(mentor=mentor, amount="40.00", status="paid", reference="BANK-1")
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    sign_in(context, server_url, mentor)
    page = context.new_page()
    page.goto(f"{server_url}{URL}")
    expect(page.get_by_role("heading", name="Last 12 months")).to_be_visible()
    expect(page.get_by_role("list", name="Net earnings per month")).to_be_visible()
    assert no_horizontal_overflow(page)
    page.get_by_role("button", name="Request payout").click()
    expect(page.get_by_role("dialog", name="Request payout")).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "earnings-mobile")
    context.close()


def _tables_page(browser, server_url, mentor, learner, width, height):
    _funded(mentor, learner)
    Payout.objects.create(mentor=mentor, amount="40.00", status="paid", reference="BANK-1")
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    sign_in(context, server_url, mentor)
    page = context.new_page()
    page.goto(f"{server_url}{URL}")
    expect(page.locator("#monthly-table")).to_be_attached()
    return context, page


def test_earnings_tables_become_stacked_rows_on_a_phone(server_url, browser, mentor, learner):
    context, page = _tables_page(browser, server_url, mentor, learner, 360, 740)
    assert not sideways_scrollers(page)  # issue #18: no sideways scroller
    assert no_horizontal_overflow(page)
    # The first (newest) month's Net is on screen without scrolling sideways, first in its card.
    net = page.locator("#monthly-table tbody tr").first.locator('[data-label="Net"]')
    net.scroll_into_view_if_needed()
    expect(net).to_be_visible()
    box, row = net.bounding_box(), page.locator("#monthly-table tbody tr").first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["y"] - row["y"] < 20  # the key figure leads the card
    expect(page.locator("#monthly-table thead")).to_be_hidden()
    for section in ("#session-earnings", "#payout-history"):
        first = page.locator(f"{section} tbody tr").first
        key = first.locator("[data-key-figure]")
        expect(key).to_be_visible()
        kb = key.bounding_box()
        assert kb["x"] + kb["width"] <= 360
        assert kb["y"] - first.bounding_box()["y"] < 20, section
    expect(page.locator("#payout-history tbody tr").first).to_contain_text("USD\u00a040.00")
    screenshot(page, "earnings-tables-mobile")
    context.close()


def test_earnings_tables_stay_tables_on_a_desktop(server_url, browser, mentor, learner):
    context, page = _tables_page(browser, server_url, mentor, learner, 1280, 900)
    for section in ("#monthly-table", "#session-earnings table", "#payout-history table"):
        # Queried afresh on each try: a live refresh may swap a table in the meantime
        # (an element swapped out has no computed style).
        page.wait_for_function(
            """(sel) => {
              const t = document.querySelector(sel), r = t && t.querySelector('tbody tr');
              return Boolean(r) && getComputedStyle(t).display === 'table'
                && getComputedStyle(r).display === 'table-row';
            }""",
            arg=section,
            timeout=10_000,
        )
        table = page.locator(section)
        expect(table.locator("thead")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Net").first).to_be_visible()
    assert not sideways_scrollers(page)
    screenshot(page, "earnings-tables-desktop")
    context.close()

"""Stored XSS: every payload of tests/security/xss_payloads.py in every user-controlled
text field, then every page, fragment and dialog that shows it, in Chromium with the
CSP bypassed (so escaping alone must hold): nothing runs, nothing injected survives.

Data-driven: pages of features that have not landed are skipped with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import Resolver404, resolve
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import MentorProfile, User
from notifications.models import Notification
from requests_app.models import SessionRequest
from sessions_app.models import Booking, Review, Session
from tests.conftest import make_user
from tests.e2e.conftest import sign_in
from tests.security.builders import World, build_world
from tests.security.xss_payloads import DOM_SCAN, MARKER, PAYLOADS

DASH = "/mentor/dashboard"


@dataclass
class Visit:
    user: User
    path: str
    dialog: str = ""  # loaded into #dialog-slot on top of `path`
    fragment: str = ""  # also loaded into #tab-panel with htmx (HX-Request)
    popup: tuple[str, str] | None = None  # (button to click, element it shows)


def _routes_exist(visit: Visit) -> str | None:
    for path in (visit.path, visit.dialog, visit.fragment):
        if path:
            try:
                resolve(path.split("?")[0])
            except Resolver404:
                return path
    return None


# --- Sinks: put the payloads in, say where they show ---------------------------------------


def sessions_sink(world: World) -> list[Visit]:
    """Session title, topic and description (description through the service's cleaner)."""
    from sessions_app.services import clean_description

    visits = []
    now = timezone.now()
    for i, payload in enumerate(PAYLOADS):
        session = Session.objects.create(
            mentor=world.owner,
            title=payload,
            topic=payload[:100],
            description=clean_description(payload),
            starts_at=now + timedelta(days=10 + i),
            capacity=2,
            price=Decimal("10.00"),
            status=Session.Status.SCHEDULED,
            booked_count=1,
        )
        Booking.objects.create(session=session, learner=world.learner, amount_paid=10)
        visits += [
            Visit(
                world.owner, f"{DASH}/sessions/scheduled/", dialog=f"{DASH}/sessions/{session.pk}/"
            ),
            Visit(
                world.owner,
                f"{DASH}/sessions/scheduled/",
                dialog=f"{DASH}/sessions/{session.pk}/edit/",
            ),
            Visit(world.learner, f"/sessions/{session.pk}/"),
        ]
        Session.objects.create(
            mentor=world.owner,
            title=payload,
            topic=payload[:100],
            description=clean_description(payload),
            starts_at=now + timedelta(days=40 + i),
            status=Session.Status.DRAFT,
        )
    visits += [
        Visit(world.owner, f"{DASH}/sessions/scheduled/", fragment=f"{DASH}/sessions/draft/"),
        Visit(world.learner, "/sessions/"),
        Visit(world.learner, "/"),
        Visit(world.learner, f"/mentors/{world.owner.pk}/"),
    ]
    return visits


def requests_sink(world: World) -> list[Visit]:
    """Request topic and message, decline reason, and the learners' display names."""
    visits = []
    times = [(timezone.now() + timedelta(days=d)).isoformat() for d in (5, 6)]
    for i, payload in enumerate(PAYLOADS):
        learner = make_user(f"xss_learner_{i}", User.Role.LEARNER, first_name=payload[:150])
        pending = SessionRequest.objects.create(
            learner=learner,
            mentor=world.owner,
            topic=payload[:200],
            message=payload,
            preferred_times=times,
            last_preferred_at=timezone.now() + timedelta(days=6),
        )
        SessionRequest.objects.create(
            learner=world.learner,
            mentor=world.owner,
            topic=payload[:200],
            message=payload,
            preferred_times=times,
            status=SessionRequest.Status.DECLINED,
            decline_reason=payload[:500],
            answered_at=timezone.now(),
        )
        visits += [
            Visit(world.owner, f"{DASH}/requests/", dialog=f"{DASH}/requests/{pending.pk}/accept/"),
            Visit(
                world.owner, f"{DASH}/requests/", dialog=f"{DASH}/requests/{pending.pk}/decline/"
            ),
        ]
    visits += [
        Visit(world.owner, f"{DASH}/requests/", fragment=f"{DASH}/requests/"),
        Visit(world.owner, f"{DASH}/requests/?status=declined"),
        Visit(world.learner, "/"),
    ]
    return visits


def profile_sink(world: World) -> list[Visit]:
    """Mentor display name, headline, bio (rendered and cleaned, and its source) and expertise."""
    from accounts.profile_services import clean_bio

    visits = []
    for i, payload in enumerate(PAYLOADS):
        mentor = make_user(f"xss_mentor_{i}", User.Role.MENTOR)
        bio = clean_bio(payload)  # the Markdown source is shown in the editor's textarea
        MentorProfile.objects.filter(user=mentor).update(
            display_name=payload[:100],
            headline=payload[:120],
            bio=bio.html,
            bio_markdown=bio.source,
            expertise=[payload[:40], "Python"],
            languages=[payload[:40]],
        )
        Session.objects.create(
            mentor=mentor,
            title="Open session",
            starts_at=timezone.now() + timedelta(days=3, hours=i),
            status=Session.Status.SCHEDULED,
        )
        visits += [
            Visit(world.learner, f"/mentors/{mentor.pk}/"),
            Visit(mentor, f"{DASH}/profile/", fragment=f"{DASH}/profile/"),
        ]
    visits += [Visit(world.learner, "/mentors/"), Visit(world.learner, "/sessions/")]
    return visits


def reviews_sink(world: World) -> list[Visit]:
    """Review comments on the owner's past sessions."""
    now = timezone.now()
    for i, payload in enumerate(PAYLOADS):
        session = Session.objects.create(
            mentor=world.owner,
            title=f"Past {i}",
            starts_at=now - timedelta(days=5 + i),
            status=Session.Status.COMPLETED,
            booked_count=1,
            ended_at=now - timedelta(days=5 + i),
        )
        learner = make_user(f"xss_reviewer_{i}", User.Role.LEARNER, first_name=payload[:150])
        Booking.objects.create(session=session, learner=learner, status=Booking.Status.ATTENDED)
        Review.objects.create(
            session=session, learner=learner, mentor=world.owner, rating=4, comment=payload
        )
    return [
        Visit(world.owner, f"{DASH}/analytics/", fragment=f"{DASH}/analytics/"),
        Visit(world.owner, f"{DASH}/sessions/past/"),
        Visit(world.learner, f"/mentors/{world.owner.pk}/"),
    ]


def notifications_sink(world: World) -> list[Visit]:
    """Notification titles/bodies (they quote names, topics and reasons users typed)."""
    for payload in PAYLOADS:
        for user in (world.owner, world.learner):
            Notification.objects.create(
                user=user, kind="new_request", title=payload[:200], body=payload, url="/"
            )
    return [
        Visit(world.owner, f"{DASH}/notifications/", fragment=f"{DASH}/notifications/"),
        Visit(world.owner, f"{DASH}/sessions/", popup=("#bell-button", "#bell-menu li")),
        Visit(world.learner, "/notifications/"),
    ]


SINKS = {
    "session title/topic/description": sessions_sink,
    "request topic/message/decline reason/learner name": requests_sink,
    "profile display name/headline/bio/expertise": profile_sink,
    "review comment": reviews_sink,
    "notification title/body": notifications_sink,
}


# --- The browser check -----------------------------------------------------------------------


class Watch:
    """Dialogs, console markers and requests to /xss seen by one tab."""

    def __init__(self, tab):
        self.events: list[str] = []
        tab.on("dialog", self._dialog)
        tab.on("console", self._console)
        tab.on("request", self._request)

    def _dialog(self, dialog):
        self.events.append(f"JS dialog: {dialog.message!r}")
        dialog.dismiss()

    def _console(self, message):
        if MARKER in message.text:
            self.events.append(f"console: {message.text!r}")

    def _request(self, request):
        if "/xss" in request.url.lower():
            self.events.append(f"request to {request.url}")


def _open_in_slot(tab, url: str, target: str) -> None:
    tab.evaluate(
        "([url, target]) => htmx.ajax('GET', url, {target: target, swap: 'innerHTML'})",
        [url, target],
    )


def check_visits(context, server_url: str, visits: list[Visit]) -> list[list[str]]:
    """Problems per visit. Visits of one user share a tab: a new page is loaded
    when the path changes; each fragment/dialog is swapped in and scanned on its own."""
    context.clear_cookies()
    sign_in(context, server_url, visits[0].user)
    tab = context.new_page()
    watch = Watch(tab)
    results, path, page_problems = [], None, []
    try:
        for visit in visits:
            seen = len(watch.events)
            if visit.path != path or visit.popup:
                path = visit.path
                response = tab.goto(server_url + path, wait_until="load")
                page_problems = []
                if response is None or response.status >= 500:
                    page_problems.append(f"answered {response and response.status}")
            if visit.fragment:
                _open_in_slot(tab, visit.fragment, "#tab-panel")
            if visit.dialog:
                tab.evaluate("document.querySelector('#dialog-slot').replaceChildren()")
                _open_in_slot(tab, visit.dialog, "#dialog-slot")
                expect(tab.locator("dialog[open]")).to_be_visible()
            if visit.popup:
                button, shown = visit.popup
                tab.locator(button).click()
                expect(tab.locator(shown).first).to_be_visible()
            # Let anything injected run: a load trigger, an autofocus, a hover.
            tab.mouse.move(200, 300)
            tab.wait_for_timeout(80)
            results.append(page_problems + tab.evaluate(DOM_SCAN) + watch.events[seen:])
        return results
    finally:
        tab.close()


def _batches(visits: list[Visit]) -> list[list[Visit]]:
    """Consecutive visits of the same user go together."""
    batches: list[list[Visit]] = []
    for visit in visits:
        if batches and batches[-1][-1].user == visit.user:
            batches[-1].append(visit)
        else:
            batches.append([visit])
    return batches


@pytest.fixture(scope="module")
def xss_context(browser):
    # CSP is bypassed on purpose: escaping must stop the payloads by itself.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context
    context.close()


@pytest.mark.parametrize("sink", list(SINKS), ids=list(SINKS))
def test_payloads_are_inert_wherever_the_field_is_shown(server_url, xss_context, sink):
    world = build_world()
    visits = SINKS[sink](world)
    skipped, failures, present = set(), [], []
    for visit in visits:
        missing = _routes_exist(visit)
        if missing:
            skipped.add(missing)
        else:
            present.append(visit)
    # Sessions' dialogs are listed per payload; order them by page so one tab serves many.
    present.sort(key=lambda v: (v.user.pk, v.path, bool(v.popup)))
    for batch in _batches(present):
        for visit, problems in zip(batch, check_visits(xss_context, server_url, batch)):
            if not problems:
                continue
            where = visit.path + (f" + {visit.dialog}" if visit.dialog else "")
            where += f" + fragment {visit.fragment}" if visit.fragment else ""
            failures.append(
                f"{where} as {visit.user.username}:\n    " + "\n    ".join(problems[:6])
            )
    if len(skipped) == len({v.path for v in visits} | {v.dialog for v in visits if v.dialog}):
        pytest.skip(f"no page of this sink exists yet: {sorted(skipped)}")
    assert not failures, f"{sink}: injected markup survived or ran:\n" + "\n".join(failures)


def test_a_live_pushed_notification_is_escaped_too(server_url, xss_context):
    """The toast/bell fragments pushed over the WebSocket (caught up from the database)."""
    world = build_world()
    xss_context.clear_cookies()
    sign_in(xss_context, server_url, world.owner)
    tab = xss_context.new_page()
    watch = Watch(tab)
    tab.goto(f"{server_url}{DASH}/sessions/")
    tab.wait_for_timeout(500)  # the socket says hello first
    for payload in PAYLOADS[:8]:
        Notification.objects.create(
            user=world.owner,
            kind="new_request",
            title=f"LIVE {payload}"[:200],
            body=payload,
            url="/",
            level=Notification.Level.URGENT if "svg" in payload else Notification.Level.INFO,
        )
    # The heartbeat catch-up (2 s in e2e) delivers them; the bell count shows it.
    expect(tab.locator("body")).to_contain_text("LIVE", timeout=15_000)
    tab.wait_for_timeout(300)
    problems = tab.evaluate(DOM_SCAN) + watch.events
    tab.close()
    assert not problems, "\n".join(problems)

"""The pages and dialogs the browser gates visit (a11y, mobile, XSS).

Data-driven: a page whose route does not exist yet is skipped with a reason
and is checked as soon as the feature lands.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import Resolver404, resolve


@dataclass(frozen=True)
class Page:
    name: str
    persona: str  # "anon", "owner" (mentor), "learner"
    path: str  # formatted with the World (tests/security/builders.py)
    dialog: str = ""  # a dialog URL loaded into #dialog-slot on top of `path`
    primary: str = ""  # accessible name of the page's primary action (touch target)
    status: int = 200  # expected HTTP status of `path`

    def url(self, world) -> str:
        return self.path.format(**vars(world))

    def dialog_url(self, world) -> str:
        return self.dialog.format(**vars(world))

    def missing_route(self, world) -> str | None:
        """The first of path/dialog that doesn't resolve, or None."""
        for template in (self.path, self.dialog):
            if not template or (template == self.path and self.status == 404):
                continue
            path = template.format(**vars(world)).split("?")[0]
            try:
                resolve(path)
            except Resolver404:
                return path
        return None


DASH = "/mentor/dashboard"

PAGES: list[Page] = [
    Page("login", "anon", "/login/", primary="Sign in"),
    # Joining and the account page (issue 22).
    Page("signup", "anon", "/signup/", primary="Create account"),
    Page("signup-mentor", "anon", "/signup/mentor/", primary="Send application"),
    Page("resend-verification", "anon", "/signup/resend/", primary="Send the link"),
    Page("password-reset", "anon", "/password-reset/", primary="Send the reset link"),
    Page("account-mentor", "owner", "/account/", primary="Change password"),
    Page("account-learner", "learner", "/account/", primary="Change email"),
    Page(
        "dialog-sign-out-everywhere",
        "learner",
        "/account/",
        "/account/sign-out-everywhere/",
    ),
    # Mentor dashboard: every tab and subtab.
    Page("sessions-draft", "owner", f"{DASH}/sessions/draft/", primary="Create Session"),
    Page("sessions-scheduled", "owner", f"{DASH}/sessions/scheduled/", primary="Create Session"),
    Page("sessions-past", "owner", f"{DASH}/sessions/past/"),
    Page("requests", "owner", f"{DASH}/requests/", primary="Accept"),
    Page("requests-answered", "owner", f"{DASH}/requests/?filter=answered"),
    Page("earnings", "owner", f"{DASH}/earnings/", primary="Request payout"),
    Page("analytics", "owner", f"{DASH}/analytics/"),
    Page("analytics-year", "owner", f"{DASH}/analytics/?period=365d"),
    Page("profile", "owner", f"{DASH}/profile/"),
    Page("availability", "owner", f"{DASH}/availability/", primary="Save availability"),
    Page("notifications", "owner", f"{DASH}/notifications/"),
    # Dialogs.
    Page("dialog-create-session", "owner", f"{DASH}/sessions/draft/", f"{DASH}/sessions/new/"),
    Page(
        "dialog-edit-session",
        "owner",
        f"{DASH}/sessions/draft/",
        f"{DASH}/sessions/{{draft.pk}}/edit/",
    ),
    Page(
        "dialog-view-session",
        "owner",
        f"{DASH}/sessions/scheduled/",
        f"{DASH}/sessions/{{scheduled.pk}}/",
    ),
    Page(
        "dialog-cancel-session",
        "owner",
        f"{DASH}/sessions/scheduled/",
        f"{DASH}/sessions/{{scheduled.pk}}/cancel/",
    ),
    Page(
        "dialog-accept-request",
        "owner",
        f"{DASH}/requests/",
        f"{DASH}/requests/{{request.pk}}/accept/",
    ),
    Page(
        "dialog-decline-request",
        "owner",
        f"{DASH}/requests/",
        f"{DASH}/requests/{{request.pk}}/decline/",
    ),
    Page("dialog-payout", "owner", f"{DASH}/earnings/", f"{DASH}/earnings/payout/"),
    Page(
        "dialog-delete-draft",
        "owner",
        f"{DASH}/sessions/draft/",
        f"{DASH}/sessions/{{draft.pk}}/delete/?tab=draft",
    ),
    # Learner pages.
    Page("learner-home", "learner", "/"),
    Page("catalog", "learner", "/sessions/"),
    Page("session-detail", "learner", "/sessions/{scheduled.pk}/"),
    Page("mentor-list", "learner", "/mentors/"),
    Page("mentor-detail", "learner", "/mentors/{owner.pk}/"),
    Page("request-form", "learner", "/mentors/{owner.pk}/request/"),
    Page("learner-notifications", "learner", "/notifications/"),
    Page("review-form", "learner", "/sessions/{unreviewed.pk}/review/"),
    Page("dialog-book", "learner", "/sessions/{soon.pk}/", "/sessions/{soon.pk}/book/"),
    Page(
        "dialog-cancel-booking",
        "learner",
        "/sessions/{scheduled.pk}/",
        "/sessions/{scheduled.pk}/cancel-booking/",
    ),
    Page("forbidden", "learner", f"{DASH}/sessions/", status=403),
    Page("not-found", "learner", "/no-such-page/", status=404),
    # The live room, for its mentor and a booked learner.
    Page("live-room-mentor", "owner", "/live/{live.pk}/"),
    Page("live-room-learner", "learner", "/live/{live.pk}/"),
    # What the room leaves: the mentor's notes page, the notes and chat on the details.
    Page("session-notes", "owner", "/live/{past.pk}/notes/", primary="Save notes"),
    Page("session-detail-past", "learner", "/sessions/{past.pk}/"),
    Page("dialog-session-past", "owner", f"{DASH}/sessions/past/", f"{DASH}/sessions/{{past.pk}}/"),
]


def page_ids() -> list[str]:
    return [p.name for p in PAGES]

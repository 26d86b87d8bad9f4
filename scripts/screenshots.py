"""`make screenshots`: PNGs of every dashboard tab, subtab and dialog, the learner's
pages and the live room, at 1280×900 and 360×740, into docs/screenshots/, plus an
index (docs/screenshots/README.md) so reviewers see the product without running it.

Starts its own server the way `make run` does (migrate, seed_demo --force,
collectstatic, Daphne on a free port, DEBUG off, plain HTTP, a throwaway secret key)
on a temporary SQLite database, signs in through the login form as the demo mentor
and the demo learner, and takes the shots in turn. A shot that fails is reported and
the others are still taken; the exit status is 1 when any failed.

    .venv/bin/python scripts/screenshots.py [--only SUBSTRING] [--out DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PY = sys.executable
SIZES = {1280: (1280, 900), 360: (360, 740)}
TIMEOUT_MS = 20000
MAX_HEIGHT = 8000  # px: the longest full-page shot (keeps the PNGs modest)
# Chromium's fake camera and microphone: the live room shows its preview.
CHROMIUM_ARGS = [
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"


class ShotSkipped(Exception):
    """The page has no such thing (e.g. no booking confirmation step): not a failure."""


@dataclass
class Shot:
    name: str  # file stem without the width: mentor-sessions-scheduled → …-360.png
    title: str
    user: str  # demo username, or "" for signed out
    path: str
    action: Callable | None = None  # run on the loaded page before the shot
    full_page: bool = True  # dialogs and menus: the viewport, where they sit


# --- The server ------------------------------------------------------------------


def server_env(folder: Path) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentorhub.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'screenshots.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_PLAIN_HTTP": "1",
        "DJANGO_SECRET_KEY": "screenshots-" + secrets.token_urlsafe(40),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    return env


def prepare_database(env: dict) -> None:
    for command in (
        ["migrate", "--noinput"],
        ["seed_demo", "--force"],
        ["collectstatic", "--noinput"],
    ):
        subprocess.run(
            [PY, "manage.py", *command, "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [PY, "-m", "daphne", "--access-log", "/dev/null", "-b", "127.0.0.1", "-p", str(port)]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*command, "mentorhub.asgi:application"], cwd=ROOT, env=env, stdout=out, stderr=out
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped:\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not listen within 60 s")


def demo_objects(env: dict) -> dict[str, str]:
    """Paths of the demo objects the shots open, read from the seeded database."""
    os.environ.update(
        {k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DJANGO_DEBUG")}
    )
    os.environ.update({"DJANGO_SECRET_KEY": env["DJANGO_SECRET_KEY"], "DJANGO_PLAIN_HTTP": "1"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db.models import F
    from django.urls import reverse

    from accounts.models import User
    from requests_app.models import SessionRequest
    from sessions_app.models import Booking, Session

    mentor = User.objects.get(username="mentor")
    learner = User.objects.get(username="learner")
    mine = Session.objects.filter(mentor=mentor)
    upcoming = mine.filter(status=Session.Status.SCHEDULED).order_by("starts_at")
    booked = Booking.objects.filter(learner=learner).exclude(status=Booking.Status.CANCELLED)
    booked_ids = set(booked.values_list("session_id", flat=True))
    ids = {
        "draft": mine.filter(status=Session.Status.DRAFT).first(),
        "scheduled": upcoming.first(),
        "booked": upcoming.filter(pk__in=booked_ids).first(),
        "open": upcoming.exclude(pk__in=booked_ids).filter(booked_count__lt=F("capacity")).first(),
        "request": SessionRequest.objects.filter(mentor=mentor, status="pending").first(),
    }
    paths = {"login": reverse("login"), "dashboard": reverse("dashboard")}
    paths |= {
        name: reverse(name) for name in ("home", "catalog", "mentor_list", "learner_notifications")
    }
    paths |= {name: reverse(name) for name in ("session_new", "earnings_payout", "earnings_tab")}
    paths["mentor_page"] = reverse("mentor_detail", args=[mentor.pk])
    paths["request_form"] = reverse("request_new", args=[mentor.pk])
    paths |= {
        f"sessions_{tab}": reverse("sessions_subtab", args=[tab]) for tab in ("draft", "scheduled")
    }
    paths["requests_tab"] = reverse("requests_tab")
    paths["availability"] = reverse("availability_page")
    paths |= {
        name: reverse(name)
        for name in (
            "account", "notification_preferences", "signup", "signup_mentor", "password_reset"
        )
    }  # fmt: skip
    paths |= _object_paths(ids, reverse)
    return paths


def _object_paths(ids: dict, reverse) -> dict[str, str]:
    paths = {}
    if ids["draft"]:
        paths["draft_edit"] = reverse("session_edit", args=[ids["draft"].pk])
        paths["draft_delete"] = reverse("session_delete", args=[ids["draft"].pk])
    if ids["scheduled"]:
        paths["scheduled_view"] = reverse("session_view", args=[ids["scheduled"].pk])
        paths["scheduled_cancel"] = reverse("session_cancel", args=[ids["scheduled"].pk])
        paths["scheduled_reschedule"] = reverse("session_reschedule", args=[ids["scheduled"].pk])
    for key in ("booked", "open"):
        if ids[key]:
            paths[f"{key}_session"] = reverse("session_detail", args=[ids[key].pk])
    room = ids["booked"] or ids["scheduled"]
    if room:
        paths["live_room"] = reverse("live_room", args=[room.pk])
    if ids["request"]:
        paths["accept"] = reverse("request_accept", args=[ids["request"].pk])
        paths["decline"] = reverse("request_decline", args=[ids["request"].pk])
    return paths


# --- Waiting and acting in the page -----------------------------------------------


def settle(page) -> None:
    """Until the network is quiet, htmx has swapped and settled, and fonts are in."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    with contextlib.suppress(
        PlaywrightTimeoutError
    ):  # a page that keeps polling still gets its shot
        page.wait_for_load_state("networkidle", timeout=8000)
    page.wait_for_function(SETTLED, timeout=TIMEOUT_MS)
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_timeout(350)  # dialog and indicator transitions


def open_dialog(url: str) -> Callable:
    """Click the control that loads `url` into the dialog slot, as a user would; a
    control inside a closed menu is clicked through the DOM; none at all: load it."""

    def act(page) -> None:
        clicked = page.evaluate(
            """url => {
                 const hits = [...document.querySelectorAll('[hx-get]')].filter(el => {
                   const v = el.getAttribute('hx-get');
                   return v === url || v.startsWith(url + '?');
                 });
                 const el = hits.find(e => e.offsetParent !== null) || hits[0];
                 if (el) { el.click(); return true; }
                 htmx.ajax('GET', url, {target: '#dialog-slot', swap: 'innerHTML'});
                 return false;
               }""",
            url,
        )
        page.locator("dialog[open]").first.wait_for(state="visible", timeout=TIMEOUT_MS)
        settle(page)
        if not clicked:
            print(f"    (no control on the page loads {url}; loaded it directly)")

    return act


def payout_confirm(url: str) -> Callable:
    def act(page) -> None:
        open_dialog(url)(page)
        dialog = page.locator("dialog[open]")
        dialog.get_by_role("button", name="Continue").click()
        dialog.get_by_role("button", name="Confirm payout").wait_for(timeout=TIMEOUT_MS)
        settle(page)

    return act


def bell_menu(page) -> None:
    page.locator("#bell-button").click()
    page.locator("#bell-menu").wait_for(state="visible")
    page.wait_for_function(
        "() => !document.querySelector('#bell-menu').textContent.includes('Loading…')",
        timeout=TIMEOUT_MS,
    )
    settle(page)


def booking_confirmation(page) -> None:
    """The Book button's confirmation step, if the page has one (it books otherwise)."""
    book = page.get_by_role("button", name=re.compile(r"^(Book|Reserve)", re.IGNORECASE)).first
    if not book.count():
        raise ShotSkipped("no Book button on the session page")
    book.click()
    try:
        page.locator("dialog[open]").first.wait_for(state="visible", timeout=5000)
    except Exception as exc:  # noqa: BLE001
        raise ShotSkipped("Book has no confirmation step (it booked at once)") from exc
    settle(page)


# --- What to take ------------------------------------------------------------------


def dashboard_tabs() -> list[tuple[str, str]]:
    from core.dashboard import TABS

    return [(key, str(url)) for key, _label, url in TABS]


def subtabs(page, base: str, path: str) -> list[tuple[str, str]]:
    """(key, path) of a tab's subtabs (ARIA tabs in the panel) and period links."""
    page.goto(base + path)
    settle(page)
    links = page.evaluate(
        """() => [...document.querySelectorAll(
             '#tab-panel [role=tablist] a[role=tab][href], #tab-panel nav[aria-label=Period] a[href]')]
             .map(a => [a.id, a.getAttribute('href')])"""
    )
    found = []
    for element_id, href in links:
        query = parse_qs(urlparse(href).query)
        key = next(iter(v[0] for v in query.values() if v), "") or element_id.split("-", 1)[-1]
        key = re.sub(
            r"[^a-z0-9]+", "-", (key or urlparse(href).path.rstrip("/").rsplit("/", 1)[-1]).lower()
        )
        if (key, href) not in found:
            found.append((key, href))
    return found


def mentor_tab_shots(page, base: str) -> list[Shot]:
    shots = []
    for key, path in dashboard_tabs():
        subs = subtabs(page, base, path)
        if not subs:
            shots.append(Shot(f"mentor-{key}", f"Mentor · {key.title()}", "mentor", path))
        for sub, href in subs:
            shots.append(
                Shot(
                    f"mentor-{key}-{sub}",
                    f"Mentor · {key.title()} · {sub.capitalize()}",
                    "mentor",
                    href,
                )
            )
    return shots


def mentor_dialog_shots(p: dict) -> list[Shot]:
    scheduled, draft, requests = p["sessions_scheduled"], p["sessions_draft"], p["requests_tab"]
    wanted = [
        ("session-create", "Create session", scheduled, "session_new"),
        ("session-edit", "Edit session (draft)", draft, "draft_edit"),
        ("session-delete", "Delete draft", draft, "draft_delete"),
        ("session-view", "Session details", scheduled, "scheduled_view"),
        ("session-cancel", "Cancel session (confirmation)", scheduled, "scheduled_cancel"),
        ("session-reschedule", "Reschedule session", scheduled, "scheduled_reschedule"),
        ("request-accept", "Accept request", requests, "accept"),
        ("request-decline", "Decline request", requests, "decline"),
        ("payout-request", "Request payout", p["earnings_tab"], "earnings_payout"),
    ]
    shots = [
        Shot(
            f"mentor-dialog-{name}",
            f"Mentor · dialog · {title}",
            "mentor",
            page,
            open_dialog(p[key]),
            False,
        )
        for name, title, page, key in wanted
        if key in p
    ]
    shots.append(
        Shot("mentor-dialog-payout-confirm", "Mentor · dialog · Confirm payout", "mentor",
             p["earnings_tab"], payout_confirm(p["earnings_payout"]), False)
    )  # fmt: skip
    if "availability" in p:
        shots.append(
            Shot("mentor-availability", "Mentor · Availability", "mentor", p["availability"])
        )
    shots.append(
        Shot(
            "mentor-menu-notifications",
            "Mentor · notifications menu",
            "mentor",
            scheduled,
            bell_menu,
            False,
        )
    )
    return shots


def learner_shots(p: dict) -> list[Shot]:
    pages = [
        ("home", "Home", "home"),
        ("catalogue", "Find sessions (catalogue)", "catalog"),
        ("mentors", "Mentors", "mentor_list"),
        ("mentor-page", "Mentor page", "mentor_page"),
        ("session-booked", "Session page (booked)", "booked_session"),
        ("session-open", "Session page (seats left)", "open_session"),
        ("request-form", "Request a session", "request_form"),
        ("notifications", "Notifications", "learner_notifications"),
        ("account", "Account", "account"),
        ("notification-preferences", "Notification preferences", "notification_preferences"),
    ]
    shots = [
        Shot(f"learner-{name}", f"Learner · {title}", "learner", p[key])
        for name, title, key in pages
        if key in p
    ]
    shots.append(
        Shot(
            "learner-menu-notifications",
            "Learner · notifications menu",
            "learner",
            p["home"],
            bell_menu,
            False,
        )
    )
    return shots


def last_shots(p: dict) -> list[Shot]:
    """Shots that may change the data (joining a room, booking): taken after the rest."""
    shots = [Shot("login", "Sign in", "", p["login"])]
    for key, title in (
        ("signup", "Sign up"),
        ("signup_mentor", "Apply as a mentor"),
        ("password_reset", "Password reset"),
    ):
        if key in p:
            shots.append(Shot(key.replace("_", "-"), title, "", p[key]))
    if "live_room" in p:
        shots.append(Shot("mentor-live-room", "Mentor · live room", "mentor", p["live_room"]))
        shots.append(Shot("learner-live-room", "Learner · live room", "learner", p["live_room"]))
    if "open_session" in p:
        shots.append(
            Shot("learner-dialog-booking-confirm", "Learner · dialog · Booking confirmation", "learner",
                 p["open_session"], booking_confirmation, False)
        )  # fmt: skip
    return shots


# --- Taking them ------------------------------------------------------------------


def sign_in(browser, base: str, login_path: str, username: str):
    """A browser context signed in through the login form, like a person."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    if username:
        page.goto(base + login_path)
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(os.environ.get("DEMO_PASSWORD") or "mentorhub-demo")
        page.locator("#id_password").press("Enter")
        page.wait_for_url(lambda url: login_path not in url, timeout=TIMEOUT_MS)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return context, page


def take(page, base: str, shot: Shot, width: int, out: Path) -> Path:
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[width], strict=True)))
    page.goto(base + shot.path)
    settle(page)
    if shot.action:
        shot.action(page)
    if shot.full_page:
        grow_to_page(page, width)
    path = out / f"{shot.name}-{width}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide", scale="css")
    return path


def grow_to_page(page, width: int) -> None:
    """Make the viewport as tall as the page (at most MAX_HEIGHT), then shoot the viewport.

    Playwright's full_page stitches the page under a viewport-sized window, which
    leaves sticky and fixed parts (the profile's save bar) where the first screen
    had them, on top of the content; a tall window puts them where they belong.
    """
    for _ in range(2):  # once more if the taller window made the page taller
        height = page.evaluate("() => Math.ceil(document.documentElement.scrollHeight)")
        current = page.viewport_size["height"]
        if height <= current or current >= MAX_HEIGHT:
            return
        page.set_viewport_size({"width": width, "height": min(height, MAX_HEIGHT)})
        page.wait_for_timeout(300)


def take_all(pages: dict, base: str, shots: list[Shot], out: Path) -> tuple[list, list]:
    """Every shot at every size; a failure is reported and the rest go on."""
    done, failed = [], []
    for shot in shots:
        page = pages[shot.user]
        for width in SIZES:
            page.js_errors.clear()
            try:
                path = take(page, base, shot, width, out)
            except ShotSkipped as why:
                print(f"  skipped {shot.name}: {why}")
                break
            except Exception as error:  # noqa: BLE001 - report, then take the others
                failed.append(f"{shot.name}-{width}: {str(error).splitlines()[0]}")
                print(f"  FAILED {shot.name}-{width}: {str(error).splitlines()[0]}")
                continue
            done.append((shot, width, path))
            note = f"  (script errors: {page.js_errors})" if page.js_errors else ""
            print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}{note}")
    return done, failed


def write_index(shots: list[Shot], out: Path) -> None:
    """The index lists every screen whose images are in `out`."""
    lines = [
        "# Screenshots",
        "",
        "Every dashboard tab, subtab and dialog, the learner's pages and the live room, at",
        "1280×900 (desktop) and 360×740 (phone), on the demo data. Regenerate with",
        "`make screenshots` (it starts its own server on a temporary database).",
        "",
        "| screen | 1280×900 | 360×740 |",
        "| --- | --- | --- |",
    ]
    for shot in shots:
        files = {
            w: f"{shot.name}-{w}.png" for w in SIZES if (out / f"{shot.name}-{w}.png").exists()
        }
        if not files:
            continue
        cells = [
            f'<a href="{files[w]}"><img src="{files[w]}" alt="{shot.title} at {w} px" width="{320 if w == 1280 else 120}"></a>'
            if w in files
            else "—"
            for w in SIZES
        ]
        lines.append(f"| {shot.title} (`{shot.name}`) | {cells[0]} | {cells[1]} |")
    (out / "README.md").write_text("\n".join(lines) + "\n")


def remove_stale(out: Path, shots: list[Shot]) -> None:
    """PNGs of screens that no longer exist (a shot that failed keeps its old image)."""
    wanted = {f"{shot.name}-{width}.png" for shot in shots for width in SIZES}
    for old in out.glob("*.png"):
        if old.name not in wanted:
            old.unlink()


def shoot(base: str, paths: dict, out: Path, only: str) -> tuple[list, list, list]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        executable = shutil.which("chromium") or shutil.which("chromium-browser")
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            contexts = {
                name: sign_in(browser, base, paths["login"], name)
                for name in ("mentor", "learner", "")
            }
            pages = {name: page for name, (_context, page) in contexts.items()}
            shots = mentor_tab_shots(pages["mentor"], base) + mentor_dialog_shots(paths)
            shots += learner_shots(paths) + last_shots(paths)
            chosen = [shot for shot in shots if only in shot.name]
            done, failed = take_all(pages, base, chosen, out)
        finally:
            browser.close()
    return shots, done, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="take only the shots whose name contains this")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mentorhub-screenshots-") as tmp:
        env = server_env(Path(tmp))
        print("Preparing a demo database (migrate, seed_demo, collectstatic)…")
        prepare_database(env)
        paths = demo_objects(env)
        proc, base = start_server(env, Path(tmp) / "server.log")
        print(f"Server at {base}; writing {args.out}")
        try:
            shots, done, failed = shoot(base, paths, args.out, args.only)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    if not args.only:
        remove_stale(args.out, shots)
    write_index(shots, args.out)
    print(f"{len(done)} screenshots, {len(failed)} failed; index: {args.out / 'README.md'}")
    for line in failed:
        print("  failed:", line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""`make screenshots` (scripts/screenshots.py): what it takes, how it names the files,
and the index it writes. Taking real screenshots is left to the script itself (it
starts its own server); this checks its plan and its bookkeeping without a browser."""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from tests.mentorhub.make_run import ROOT

SPEC = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts" / "screenshots.py")
shots = importlib.util.module_from_spec(SPEC)
sys.modules["screenshots"] = shots  # dataclasses look their module up
SPEC.loader.exec_module(shots)

PATHS = {
    name: f"/{name}/"
    for name in [
        "login",
        "sessions_draft",
        "sessions_scheduled",
        "requests_tab",
        "home",
        "catalog",
        "mentor_list",
        "learner_notifications",
        "session_new",
        "earnings_payout",
        "earnings_tab",
        "mentor_page",
        "request_form",
        "draft_edit",
        "draft_delete",
        "scheduled_view",
        "scheduled_cancel",
        "scheduled_reschedule",
        "availability",
        "booked_session",
        "open_session",
        "live_room",
        "accept",
        "decline",
    ]
}


def test_it_plans_every_dialog_learner_page_and_the_live_room():
    planned = (
        shots.mentor_dialog_shots(PATHS) + shots.learner_shots(PATHS) + shots.last_shots(PATHS)
    )
    names = [shot.name for shot in planned]
    assert len(names) == len(set(names))
    for name in (
        "mentor-dialog-session-create",
        "mentor-dialog-session-edit",
        "mentor-dialog-session-cancel",
        "mentor-dialog-session-reschedule",
        "mentor-availability",
        "mentor-dialog-request-accept",
        "mentor-dialog-request-decline",
        "mentor-dialog-payout-request",
        "mentor-dialog-payout-confirm",
        "mentor-menu-notifications",
        "learner-home",
        "learner-catalogue",
        "learner-mentor-page",
        "learner-session-open",
        "learner-request-form",
        "learner-dialog-booking-confirm",
        "mentor-live-room",
        "learner-live-room",
        "login",
    ):
        assert name in names
    for shot in planned:
        assert re.fullmatch(r"[a-z0-9-]+", shot.name), shot.name
        assert shot.user in ("mentor", "learner", "")
    # Dialogs and menus are shot where they sit (the viewport), pages in full.
    assert all(not s.full_page for s in planned if "-dialog-" in s.name or "-menu-" in s.name)
    assert all(s.full_page for s in planned if "-dialog-" not in s.name and "-menu-" not in s.name)


def test_a_missing_demo_object_drops_its_shot_instead_of_failing():
    partial = {k: v for k, v in PATHS.items() if k not in ("accept", "decline", "open_session")}
    names = [s.name for s in shots.mentor_dialog_shots(partial) + shots.last_shots(partial)]
    assert "mentor-dialog-request-accept" not in names
    assert "learner-dialog-booking-confirm" not in names


def test_it_plans_every_dashboard_tab():
    assert [key for key, _path in shots.dashboard_tabs()] == [
        "sessions",
        "requests",
        "earnings",
        "analytics",
        "profile",
        "notifications",
    ]


def test_the_index_shows_both_sizes_of_each_screen_it_has(tmp_path: Path):
    planned = [
        shots.Shot("mentor-earnings", "Mentor · Earnings", "mentor", "/e/"),
        shots.Shot("learner-home", "Learner · Home", "learner", "/"),
        shots.Shot("login", "Sign in", "", "/login/"),
    ]
    for name in ("mentor-earnings-1280", "mentor-earnings-360", "learner-home-1280"):
        (tmp_path / f"{name}.png").write_bytes(b"png")
    (tmp_path / "gone-1280.png").write_bytes(b"png")
    shots.remove_stale(tmp_path, planned)
    shots.write_index(planned, tmp_path)
    assert not (tmp_path / "gone-1280.png").exists()
    index = (tmp_path / "README.md").read_text()
    assert '<img src="mentor-earnings-1280.png" alt="Mentor · Earnings at 1280 px"' in index
    assert '<img src="mentor-earnings-360.png"' in index
    row = next(line for line in index.splitlines() if "`learner-home`" in line)
    assert row.endswith("| — |")  # the phone image is missing, said so
    assert "`login`" not in index  # no image at all: not listed


@pytest.mark.parametrize("target", ["screenshots"])
def test_the_makefile_and_readme_point_to_it(target):
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{target}:.*\n(\t.*\n)*\t\$\(PY\) scripts/screenshots.py$", makefile, re.M)
    assert target in makefile.split(".PHONY:", 1)[1].splitlines()[0]
    assert "docs/screenshots/README.md" in (ROOT / "README.md").read_text()

import pytest


@pytest.fixture
def media_root(settings, tmp_path):
    """Uploaded pictures go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    folder = root / "avatars"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`committed(fn, *args)`: call fn, run the after-commit callbacks it
    registered and one outbox pass (emails are sent right after the commit by
    the process's mailer thread, off in tests), like a real request would."""
    from mailer.delivery import deliver_due

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn(*args, **kwargs)
        deliver_due()
        return result

    return run

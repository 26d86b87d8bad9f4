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
    """`committed(fn, *args)`: call fn and run the after-commit callbacks it
    registered (emails are sent after commit), like a real request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run

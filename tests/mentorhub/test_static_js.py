"""Front-end code: small ES modules, one socket client, imports that resolve
after `collectstatic` with the production storage."""

import importlib.util
import posixpath
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import override_settings
from django.utils.module_loading import import_string

ROOT = Path(settings.BASE_DIR)
MAX_LINES = 400
SKIP_DIRS = {".venv", "node_modules", "staticfiles", "vendor", "static_src", "tests"}
# The page entry points: every other module must be reachable from these.
ENTRIES = ["notifications/realtime.js", "live/room.js"]
_IMPORT = re.compile(r"""^\s*import\s[^;]*?\bfrom\s+["']([^"']+)["']""", re.M)


def _our_js() -> list[Path]:
    """*/static/**/*.js of our own, without vendored or collected files."""
    found = []
    for top in ROOT.iterdir():
        if not top.is_dir() or top.name.startswith(".") or top.name in SKIP_DIRS:
            continue
        for path in top.rglob("*.js"):
            parts = path.relative_to(ROOT).parts
            if "static" in parts and not SKIP_DIRS.intersection(parts):
                found.append(path)
    return found


def test_it_keeps_every_js_file_under_400_lines():
    files = _our_js()
    assert any(p.name == "socket.js" for p in files)  # the walk finds our modules
    long = {
        str(p.relative_to(ROOT)): n
        for p in files
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_it_has_one_websocket_client():
    """Only the shared module opens sockets to our server; the others build on it.
    The one other socket speaks Janus's own protocol to the media server."""
    opening = [str(p.relative_to(ROOT)) for p in _our_js() if "new WebSocket(" in p.read_text()]
    assert sorted(opening) == ["live/static/live/janus-session.js", "static/js/socket.js"]


@pytest.mark.django_db
def test_it_loads_no_htmx_ws_extension_and_realtime_as_a_module(client):
    html = client.get("/login/").content.decode()
    assert "hx-ws" not in html and "django_htmx/ext/" not in html
    nonce = re.search(r'<script [^>]*nonce="([^"]+)"', html).group(1)
    assert f'<script type="module" src="/static/notifications/realtime.js" nonce="{nonce}">' in html


def _production_staticfiles(monkeypatch) -> dict:
    """STORAGES["staticfiles"] of mentorhub/settings.py with DEBUG off, read
    afresh (tests/settings.py swaps the backend in the shared dict)."""
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    path = ROOT / "mentorhub" / "settings.py"
    spec = importlib.util.spec_from_file_location("_production_settings", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.STORAGES["staticfiles"]


def _imports(path: Path) -> list[str]:
    return [spec for spec in _IMPORT.findall(path.read_text()) if spec.startswith(".")]


def test_collected_modules_import_files_that_exist(tmp_path, monkeypatch):
    """With the production storage, relative `import` specifiers resolve
    inside STATIC_ROOT. Django rewrites them to hashed names only when a
    manifest storage sets support_js_module_import_aggregation; should
    production move to one, this requires it."""
    backend = _production_staticfiles(monkeypatch)
    with override_settings(
        STATIC_ROOT=tmp_path, STORAGES={**settings.STORAGES, "staticfiles": backend}
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
        storage = storages["staticfiles"]
        hashed = isinstance(storage, ManifestFilesMixin)
        assert not hashed or import_string(backend["BACKEND"]).support_js_module_import_aggregation
        todo = [storage.stored_name(name) if hashed else name for name in ENTRIES]
        seen = set()
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            assert (tmp_path / name).is_file(), name
            for spec in _imports(tmp_path / name):
                todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(name), spec)))
    reached = {re.sub(r"\.[0-9a-f]{12}\.js$", ".js", name) for name in seen}
    assert {"js/socket.js", "live/media.js", "live/peer.js", "live/signaling.js"} <= reached
    assert {"live/ui.js", "live/state.js"} <= reached

"""The layers of docs/ARCHITECTURE.md hold: no app cycles, core at the bottom,
the project package (mentorhub) on top and holding only the project."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROJECT_MODULES = {
    "__init__.py",
    "asgi.py",
    "bench_views.py",
    "context_processors.py",
    "routing.py",
    "settings.py",
    "urls.py",
    "wsgi.py",
}


def test_the_import_contracts_are_kept():
    """pyproject.toml [tool.importlinter]: layers, core imports no app, no app imports
    mentorhub or analytics (function-local imports count)."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_project_package_holds_only_the_project():
    """Shared helpers go to core/, features to their app: mentorhub/ gains no module."""
    package = Path(settings.BASE_DIR) / "mentorhub"
    modules = {p.name for p in package.glob("*.py")}
    assert modules == PROJECT_MODULES

"""App code names its URLs (`reverse()`, `{% url %}`, data attributes for JS):
a quoted path that resolves to one of our routes must not creep back.

Tests keep the contract's literal paths on purpose, so they are not scanned.
"""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.urls import Resolver404, resolve

ROOT = Path(settings.BASE_DIR)
SCANNED = [
    "accounts",
    "analytics",
    "core",
    "earnings",
    "live",
    "mentorhub",
    "notifications",
    "requests_app",
    "sessions_app",
    "static/js",
    "templates",
]
SUFFIXES = {".py", ".html", ".txt", ".js"}
SKIP_PARTS = {"migrations", "__pycache__", "node_modules", "vendor", "dist"}
# Exact "/" (home) is skipped: it is everywhere as a separator (`startswith("/")`).
# The error pages (templates/4xx.html, 500.html) keep href="/" so they render
# even when resolving URLs is what failed.
SKIPPED_LITERALS = {"/"}
# (file, literal) pairs that are prefixes or protocol, not links to a page.
ALLOWED = {
    ("notifications/middleware.py", "/admin/"),  # a prefix the banner middleware skips
}
# A path in HTML/JS: right after a quote or a template tag, holding template or
# JS placeholders ({{ x }}, {x}, ${x}) that stand for one path segment.
_TEXT_PATH = re.compile(
    r"""(?:(?<=["'`])|(?<=%\}))(/(?:[^"'`\s<>{]|\{\{[^}]*\}\}|\$\{[^}]*\}|\{[^}%]*\})*)"""
)
_PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}|\$\{[^}]*\}|\{[^}%]*\}")


def _our_files() -> list[Path]:
    files = []
    for top in SCANNED:
        for path in (ROOT / top).rglob("*"):
            parts = set(path.relative_to(ROOT).parts)
            if path.suffix in SUFFIXES and not parts & SKIP_PARTS and ".min." not in path.name:
                files.append(path)
    return files


def _docstrings(tree: ast.AST) -> set[int]:
    owners = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, owners) and body and isinstance(body[0], ast.Expr):
            found.add(id(body[0].value))
    return found


def python_literals(source: str) -> list[str]:
    """String constants and f-strings (each `{…}` as "1"), without docstrings."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            skip.update(id(part) for part in node.values)
            found.append(
                "".join(p.value if isinstance(p, ast.Constant) else "1" for p in node.values)
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append(node.value)
    return found


def text_literals(source: str) -> list[str]:
    """Quoted paths in a template or script; comment lines are skipped."""
    code = (
        line
        for line in source.splitlines()
        if not line.lstrip().startswith(("//", "/*", "*", "{#"))
    )
    return [m for line in code for m in _TEXT_PATH.findall(line)]


def route_of(literal: str) -> str | None:
    """The route a literal path resolves to, or None (not a path, or not ours)."""
    path = re.split(r"[?#]|\{%", literal, maxsplit=1)[0]
    path = _PLACEHOLDER.sub("1", path)
    if not path.startswith("/") or path in SKIPPED_LITERALS:
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name or match.route


def _literals(path: Path) -> list[str]:
    source = path.read_text()
    return python_literals(source) if path.suffix == ".py" else text_literals(source)


def test_no_app_file_writes_a_route_as_a_literal_path():
    found = []
    for path in _our_files():
        name = str(path.relative_to(ROOT))
        for literal in _literals(path):
            route = route_of(literal)
            if route and (name, literal) not in ALLOWED:
                found.append(f"{name}: {literal!r} → {route}")
    assert found == [], "use reverse() / {% url %} / a data attribute:\n" + "\n".join(found)


def test_the_scan_reaches_every_kind_of_file():
    kinds = {p.suffix for p in _our_files()}
    assert {".py", ".html", ".js"} <= kinds
    assert len(_our_files()) > 100


def test_it_recognises_literal_paths_in_each_language():
    py = '"""Doc: "/live/1/"."""\nx = f"/sessions/{s.pk}/"\ny = "/mentor/dashboard/requests/"'
    # the module docstring is skipped; the f-string's {…} stands for a segment
    assert sorted(route_of(s) for s in python_literals(py)) == ["requests_tab", "session_detail"]
    html = '<a href="/sessions/{{ s.pk }}/?x=1">a</a> <a href="{% url \'catalog\' %}">b</a>'
    assert [route_of(s) for s in text_literals(html)] == ["session_detail"]
    js = 'fetch(`/live/${id}/ice/`);\n// a comment naming "/login/"\nconst ws = "/ws/live/1/";'
    assert [route_of(s) for s in text_literals(js)] == ["live_ice", None]

"""Issue #17: every Python function in the repo stays under ~60 lines.

Long functions are split into named steps under a short orchestrator; this walks the
repo's own .py files (not the venv, generated migrations or node tooling) and names
any function that grew past the limit.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 60
EXCLUDED_DIRS = {".venv", "migrations", "node_modules", ".git"}
EXCLUDED_PATHS = (ROOT / "theme" / "static_src",)


def _python_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if EXCLUDED_DIRS.intersection(rel.parts):
            continue
        if any(path.is_relative_to(excluded) for excluded in EXCLUDED_PATHS):
            continue
        files.append(path)
    return files


def _long_functions(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_LINES:
                rel = path.relative_to(root)
                found.append(f"{rel}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_the_walk_sees_the_repo_and_skips_the_excluded_dirs():
    files = {p.relative_to(ROOT).as_posix() for p in _python_files()}
    assert "bench/run.py" in files
    assert "tests/security/builders.py" in files
    assert not any(f.startswith(".venv/") or "/migrations/" in f for f in files)


def test_a_function_over_the_limit_is_reported(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    module = tmp_path / "probe.py"
    module.write_text(f"def short():\n    pass\n\n\ndef too_long():\n{body}\n    return x0\n")
    assert [hit.split()[1] for hit in _long_functions(module, tmp_path)] == ["too_long"]


def test_no_function_is_over_60_lines():
    offenders = [hit for path in _python_files() for hit in _long_functions(path)]
    assert not offenders, "functions over 60 lines:\n" + "\n".join(offenders)

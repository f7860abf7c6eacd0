"""Layering: review depends on archive (approval writes it), never the other way round. Department scope
lives in kuaiji.regions.scope, so no archive module imports kuaiji.review."""

import ast
from pathlib import Path

import kuaiji.archive


def test_no_archive_module_imports_review():
    root = Path(kuaiji.archive.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            offenders += [f"{path.name}: {name}" for name in names if name.startswith("kuaiji.review")]
    assert offenders == []

"""Audit actions are named by ``AuditAction`` members at every call site, not typed as strings: a typo
in a string would only fail when that path runs, a wrong member fails on import (and in mypy)."""

import ast
from pathlib import Path

import pytest

import kuaiji
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event

SOURCE = Path(kuaiji.__file__).parent


def _string_actions(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "record_event",
            "transition",
        ):
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    lines.append(node.lineno)
    return lines


def test_no_call_outside_the_tests_names_an_audit_action_by_a_string():
    found = {}
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        lines = _string_actions(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(SOURCE))] = lines
    assert found == {}


def test_the_check_sees_a_string_action():
    """Control case: the walk above does find a string action when there is one."""
    tree = ast.parse('record_event(action="staff.viewed_queue", actor=None)')
    assert _string_actions(tree) == [1]


@pytest.mark.django_db
def test_an_unknown_string_is_still_refused_at_run_time():
    with pytest.raises(ValueError):
        record_event(action="staff.made_up")
    assert AuditAction("staff.viewed_queue") is AuditAction.STAFF_VIEWED_QUEUE

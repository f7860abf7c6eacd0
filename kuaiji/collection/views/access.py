"""What every wizard page shares: the applicant-only gate, the open draft, the steps and the progress bar."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse

from .. import services
from ..models import Submission
from ..sections import SECTION_FORMS
from ..selectors import task_states

STEPS = [(key, title) for key, title in services.SECTION_TITLES.items()] + [("check", "核对并提交")]


def applicant_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_applicant:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def editable_submission(request) -> Submission:
    """The applicant's open submission (``services.open_submission``); 404 without one."""
    submission = services.open_submission(request.user)
    if submission is None:
        raise Http404
    return submission


def warn_conflict(request: HttpRequest) -> None:
    messages.error(
        request,
        "这份草稿刚刚在其他窗口或设备上保存过。为避免互相覆盖，本次内容没有保存；请核对下方内容后再次保存。",
    )


def step_url(key: str) -> str:
    if key in SECTION_FORMS:
        return reverse("collection:section", args=[key])
    return reverse(f"collection:{key}")


def next_step_url(section: str) -> str:
    keys = [key for key, _ in STEPS]
    return step_url(keys[keys.index(section) + 1])


def progress(submission: Submission, current: str) -> dict[str, Any]:
    """The progress bar's context: every step with its state, and where ``current`` is."""
    states = task_states(submission)
    keys = [key for key, _ in STEPS]
    return {
        "steps": [
            {
                "key": key,
                "title": title,
                "url": step_url(key),
                "state": states.get(key, ""),
                "current": key == current,
            }
            for key, title in STEPS
        ],
        "position": keys.index(current) + 1,
        "total": len(keys),
    }


__all__ = [
    "STEPS",
    "applicant_required",
    "editable_submission",
    "next_step_url",
    "progress",
    "step_url",
    "warn_conflict",
]

"""Reads across submissions that other apps and pages need."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone

from .constants import EVENT_LABELS, Status
from .models import Revision

KNOWN_EMPLOYER_FIELDS = ("employer_name", "employer_nature", "employer_division", "employer_address")


def known_employer(credit_code: str) -> dict[str, Any] | None:
    """What the latest approved record says about the unit with ``credit_code`` (name, nature, region,
    address), or None. Organisational facts only — nothing about the person who entered them."""
    if not credit_code:
        return None
    revision = (
        Revision.objects.filter(
            submission__status=Status.APPROVED, answers__employer__credit_code=credit_code
        )
        .order_by("-submitted_at")
        .only("answers")
        .first()
    )
    if revision is None:
        return None
    employer = revision.answers.get("employer", {})
    return {field: employer.get(field, "") for field in KNOWN_EMPLOYER_FIELDS}


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    label: str


def _history_key(submission: Any) -> str:
    # Every step of the history is a state change, and every state change moves the version: the
    # history of a version never changes.
    return f"submission-history:{submission.pk}:{submission.version}"


def submission_history(submission: Any, *, cached: list[HistoryEntry] | None = None) -> list[HistoryEntry]:
    """What happened to a submission, oldest first, as its applicant sees it (the pages and the API).
    ``cached`` is what the cache held for it, when the caller has read that already.

    Only the steps of the submission itself: what staff looked at is not the applicant's business."""
    from kuaiji.audit.models import AuditEvent

    key = _history_key(submission)
    cached = cache.get(key) if cached is None else cached
    if cached is not None:
        return cached
    events = AuditEvent.objects.filter(
        target_type="collection.submission", target_id=str(submission.uuid), action__in=EVENT_LABELS
    ).order_by("occurred_at", "id")
    history = [
        HistoryEntry(at=event.occurred_at, action=event.action, label=EVENT_LABELS[event.action])
        for event in events.only("occurred_at", "action")
    ]
    cache.set(key, history, 24 * 60 * 60)
    return history


@dataclass(frozen=True)
class LabelledAttachment:
    label: str
    attachment: Any


def ordered_attachments(revision: Revision) -> list[LabelledAttachment]:
    """A revision's attachments in display order (the 1-inch photo, then the order of
    ``required_attachments``, a slot no longer asked for last), each with its label. The review page,
    the staff API and the archive record all list attachments through this."""
    from .attachments import attachment_labels, display_order

    labels = attachment_labels(revision.answers)
    order = display_order(revision.answers)
    attachments = sorted(
        revision.attachments.all(),
        key=lambda item: (order.get(item.slot, len(order)), item.created_at, item.pk),
    )
    return [
        LabelledAttachment(label=labels.get(item.slot, item.slot), attachment=item) for item in attachments
    ]


def attachment_file_response(attachment: Any) -> FileResponse:
    """An attachment's file for staff who passed a gate: an image inline, anything else as a download."""
    from kuaiji.core.storage import private_file_response

    name = f"{attachment.slot}{attachment.file.name[-4:]}"
    try:
        return private_file_response(attachment.file, download_name=name, inline=True)
    except ValueError:  # not an image: sent as a download instead of shown
        return private_file_response(attachment.file, download_name=name)


@dataclass(frozen=True)
class ApplicantStatus:
    """Where an applicant's latest submission stands, as the overview page and ``GET /me/submission``
    both show it."""

    submission: Any
    history: list[HistoryEntry]
    editable: bool  # draft or returned: the wizard accepts changes
    can_change: bool  # decided, with an approved version to start a change or transfer from
    flagged_sections: set[str]
    cached_task_states: dict[str, str] | None  # read with the history; worked out only when asked for

    def task_states(self) -> dict[str, str]:
        return task_states(self.submission, cached=self.cached_task_states)


def applicant_status(user: Any) -> ApplicantStatus | None:
    """The applicant's latest submission and what they may do next; None before the first one."""
    from . import services
    from .constants import EDITABLE_STATUSES

    submission = services.latest_submission(user)
    if submission is None:
        return None
    # Both cached reads in one round trip.
    history_key, states_key = _history_key(submission), _task_states_key(submission)
    cached = cache.get_many([history_key, states_key])
    return ApplicantStatus(
        submission=submission,
        history=submission_history(submission, cached=cached.get(history_key)),
        cached_task_states=cached.get(states_key),
        editable=submission.status in EDITABLE_STATUSES,
        can_change=submission.status in (Status.APPROVED, Status.REFUSED)
        and services.latest_approved_revision(user) is not None,
        flagged_sections=services.flagged_sections(submission),
    )


def known_employer_fill(data: dict[str, Any]) -> dict[str, Any] | None:
    """The 工作单位 section's ``data`` with the unit's name, nature, region and address filled in from
    approved records, when only its unified social credit code was typed; None when nothing is filled
    (no unit, a name already typed, a code that is not valid or not known). The person checks what was
    filled before continuing."""
    from kuaiji.core.validators import clean_credit_code
    from kuaiji.regions.selectors import division_path

    if data.get("has_employer") != "yes" or data.get("employer_name"):
        return None
    try:
        code = clean_credit_code(data.get("credit_code", ""))
    except ValidationError:
        return None
    known = known_employer(code)
    if known is None:
        return None
    filled = dict(data)
    filled["employer_name"] = known["employer_name"]
    filled["employer_nature"] = known["employer_nature"]
    filled["employer_address"] = known["employer_address"]
    for index, division in enumerate(division_path(known["employer_division"])):
        filled[f"employer_division_{index}"] = division.code
    return filled


def _residence_division(submission: Any) -> str:
    personal = submission.answers.get("personal", {})
    return str(personal.get("residence_division_2") or personal.get("residence_division_1", ""))


def suggested_department(submission: Any, data: Mapping[str, Any] | None = None) -> Any:
    """The management department suggested for the 工作单位 section: the one covering the unit's county
    (the finest region given), or without a unit the one covering the residence; None when no region is
    known or no department covers it. ``data`` is what the page holds (the stored answers when None)."""
    from kuaiji.regions.selectors import department_covering

    data = submission.answers.get("employer", {}) if data is None else data
    if data.get("has_employer") == "yes":
        code = next(
            (data.get(f"employer_division_{i}") for i in (2, 1, 0) if data.get(f"employer_division_{i}")), ""
        )
    else:
        code = _residence_division(submission)
    return department_covering(code) if code else None


def initial_section_data(submission: Any, section: str) -> dict[str, Any]:
    """What a section starts with the first time: the account's name and phone for 个人信息; for 工作单位
    the department covering the residence, preselected (without JavaScript too)."""
    if section == "personal":
        user = submission.applicant
        return {"full_name": user.full_name, "mobile": user.mobile}
    if section == "employer":
        department = suggested_department(submission, {})
        return {"management_department": department.pk} if department else {}
    return {}


def basic_info_form_ready(submission: Any, *, answers: dict[str, Any] | None = None) -> bool:
    """Whether the 个人基本信息表 can be generated: every section complete and the 1-inch photo uploaded.
    ``answers`` are the submission's validated answers when the caller already has them."""
    from . import services
    from .sections import SECTION_FORMS

    answers = services.validated_answers(submission) if answers is None else answers
    return all(key in answers for key in SECTION_FORMS) and services.has_portrait(submission)


def _task_states_key(submission: Any) -> str:
    # They change only with the answers (the version), the attachments (``attachments_changed`` moves
    # ``updated_at``), the applicant's number (printed on the form) and what validation depends on
    # (today's date; divisions and departments, hence the short life).
    return (
        "task-states:"
        + hashlib.sha256(
            f"{submission.pk}:{submission.version}:{submission.updated_at.isoformat()}:"
            f"{submission.applicant.document_number}:{timezone.localdate().isoformat()}".encode()
        ).hexdigest()
    )


def task_states(submission: Any, *, cached: dict[str, str] | None = None) -> dict[str, str]:
    """The state of each task on the task list: the sections' states (需修改 where a reviewer flagged
    them), and 需修改 for the signed 个人基本信息表 once the answers changed after it was generated.
    ``cached`` is what the cache held for them, when the caller has read that already."""
    from . import form_status, services
    from .constants import SectionState

    key = _task_states_key(submission)
    cached = cache.get(key) if cached is None else cached
    if cached is not None:
        return cached
    states = services.section_states(submission, flagged=services.flagged_sections(submission))
    if form_status.signed_form_out_of_date(submission):
        states[form_status.SIGNED_FORM_SLOT] = SectionState.NEEDS_CHANGES
    cache.set(key, states, services.VALIDATION_CACHE_SECONDS)
    return states

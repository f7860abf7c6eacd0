"""The sections of a draft: building and validating each one, its state, and the attachments still missing."""

import copy
import hashlib
import json
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.core.cache import cache
from django.forms import BaseFormSet
from django.utils import timezone

from ..attachments import SlotRequirement, required_attachments
from ..constants import SectionState, Status
from ..models import Attachment, Submission
from ..sections import FORMSETS, SECTION_FORMS

SECTION_ORDER = [
    "notice",
    "personal",
    "employer",
    "education",
    "qualification",
    "attachments",
    "basic_info_form",
]
SECTION_TITLES = {
    "notice": "阅读须知",
    "personal": "个人信息",
    "employer": "工作单位与会计管理部门",
    "education": "学历信息",
    "qualification": "专业技术资格",
    "attachments": "附件上传",
    "basic_info_form": "个人基本信息表",
}
PORTRAIT_SLOT = "portrait"


@dataclass
class SectionResult:
    form: forms.Form
    formset: BaseFormSet[forms.Form] | None
    complete: bool
    answers: dict[str, Any]


def build_section(
    submission: Submission, section: str, data: dict[str, Any] | None, *, bound: bool = True
) -> SectionResult:
    """The section's form (and formset) bound to ``data`` (the stored answers when None)."""
    stored = submission.answers.get(section, {})
    data = stored if data is None else data
    form_class: Any = SECTION_FORMS[section]
    formset_class: Any
    kwargs: dict[str, Any] = {}
    if section == "personal":
        kwargs = {"applicant": submission.applicant, "verified_mobiles": stored.get("_verified_mobiles", [])}
    if not bound:
        form = form_class(initial=data, **kwargs)
        formset = None
        if section in FORMSETS:
            prefix, formset_class = FORMSETS[section]
            formset = formset_class(prefix=prefix, initial=data.get(f"_{prefix}_initial") or None)
        return SectionResult(form=form, formset=formset, complete=False, answers={})
    form = form_class(data or None, **kwargs)
    formset = None
    valid = bool(data) and form.is_valid()
    answers = form.answers() if valid else {}
    if section in FORMSETS:
        prefix, formset_class = FORMSETS[section]
        formset = formset_class(data or None, prefix=prefix)
        formset_valid = formset.is_valid() if data and f"{prefix}-TOTAL_FORMS" in data else bool(data)
        valid = valid and formset_valid
        if valid:
            answers[prefix] = [
                {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in entry.items()}
                for entry in (formset.cleaned_data if formset.is_bound else [])
                if entry and any(entry.values())
            ]
    return SectionResult(form=form, formset=formset, complete=valid, answers=answers)


# Validation builds every section's forms (and checks divisions and departments in the database): tens of
# milliseconds that every read of a draft would repeat. Its result depends only on the answers, the
# applicant's identity and today's date, so it is cached under a hash of those; what it also reads from the
# database (divisions, departments) may change meanwhile, so the entry lives briefly and submit
# re-validates from scratch (``fresh=True``).
VALIDATION_CACHE_SECONDS = 600
_VALIDATION_RULES = "v1"  # bump when a section form's rules change, so no cached result outlives them


def _validation_key(submission: Submission) -> str:
    applicant = submission.applicant
    inputs = [
        _VALIDATION_RULES,
        submission.answers,
        applicant.pk,
        applicant.document_type,
        applicant.document_number,
        applicant.full_name,
        applicant.mobile,
        timezone.localdate().isoformat(),
    ]
    encoded = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str).encode()
    return "validated-answers:" + hashlib.sha256(encoded).hexdigest()


def validated_answers(submission: Submission, *, fresh: bool = False) -> dict[str, dict[str, Any]]:
    """The validated answers of every section that is complete.

    Computed once per set of answers: kept on the instance for the rest of the request and in the cache
    for other requests; ``fresh=True`` validates again (submit does)."""
    key = _validation_key(submission)
    memo: tuple[str, dict[str, dict[str, Any]]] | None = getattr(submission, "_validated_answers", None)
    if not fresh:
        if memo is not None and memo[0] == key:
            return copy.deepcopy(memo[1])
        cached = cache.get(key)
        if cached is not None:
            submission._validated_answers = (key, cached)  # type: ignore[attr-defined]  # per-instance memo
            return copy.deepcopy(cached)
    result = {}
    for section in SECTION_FORMS:
        built = build_section(submission, section, None)
        if built.complete:
            result[section] = built.answers
    cache.set(key, result, VALIDATION_CACHE_SECONDS)
    submission._validated_answers = (key, result)  # type: ignore[attr-defined]  # per-instance memo
    return copy.deepcopy(result)


def flagged_sections(submission: Submission) -> set[str]:
    """Sections a reviewer asked to fix (the review fills this in on returned submissions)."""
    if submission.status != Status.RETURNED:
        return set()
    return set(submission.answers.get("_flagged_sections", []))


def section_states(submission: Submission, *, flagged: AbstractSet[str] = frozenset()) -> dict[str, str]:
    """未开始 / 进行中 / 已完成 / 需修改 for each section of the task list."""
    states: dict[str, str] = {}
    answers = validated_answers(submission)
    states["notice"] = SectionState.COMPLETED if submission.notice_id else SectionState.NOT_STARTED
    for section in SECTION_FORMS:
        if section in flagged:
            states[section] = SectionState.NEEDS_CHANGES
        elif section in answers:
            states[section] = SectionState.COMPLETED
        elif submission.answers.get(section):
            states[section] = SectionState.IN_PROGRESS
        else:
            states[section] = SectionState.NOT_STARTED
    if states["personal"] == SectionState.COMPLETED and not has_portrait(submission):
        states["personal"] = SectionState.IN_PROGRESS  # the 1-inch photo is part of 个人信息
    missing = missing_attachments(submission, answers=answers)
    slots = {attachment.slot for attachment in attachments_of(submission)}
    has_files = bool(slots - {PORTRAIT_SLOT})
    if not missing:
        states["attachments"] = SectionState.COMPLETED
    else:
        states["attachments"] = SectionState.IN_PROGRESS if has_files else SectionState.NOT_STARTED
    states["basic_info_form"] = (
        SectionState.COMPLETED if "basic_info_form" in slots else SectionState.NOT_STARTED
    )
    for section in ("attachments", "basic_info_form"):
        if section in flagged:
            states[section] = SectionState.NEEDS_CHANGES
    return states


def missing_attachments(
    submission: Submission, *, answers: dict[str, Any] | None = None
) -> list[SlotRequirement]:
    answers = validated_answers(submission) if answers is None else answers
    present = {attachment.slot for attachment in attachments_of(submission)}
    return [req for req in required_attachments(answers) if req.slot not in present]


class AttachmentFact(NamedTuple):
    """What the states and checks need of an attachment (not the row: no file, no model instance)."""

    pk: int
    slot: str
    sha256: str
    answers_fingerprint: str


def attachments_of(submission: Submission) -> list[AttachmentFact]:
    """The draft's attachments (oldest first in each slot) as facts, read once per instance: the states,
    the missing slots, the photo's presence and the signed form's fingerprints of one request share one
    small query. The services that add, remove or stamp an attachment call ``Submission.attachments_changed``."""
    rows: list[AttachmentFact] | None = submission.__dict__.get("_attachments_read")
    if rows is None:
        rows = [
            AttachmentFact(*values)
            for values in submission.attachments.order_by("slot", "created_at", "id").values_list(
                "pk", "slot", "sha256", "answers_fingerprint"
            )
        ]
        submission.__dict__["_attachments_read"] = rows
    return rows


def has_portrait(submission: Submission) -> bool:
    return any(fact.slot == PORTRAIT_SLOT for fact in attachments_of(submission))


def portrait_sha256(submission: Submission) -> str:
    """The current 1-inch photo's digest ("" without one): what the printed form's fingerprint takes."""
    portraits = [fact for fact in attachments_of(submission) if fact.slot == PORTRAIT_SLOT]
    return portraits[-1].sha256 if portraits else ""


def portrait_of(submission: Submission) -> Attachment | None:
    return submission.attachments.filter(slot=PORTRAIT_SLOT).order_by("-created_at", "-id").first()

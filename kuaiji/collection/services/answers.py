"""The sections of a draft: building and validating each one, its state, and the attachments still missing."""

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BaseFormSet

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


def validated_answers(submission: Submission) -> dict[str, dict[str, Any]]:
    """The validated answers of every section that is complete."""
    result = {}
    for section in SECTION_FORMS:
        built = build_section(submission, section, None)
        if built.complete:
            result[section] = built.answers
    return result


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
    if states["personal"] == SectionState.COMPLETED and portrait_of(submission) is None:
        states["personal"] = SectionState.IN_PROGRESS  # the 1-inch photo is part of 个人信息
    missing = missing_attachments(submission, answers=answers)
    has_files = submission.attachments.exclude(slot=PORTRAIT_SLOT).exists()
    if not missing:
        states["attachments"] = SectionState.COMPLETED
    else:
        states["attachments"] = SectionState.IN_PROGRESS if has_files else SectionState.NOT_STARTED
    states["basic_info_form"] = (
        SectionState.COMPLETED
        if submission.attachments.filter(slot="basic_info_form").exists()
        else SectionState.NOT_STARTED
    )
    for section in ("attachments", "basic_info_form"):
        if section in flagged:
            states[section] = SectionState.NEEDS_CHANGES
    return states


def missing_attachments(
    submission: Submission, *, answers: dict[str, Any] | None = None
) -> list[SlotRequirement]:
    answers = validated_answers(submission) if answers is None else answers
    present = set(submission.attachments.values_list("slot", flat=True))
    return [req for req in required_attachments(answers) if req.slot not in present]


def portrait_of(submission: Submission) -> Attachment | None:
    return submission.attachments.filter(slot=PORTRAIT_SLOT).order_by("-created_at").first()

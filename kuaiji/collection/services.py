"""Information collection: drafts, sections, attachments and submitting. Views (and later the API)
call these; permission is the caller's (every function takes the applicant's own submission)."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import delete_stored_file, save_clean_image
from kuaiji.regions.forms import DivisionField, DivisionWidget
from kuaiji.regions.models import Department

from .attachments import required_attachments
from .constants import EDITABLE_STATUSES, OPEN_STATUSES, SectionState, Status, SubmissionKind
from .models import Attachment, Notice, Revision, Submission
from .routing import NoDepartment, route
from .sections import FORMSETS, SECTION_FORMS
from .workflow import TransitionConflict, transition

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


class DraftConflict(Exception):
    """The draft changed since the page was opened (another tab or device saved it)."""


class NotEditable(Exception):
    pass


# --- reading ----------------------------------------------------------------------------------------------


def current_notice() -> Notice | None:
    return Notice.objects.order_by("-version").first()


def open_submission(applicant) -> Submission | None:
    return Submission.objects.filter(applicant=applicant, status__in=OPEN_STATUSES).first()


def latest_submission(applicant) -> Submission | None:
    return Submission.objects.filter(applicant=applicant).order_by("-created_at").first()


def latest_approved_revision(applicant) -> Revision | None:
    submission = (
        Submission.objects.filter(applicant=applicant, status=Status.APPROVED).order_by("-decided_at").first()
    )
    return submission.revisions.order_by("-number").first() if submission else None


@dataclass
class SectionResult:
    form: object
    formset: object | None
    complete: bool
    answers: dict


def build_section(
    submission: Submission, section: str, data: dict | None, *, bound: bool = True
) -> SectionResult:
    """The section's form (and formset) bound to ``data`` (the stored answers when None)."""
    stored = submission.answers.get(section, {})
    data = stored if data is None else data
    form_class = SECTION_FORMS[section]
    kwargs = {}
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


def validated_answers(submission: Submission) -> dict[str, dict]:
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


def section_states(submission: Submission, *, flagged: set[str] = frozenset()) -> dict[str, str]:
    """未开始 / 进行中 / 已完成 / 需修改 for each section of the task list."""
    states = {}
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


def missing_attachments(submission: Submission, *, answers: dict | None = None) -> list:
    answers = validated_answers(submission) if answers is None else answers
    present = set(submission.attachments.values_list("slot", flat=True))
    return [req for req in required_attachments(answers) if req.slot not in present]


# --- writing ------------------------------------------------------------------------------------------------


@transaction.atomic
def start_collection(applicant) -> Submission:
    """The applicant's open submission, or a new first-collection draft.

    After a decision the person starts a change instead (``start_change``)."""
    existing = open_submission(applicant)
    if existing is not None:
        return existing
    if Submission.objects.filter(applicant=applicant, status=Status.APPROVED).exists():
        raise ValidationError("您的信息已审核通过，如需修改请办理信息变更", code="already_approved")
    try:
        with transaction.atomic():
            submission = Submission.objects.create(applicant=applicant, kind=SubmissionKind.INITIAL)
    except IntegrityError:
        # Two tabs started at once: the constraint lets one through.
        return open_submission(applicant)
    record_event(action=AuditAction.SUBMISSION_STARTED, actor=applicant, target=submission)
    return submission


@transaction.atomic
def start_change(applicant, *, kind: str = SubmissionKind.CHANGE) -> Submission:
    """A change (信息变更) or a transfer (调转) opens the wizard on a copy of the approved data.

    A person has at most one open submission: no new change or transfer while one is pending."""
    if open_submission(applicant) is not None:
        raise ValidationError("您有尚未办结的信息登记，请办结后再申请变更或调转", code="open_submission")
    base = latest_approved_revision(applicant)
    if base is None:
        raise ValidationError("您还没有审核通过的信息，请先完成信息采集", code="nothing_approved")
    previous = base.submission
    answers = {section: _as_form_data(section, values) for section, values in base.answers.items()}
    try:
        with transaction.atomic():
            submission = Submission.objects.create(
                applicant=applicant,
                kind=kind,
                answers=answers,
                based_on=base,
                notice=previous.notice,
            )
    except IntegrityError as error:
        raise ValidationError(
            "您有尚未办结的信息登记，请办结后再申请变更或调转", code="open_submission"
        ) from error
    for attachment in base.attachments.all():
        # The same stored file, now also offered to the new draft (never copied, never deleted while a
        # revision points at it).
        Attachment.objects.create(
            owner=applicant,
            submission=submission,
            slot=attachment.slot,
            file=attachment.file.name,
            content_type=attachment.content_type,
            sha256=attachment.sha256,
            size=attachment.size,
            width=attachment.width,
            height=attachment.height,
            original_name=attachment.original_name,
        )
    record_event(
        action=AuditAction.SUBMISSION_TRANSFER_STARTED
        if kind == SubmissionKind.TRANSFER
        else AuditAction.SUBMISSION_CHANGE_STARTED,
        actor=applicant,
        target=submission,
    )
    return submission


def _as_form_data(section: str, values: dict) -> dict:
    """Validated answers back into the strings a form takes."""
    data = {}
    for key, value in values.items():
        if isinstance(value, bool):
            if section == "employer" and key == "has_employer":
                data[key] = "yes" if value else "no"
            elif value:
                data[key] = "on"
        elif isinstance(value, list):
            data[f"{key}-TOTAL_FORMS"] = str(len(value))
            data[f"{key}-INITIAL_FORMS"] = "0"
            for index, entry in enumerate(value):
                for field, field_value in entry.items():
                    data[f"{key}-{index}-{field}"] = "" if field_value is None else str(field_value)
        elif isinstance(SECTION_FORMS[section].base_fields.get(key), DivisionField):
            # A picker of several selects (residence_division_0 … _2), not one input.
            for index, code in enumerate(DivisionWidget().decompress(value)):
                data[f"{key}_{index}"] = code or ""
        else:
            data[key] = "" if value is None else str(value)
    return data


def _save(submission: Submission, *, expected_version: int, **changes) -> None:
    """Write ``changes`` only if nobody saved the draft since ``expected_version`` was read."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改；如需修改，请先撤回")
    updated = Submission.objects.filter(
        pk=submission.pk, version=expected_version, status__in=EDITABLE_STATUSES
    ).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    if not updated:
        raise DraftConflict()
    for field, value in changes.items():
        setattr(submission, field, value)
    submission.version = expected_version + 1


@transaction.atomic
def accept_notice(submission: Submission, *, notice: Notice, expected_version: int) -> None:
    _save(submission, expected_version=expected_version, notice=notice)


@transaction.atomic
def save_section(submission: Submission, *, section: str, data: dict, expected_version: int) -> None:
    """Keep what was typed in a section (valid or not: the task list says which)."""
    answers = dict(submission.answers)
    kept = {key: value for key, value in answers.get(section, {}).items() if key.startswith("_")}
    answers[section] = {**data, **kept}
    _unflag(answers, section)
    _save(submission, expected_version=expected_version, answers=answers)


def _unflag(answers: dict, section: str) -> None:
    """Once the person has changed a section a reviewer flagged, it no longer shows 需修改."""
    if section in answers.get("_flagged_sections", []):
        answers["_flagged_sections"] = [key for key in answers["_flagged_sections"] if key != section]


def _unflag_attachment_slot(submission: Submission, slot: str) -> None:
    section = "basic_info_form" if slot == "basic_info_form" else "attachments"
    if section in submission.answers.get("_flagged_sections", []):
        answers = dict(submission.answers)
        _unflag(answers, section)
        Submission.objects.filter(pk=submission.pk).update(answers=answers)
        submission.answers = answers


@transaction.atomic
def record_verified_mobile(submission: Submission, *, mobile: str, expected_version: int) -> None:
    answers = dict(submission.answers)
    personal = dict(answers.get("personal", {}))
    personal["_verified_mobiles"] = sorted({*personal.get("_verified_mobiles", []), mobile})
    personal["mobile"] = mobile
    answers["personal"] = personal
    _save(submission, expected_version=expected_version, answers=answers)


def _store_attachment(submission: Submission, *, slot: str, image, original_name: str) -> Attachment:
    name = save_clean_image(image, prefix="attachments")
    try:
        with transaction.atomic():
            return Attachment.objects.create(
                owner=submission.applicant,
                submission=submission,
                slot=slot,
                file=name,
                content_type=image.content_type,
                sha256=image.sha256,
                size=image.size,
                width=image.width,
                height=image.height,
                original_name=original_name[:200],
            )
    except Exception:
        delete_stored_file(name)  # no orphan file when the row could not be written
        raise


def add_attachment(submission: Submission, *, slot: str, upload) -> Attachment:
    """Check, re-encode and store one image of ``slot``. Raises ValidationError."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改附件")
    slots = {req.slot: req for req in required_attachments(validated_answers(submission))}
    if slot not in slots:
        raise ValidationError("根据您填写的信息，不需要上传这类附件", code="slot_not_required")
    if submission.attachments.filter(slot=slot).count() >= slots[slot].max_files:
        raise ValidationError(
            f"{slots[slot].label}最多上传 {slots[slot].max_files} 张", code="too_many_files"
        )
    image = clean_image_upload(upload, max_bytes=settings.KUAIJI_IMAGE_MAX_BYTES)
    attachment = _store_attachment(
        submission, slot=slot, image=image, original_name=getattr(upload, "name", "") or ""
    )
    _unflag_attachment_slot(submission, slot)
    return attachment


def set_portrait(submission: Submission, *, portrait, original_name: str = "") -> Attachment:
    """Replace the 1-inch photo with ``portrait`` (a normalised kuaiji.core.portraits.Portrait)."""
    from kuaiji.core.images import CleanImage

    image = CleanImage(
        content=portrait.content,
        format="JPEG",
        content_type="image/jpeg",
        extension=".jpg",
        width=portrait.width,
        height=portrait.height,
        size=portrait.size,
        sha256=portrait.sha256,
    )
    old = list(submission.attachments.filter(slot=PORTRAIT_SLOT))
    attachment = _store_attachment(submission, slot=PORTRAIT_SLOT, image=image, original_name=original_name)
    for previous in old:
        remove_attachment(submission, attachment=previous)
    return attachment


def portrait_of(submission: Submission) -> Attachment | None:
    return submission.attachments.filter(slot=PORTRAIT_SLOT).order_by("-created_at").first()


def remove_attachment(submission: Submission, *, attachment: Attachment) -> None:
    """Take an image out of the draft; its file is deleted unless a submitted revision still uses it."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改附件")
    name = attachment.file.name
    with transaction.atomic():
        kept_by_revision = attachment.revisions.exists()
        if kept_by_revision:
            Attachment.objects.filter(pk=attachment.pk).update(submission=None)
        else:
            attachment.delete()
        shared = Attachment.objects.filter(file=name).exists()
    if not kept_by_revision and not shared:
        transaction.on_commit(lambda: delete_stored_file(name))
    _unflag_attachment_slot(submission, attachment.slot)


@transaction.atomic
def submit(submission: Submission, *, expected_version: int, commitment_accepted: bool) -> Submission:
    """Submit (or resubmit) a draft: everything must be complete; creates an immutable revision,
    routes it and sets its due date. A second click finds it already pending and changes nothing."""
    from kuaiji.calendar.selectors import due_on

    if submission.status == Status.PENDING:
        return submission
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("该信息登记已办结")
    if not commitment_accepted:
        raise ValidationError("请阅读并勾选承诺函", code="commitment")
    answers = validated_answers(submission)
    incomplete = [SECTION_TITLES[s] for s in SECTION_FORMS if s not in answers]
    if not submission.notice_id:
        incomplete.insert(0, SECTION_TITLES["notice"])
    if incomplete:
        raise ValidationError(f"以下部分尚未完成：{'、'.join(incomplete)}", code="incomplete")
    if portrait_of(submission) is None:
        raise ValidationError("请在“个人信息”中上传一寸照片", code="portrait")
    missing = missing_attachments(submission, answers=answers)
    if missing:
        raise ValidationError(f"请上传附件：{'、'.join(req.label for req in missing)}", code="attachments")
    management_department = Department.objects.filter(
        pk=answers["employer"].get("management_department"), is_active=True
    ).first()
    releasing = _check_department_change(submission, management_department)
    try:
        department = route(kind=submission.kind, management_department=management_department)
    except NoDepartment as error:
        raise ValidationError(str(error), code="no_department") from error
    now = timezone.now()
    due = due_on(
        start=timezone.localdate(now), working_days=settings.KUAIJI_REVIEW_WORKING_DAYS[submission.kind]
    )
    number = submission.revisions.count() + 1
    try:
        transition(
            submission=submission,
            to_status=Status.PENDING,
            expected_version=expected_version,
            actor=submission.applicant,
            changes={
                "department": department,
                "submitted_at": now,
                "due_on": due,
                "decision_reason": "",
                "releasing_department": releasing,
            },
            details={"revision": number, "department": department.pk, "due_on": due.isoformat()},
        )
    except TransitionConflict:
        submission.refresh_from_db()
        if submission.status == Status.PENDING:
            return submission  # the other click won
        raise DraftConflict() from None
    revision = Revision.objects.create(
        submission=submission,
        number=number,
        answers=answers,
        notice=submission.notice,
        department=department,
        submitted_at=now,
        due_on=due,
        document_type=submission.applicant.document_type or "",
        document_number=submission.applicant.document_number or "",
        full_name=answers.get("personal", {}).get("full_name") or submission.applicant.full_name,
    )
    revision.attachments.set(submission.attachments.all())
    return submission


def _check_department_change(submission: Submission, management_department):
    """A change keeps the management department; a transfer moves to another one. Returns the
    releasing department of a transfer (None otherwise)."""
    if submission.based_on_id is None or management_department is None:
        return None
    current_id = submission.based_on.answers.get("employer", {}).get("management_department")
    if submission.kind == SubmissionKind.CHANGE and management_department.pk != current_id:
        raise ValidationError(
            "信息变更不能更换会计管理部门；调往其他会计管理部门的，请撤销本次变更后办理调转",
            code="department_changed",
        )
    if submission.kind == SubmissionKind.TRANSFER:
        if management_department.pk == current_id:
            raise ValidationError(
                "调转需要在“工作单位与会计管理部门”中选择调入的会计管理部门", code="same_department"
            )
        return Department.objects.filter(pk=current_id).first()
    return None


@transaction.atomic
def withdraw(submission: Submission) -> None:
    """A pending submission goes back to draft (only while nobody has decided it)."""
    if submission.status != Status.PENDING:
        raise NotEditable("该信息登记已不在待审核状态，无法撤回")
    try:
        transition(
            submission=submission,
            to_status=Status.DRAFT,
            expected_version=submission.version,
            actor=submission.applicant,
            action=AuditAction.SUBMISSION_WITHDRAWN,
            changes={"due_on": None, "department": None},
        )
    except TransitionConflict as error:
        raise NotEditable("该信息登记已不在待审核状态，无法撤回") from error

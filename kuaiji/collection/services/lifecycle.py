"""Starting, submitting and withdrawing a submission (a first collection, a change or a transfer)."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.regions.forms import DivisionField, DivisionWidget
from kuaiji.regions.models import Department

from ..constants import EDITABLE_STATUSES, Status, SubmissionKind
from ..identity_photos import reuse_identity_photos
from ..models import Attachment, Revision, Submission
from ..routing import NoDepartment, route
from ..sections import SECTION_FORMS
from ..windows import window_state
from ..workflow import TransitionConflict, transition
from .answers import SECTION_TITLES, has_portrait, missing_attachments, validated_answers
from .errors import DraftConflict, NotEditable
from .reading import latest_approved_revision, open_submission

if TYPE_CHECKING:
    from kuaiji.accounts.models import User


@transaction.atomic
def start_collection(applicant: "User") -> Submission:
    """The applicant's open submission, or a new first-collection draft.

    A new draft gets the registration's ID-card photos in its ID-card slots (``reuse_identity_photos``),
    only here, when it is created: the open submission is returned as it is, so a photo the person removed
    or replaced does not come back. After a decision the person starts a change instead
    (``start_change``)."""
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
        racing = open_submission(applicant)
        assert racing is not None  # the constraint refused ours: the other one exists
        return racing
    record_event(action=AuditAction.SUBMISSION_STARTED, actor=applicant, target=submission)
    reuse_identity_photos(submission)
    return submission


@transaction.atomic
def start_change(applicant: "User", *, kind: str = SubmissionKind.CHANGE) -> Submission:
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
            from_registration=attachment.from_registration,
        )
    record_event(
        action=AuditAction.SUBMISSION_TRANSFER_STARTED
        if kind == SubmissionKind.TRANSFER
        else AuditAction.SUBMISSION_CHANGE_STARTED,
        actor=applicant,
        target=submission,
    )
    return submission


def _as_form_data(section: str, values: dict[str, Any]) -> dict[str, Any]:
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


@transaction.atomic
def submit(
    submission: Submission,
    *,
    expected_version: int,
    commitment_accepted: bool,
    plausibility_confirmed: bool = False,
) -> Submission:
    """Submit (or resubmit) a draft: everything must be complete, the signed basic information form must
    be of the current answers, and plausibility warnings (if any) confirmed; creates an immutable
    revision, routes it and sets its due date. A second click finds it already pending and changes
    nothing. Pages and the API both call this, so neither can skip a check."""
    from kuaiji.calendar.selectors import due_on

    from .. import form_status
    from ..plausibility import CONFIRMATION_REQUIRED, plausibility_warnings

    if submission.status == Status.PENDING:
        return submission
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("该信息登记已办结")
    if not commitment_accepted:
        raise ValidationError("请阅读并勾选承诺函", code="commitment")
    answers = validated_answers(submission, fresh=True)  # what was checked on each save, checked again now
    incomplete = [SECTION_TITLES[s] for s in SECTION_FORMS if s not in answers]
    if not submission.notice_id:
        incomplete.insert(0, SECTION_TITLES["notice"])
    if incomplete:
        raise ValidationError(f"以下部分尚未完成：{'、'.join(incomplete)}", code="incomplete")
    if not has_portrait(submission):
        raise ValidationError("请在“个人信息”中上传一寸照片", code="portrait")
    missing = missing_attachments(submission, answers=answers)
    if missing:
        raise ValidationError(f"请上传附件：{'、'.join(req.label for req in missing)}", code="attachments")
    if form_status.signed_form_out_of_date(submission):
        raise ValidationError(form_status.out_of_date_message(submission), code="signed_form_out_of_date")
    warnings = plausibility_warnings(answers)
    if warnings and not plausibility_confirmed:
        # The API has no page above the button: the message names the warnings too.
        raise ValidationError(f"{CONFIRMATION_REQUIRED}（{'；'.join(warnings)}）", code="plausibility")
    department_pk = answers["employer"].get("management_department")
    management_department = (
        None
        if department_pk is None
        # county → prefecture → province: routing walks up without a query per level
        else Department.objects.select_related("parent__parent")
        .filter(pk=department_pk, is_active=True)
        .first()
    )
    releasing = _check_department_change(submission, management_department)
    try:
        department = route(kind=submission.kind, management_department=management_department)
    except NoDepartment as error:
        raise ValidationError(str(error), code="no_department") from error
    now = timezone.now()
    if submission.status != Status.RETURNED:  # a return asked for may always be sent back
        window = window_state(kind=submission.kind, department=management_department, now=now)
        if not window.open:
            raise ValidationError(window.message, code="window_closed")
    due = due_on(
        start=timezone.localdate(now), working_days=settings.KUAIJI_REVIEW_WORKING_DAYS[submission.kind]
    )
    number = submission.revisions.count() + 1
    applicant, notice = submission.applicant, submission.notice
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
    # The transition re-read the row; these did not change (the department is the one just routed to).
    submission.applicant, submission.department = applicant, department
    revision = Revision.objects.create(
        submission=submission,
        number=number,
        answers=answers,
        notice=notice,
        department=department,
        submitted_at=now,
        due_on=due,
        document_type=submission.applicant.document_type or "",
        document_number=submission.applicant.document_number or "",
        full_name=answers.get("personal", {}).get("full_name") or submission.applicant.full_name,
    )
    # A new revision has no attachments yet: add them without reading what it has.
    revision.attachments.add(*submission.attachments.values_list("pk", flat=True))
    return submission


def _check_department_change(
    submission: Submission, management_department: Department | None
) -> Department | None:
    """A change keeps the management department; a transfer moves to another one. Returns the
    releasing department of a transfer (None otherwise)."""
    if submission.based_on_id is None or management_department is None:
        return None
    based_on = submission.based_on
    assert based_on is not None
    current_id = based_on.answers.get("employer", {}).get("management_department")
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

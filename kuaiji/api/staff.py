"""The staff API (工作人员): sign-in with password and TOTP code, the review queue, a submission with
its images, the decision, and the archive.

Thin like the pages: the same sign-in throttling (``authenticate`` through django-axes, the address
limit of ``signin``), the same scope layer (``kuaiji.review.scope``, ``kuaiji.archive.selectors``), the
same decision service and the same audit events, each marked ``"via": "api"``.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from django_otp import user_has_device
from ninja import Field, Query, Router, Schema
from pydantic import AfterValidator, StringConstraints

from kuaiji.accounts import signin
from kuaiji.accounts.permissions import REVIEWER, has_role
from kuaiji.accounts.services import check_staff_totp
from kuaiji.archive import selectors as archive_selectors
from kuaiji.audit.models import AuditEvent
from kuaiji.audit.services import record_event
from kuaiji.calendar.selectors import working_days_between
from kuaiji.collection.attachments import required_attachments
from kuaiji.collection.constants import EducationLevel, QualificationLevel, Status
from kuaiji.collection.models import Attachment
from kuaiji.collection.sections import SECTION_FORMS
from kuaiji.core.constants import DocumentType
from kuaiji.core.http import client_ip
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number, mask_mobile
from kuaiji.review import services as review_services
from kuaiji.review.scope import (
    departments_in_scope,
    get_submission_for_review,
    submissions_to_decide,
    submissions_visible_to,
)

from .auth import StaffAuth
from .errors import ApiError, ErrorOut
from .models import ApiToken

router = Router(tags=["工作人员"])
PAGE_SIZE = 50
VIA_API = {"via": "api"}
PORTRAIT_LABEL = "一寸照片"
QUALIFICATION_LABELS = dict(QualificationLevel.choices)
EDUCATION_LABELS = dict(EducationLevel.choices)
DOCUMENT_TYPE_LABELS = dict(DocumentType.choices)


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no name, number or reason contains control characters.
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise ValueError("contains control characters")
    return value


NoControlCharacters = AfterValidator(_no_control_characters)
Username = Annotated[str, StringConstraints(min_length=1, max_length=150), NoControlCharacters]
Password = Annotated[str, StringConstraints(min_length=1, max_length=128), NoControlCharacters]
TotpCode = Annotated[str, StringConstraints(max_length=20), NoControlCharacters]
SearchText = Annotated[str, StringConstraints(max_length=60), NoControlCharacters]
DocumentNumberText = Annotated[str, StringConstraints(max_length=32), NoControlCharacters]
EmployerText = Annotated[str, StringConstraints(max_length=100), NoControlCharacters]
CreditCodeText = Annotated[str, StringConstraints(max_length=18), NoControlCharacters]
ReasonText = Annotated[str, StringConstraints(max_length=1000), NoControlCharacters]
SectionKey = Annotated[str, StringConstraints(max_length=40), NoControlCharacters]
DepartmentCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]
DEPARTMENT_HELP = "会计管理部门的行政区划代码（6 位），须在本人管辖范围内"
StatusFilter = Literal["pending", "approved", "returned", "refused"]
KindFilter = Literal["initial", "change", "transfer"]


# --- schemas -------------------------------------------------------------------------------------------


class StaffTokenIn(Schema):
    username: Username
    password: Password
    totp: TotpCode = Field(..., description="身份验证器显示的 6 位动态验证码")


class StaffTokenOut(Schema):
    token: str
    expires_at: datetime


class StaffDepartmentOut(Schema):
    code: str
    name: str


class StaffSubmissionItem(Schema):
    uuid: UUID
    kind: str
    kind_label: str
    status: str
    status_label: str
    full_name: str
    document_number: str = Field(..., description="隐藏中间位")
    department: StaffDepartmentOut | None
    submitted_at: datetime | None
    due_on: date | None
    waited_working_days: int
    overdue: bool


class StaffSubmissionPage(Schema):
    count: int
    page: int
    pages: int
    items: list[StaffSubmissionItem]


class StaffQueueFilters(Schema):
    status: StatusFilter | None = None
    kind: KindFilter | None = None
    department: DepartmentCode | None = Field(None, description=DEPARTMENT_HELP)
    submitted_from: date | None = None
    submitted_to: date | None = None
    q: SearchText = Field("", description="姓名的一部分，或完整证件号码")
    page: int = Field(1, ge=1, le=1_000_000)


class StaffRowOut(Schema):
    label: str
    value: str
    previous: str | None = Field(None, description="变更、调转：所依据的已通过版本中的值")
    changed: bool = False


class StaffSectionOut(Schema):
    key: str
    title: str
    rows: list[StaffRowOut]
    changed: bool = False


class StaffAttachmentOut(Schema):
    uuid: UUID
    slot: str
    label: str
    width: int
    height: int


class StaffHistoryOut(Schema):
    occurred_at: datetime
    action: str
    actor: str | None


class StaffSubmissionDetail(Schema):
    uuid: UUID
    reference: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    version: int = Field(..., description="作出审核决定时原样提交")
    full_name: str
    document_type: str
    document_number: str
    department: StaffDepartmentOut | None
    releasing_department: StaffDepartmentOut | None
    submitted_at: datetime | None
    due_on: date | None
    decided_at: datetime | None
    decision_reason: str
    revision: int
    is_change: bool
    can_decide: bool
    sections: list[StaffSectionOut]
    attachments: list[StaffAttachmentOut]
    history: list[StaffHistoryOut]


class StaffDecisionIn(Schema):
    outcome: Literal["approve", "return", "refuse"]
    reason: ReasonText = ""
    flagged_sections: list[SectionKey] = Field(default_factory=list, max_length=20)
    version: int = Field(..., ge=0, le=2_147_483_647)


class StaffDecisionOut(Schema):
    uuid: UUID
    status: str
    version: int
    outcome: str
    decided_at: datetime


class StaffArchiveFilters(Schema):
    name: SearchText = ""
    document_number: DocumentNumberText = Field("", description="完整号码，精确匹配")
    employer: EmployerText = ""
    credit_code: CreditCodeText = ""
    qualification_level: QualificationLevel | None = None
    education_level: EducationLevel | None = None
    department: DepartmentCode | None = Field(None, description=DEPARTMENT_HELP)
    page: int = Field(1, ge=1, le=1_000_000)


class StaffArchiveItem(Schema):
    uuid: UUID
    full_name: str
    document_number: str = Field(..., description="隐藏中间位")
    mobile: str = Field(..., description="隐藏中间四位")
    department: StaffDepartmentOut
    employer_name: str
    credit_code: str
    qualification_level: str
    qualification_level_label: str
    education_level: str
    education_level_label: str
    updated_at: datetime


class StaffArchivePage(Schema):
    count: int
    page: int
    pages: int
    items: list[StaffArchiveItem]


class StaffVersionOut(Schema):
    number: int
    approved_at: datetime
    approved_by: str
    submission_kind: str


class StaffCurrentVersionOut(StaffVersionOut):
    sections: list[StaffSectionOut]


class StaffArchiveDetail(Schema):
    uuid: UUID
    full_name: str
    document_type: str
    document_type_label: str
    document_number: str
    mobile: str
    department: StaffDepartmentOut
    employer_name: str
    credit_code: str
    qualification_level: str
    qualification_level_label: str
    education_level: str
    education_level_label: str
    updated_at: datetime
    current_version: StaffCurrentVersionOut | None
    versions: list[StaffVersionOut]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- helpers ---------------------------------------------------------------------------------------------


def _department(department) -> dict | None:
    if department is None:
        return None
    return {"code": department.division_id, "name": department.name}


def _department_in_scope(staff, code: str | None):
    """The department with this division code if it is in scope; ``False`` when it is not (no rows)."""
    if not code:
        return None
    return departments_in_scope(staff).filter(division_id=code).first() or False


def _page(queryset, number: int):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(min(number, paginator.num_pages))


def _submitted_rows(answers: dict) -> list[dict]:
    """A revision's sections as labelled rows (a section not in the answers has none), as on the page."""
    return [
        {"key": key, "title": form.title, "rows": form.rows(answers[key]) if key in answers else []}
        for key, form in SECTION_FORMS.items()
    ]


def _sections(parts: list[dict], previous: list[dict] | None = None) -> list[dict]:
    """Sections for the API; with ``previous`` (a change or transfer) each row carries the approved value
    it started from and whether it changed (rows are matched by section and label, as on the page)."""
    before = None
    if previous is not None:
        before = {(part["key"], label): value for part in previous for label, value in part["rows"]}
    result = []
    for part in parts:
        rows = []
        for label, value in part["rows"]:
            row = {"label": str(label), "value": "" if value is None else str(value)}
            if before is not None:
                old = before.get((part["key"], label))
                row["previous"] = None if old is None else str(old)
                row["changed"] = old != value
            rows.append(row)
        result.append(
            {
                "key": part["key"],
                "title": str(part["title"]),
                "rows": rows,
                "changed": any(row.get("changed") for row in rows),
            }
        )
    return result


def _forbid_without_reviewer_role(staff) -> None:
    if not has_role(staff, REVIEWER):
        raise PermissionDenied


# --- sign-in -------------------------------------------------------------------------------------------------


@router.post(
    "/tokens",
    auth=None,
    response={200: StaffTokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="登录（用户名、密码和动态验证码），取得令牌",
)
def issue_token(request, payload: StaffTokenIn):
    """The password is checked as on the sign-in page (django-axes locks the account after 5 failures; an
    address failing across many accounts is throttled), then the TOTP code; only both give a token."""
    ip = client_ip(request)
    if signin.address_is_throttled(ip):
        raise ApiError(429, "throttled", "当前网络登录失败次数过多，请 15 分钟后再试。")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            minutes = signin.minutes_until_unlocked(payload.username) or 15
            raise ApiError(429, "locked_out", f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。")
        raise ApiError(401, "wrong_credentials", "用户名或密码不正确")
    if not user.is_staff_member or user.department_id is None:
        raise ApiError(401, "wrong_credentials", "用户名或密码不正确")
    if not user_has_device(user):
        raise ApiError(
            403, "no_totp_device", "您的账号尚未绑定动态口令（身份验证器），无法登录，请联系平台管理员绑定。"
        )
    check = check_staff_totp(user=user, code=payload.totp)
    if check.wait_seconds and not check.ok:
        raise ApiError(429, "totp_throttled", f"尝试过于频繁，请在 {check.wait_seconds} 秒后再试")
    if not check.ok:
        record_event(action="staff.second_factor_failed", target=user, request=request, details=VIA_API)
        raise ApiError(401, "wrong_totp", "动态验证码不正确，请核对手机上身份验证器显示的 6 位数字")
    token, secret = ApiToken.issue(user=user, lifetime=settings.KUAIJI_API_STAFF_TOKEN_LIFETIME, client_ip=ip)
    record_event(
        action="staff.signed_in",
        actor=user,
        target=user,
        request=request,
        details={**VIA_API, "token": token.prefix},
    )
    return {"token": secret, "expires_at": token.expires_at}


# --- the review queue and a submission ----------------------------------------------------------------


@router.get(
    "/submissions", auth=StaffAuth(), response={200: StaffSubmissionPage, **ERRORS}, summary="审核列表"
)
def list_submissions(request, filters: Query[StaffQueueFilters]):
    """Submissions in the staff member's scope, the most urgent first, 50 a page. Without ``status`` every
    status is listed (drafts never). Document numbers are masked."""
    staff = request.user
    submissions = submissions_visible_to(staff).select_related("applicant", "department")
    if filters.status:
        submissions = submissions.filter(status=filters.status)
    if filters.kind:
        submissions = submissions.filter(kind=filters.kind)
    department = _department_in_scope(staff, filters.department)
    if department is False:
        submissions = submissions.none()
    elif department is not None:
        submissions = submissions.filter(department=department)
    if filters.submitted_from:
        submissions = submissions.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        submissions = submissions.filter(submitted_at__date__lte=filters.submitted_to)
    if query := filters.q.strip():
        submissions = submissions.filter(
            Q(applicant__full_name__contains=query) | Q(applicant__document_number=query.upper())
        )
    page = _page(submissions.order_by("due_on", "submitted_at", "id"), filters.page)
    today = timezone.localdate()
    items = []
    for submission in page.object_list:
        submitted_on = (
            timezone.localtime(submission.submitted_at).date() if submission.submitted_at else today
        )
        items.append(
            {
                "uuid": submission.uuid,
                "kind": submission.kind,
                "kind_label": submission.get_kind_display(),
                "status": submission.status,
                "status_label": submission.get_status_display(),
                "full_name": submission.applicant.full_name,
                "document_number": mask_document_number(submission.applicant.document_number or ""),
                "department": _department(submission.department),
                "submitted_at": submission.submitted_at,
                "due_on": submission.due_on,
                "waited_working_days": working_days_between(start=submitted_on, end=today),
                "overdue": bool(
                    submission.status == Status.PENDING and submission.due_on and submission.due_on < today
                ),
            }
        )
    record_event(
        action="staff.viewed_queue", actor=staff, request=request, details={**VIA_API, "count": len(items)}
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": items,
    }


@router.get(
    "/submissions/{submission_uuid}",
    auth=StaffAuth(),
    response={200: StaffSubmissionDetail, **ERRORS},
    summary="审核详情",
)
def submission_detail(request, submission_uuid: UUID):
    """What was submitted, section by section (for a change or transfer with the approved values it
    started from), the attachments and the history. 404 outside the staff member's scope. Audited."""
    staff = request.user
    submission = get_submission_for_review(staff, submission_uuid)
    revision = submission.revisions.order_by("-number").first()
    if revision is None:
        raise Http404
    previous = _submitted_rows(submission.based_on.answers) if submission.based_on_id else None
    labels = {req.slot: str(req.label) for req in required_attachments(revision.answers)}
    labels["portrait"] = PORTRAIT_LABEL
    attachments = [
        {
            "uuid": attachment.uuid,
            "slot": attachment.slot,
            "label": labels.get(attachment.slot, attachment.slot),
            "width": attachment.width,
            "height": attachment.height,
        }
        for attachment in revision.attachments.order_by("slot", "created_at")
    ]
    history = [
        {
            "occurred_at": event.occurred_at,
            "action": event.action,
            "actor": event.actor.full_name if event.actor else None,
        }
        for event in AuditEvent.objects.filter(
            target_type="collection.submission", target_id=str(submission.uuid)
        )
        .select_related("actor")
        .order_by("occurred_at", "id")
    ]
    can_decide = (
        submission.status == Status.PENDING
        and has_role(staff, REVIEWER)
        and submissions_to_decide(staff).filter(pk=submission.pk).exists()
    )
    record_event(
        action="staff.viewed_submission", actor=staff, target=submission, request=request, details=VIA_API
    )
    applicant = submission.applicant
    return {
        "uuid": submission.uuid,
        "reference": submission.reference,
        "kind": submission.kind,
        "kind_label": submission.get_kind_display(),
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "version": submission.version,
        "full_name": applicant.full_name,
        "document_type": applicant.document_type or "",
        "document_number": applicant.document_number or "",
        "department": _department(submission.department),
        "releasing_department": _department(submission.releasing_department),
        "submitted_at": submission.submitted_at,
        "due_on": submission.due_on,
        "decided_at": submission.decided_at,
        "decision_reason": submission.decision_reason,
        "revision": revision.number,
        "is_change": previous is not None,
        "can_decide": can_decide,
        "sections": _sections(_submitted_rows(revision.answers), previous),
        "attachments": attachments,
        "history": history,
    }


@router.get(
    "/submissions/{submission_uuid}/attachments/{attachment_uuid}/file",
    auth=StaffAuth(),
    response={200: None, **ERRORS},
    summary="附件图片",
)
def attachment_file(request, submission_uuid: UUID, attachment_uuid: UUID):
    """The image (JPEG or PNG) of an attachment of a submission in scope. Audited."""
    submission = get_submission_for_review(request.user, submission_uuid)
    attachment = Attachment.objects.filter(uuid=attachment_uuid, revisions__submission=submission).first()
    if attachment is None:
        raise Http404
    record_event(
        action="staff.viewed_attachment",
        actor=request.user,
        target=submission,
        request=request,
        details={**VIA_API, "attachment": str(attachment.uuid), "slot": attachment.slot},
    )
    name = f"{attachment.slot}{attachment.file.name[-4:]}"
    try:
        return private_file_response(attachment.file, download_name=name, inline=True)
    except ValueError:  # not an image: sent as a download instead of shown
        return private_file_response(attachment.file, download_name=name)


@router.post(
    "/submissions/{submission_uuid}/decision",
    auth=StaffAuth(),
    response={200: StaffDecisionOut, **ERRORS},
    summary="审核决定（通过、退回修改、不予通过）",
)
def decide_submission(request, submission_uuid: UUID, payload: StaffDecisionIn):
    """Only a 审核员 (403 otherwise), only for what their departments decide (404 otherwise). ``version`` is
    the submission's version the reviewer looked at: 409 ``already_decided`` when another reviewer decided
    first or the applicant withdrew. A reason is required to return or refuse (400)."""
    staff = request.user
    _forbid_without_reviewer_role(staff)
    submission = get_submission_for_review(staff, submission_uuid, to_decide=True)
    try:
        decision = review_services.decide(
            reviewer=staff,
            submission=submission,
            expected_version=payload.version,
            outcome=payload.outcome,
            reason=payload.reason,
            flagged_sections=payload.flagged_sections,
            request=request,
        )
    except review_services.AlreadyDecided:
        raise ApiError(
            409, "already_decided", "该记录已由其他审核员处理（或已被申请人撤回），本次决定未保存。"
        ) from None
    submission.refresh_from_db(fields=["status", "version"])
    return {
        "uuid": submission.uuid,
        "status": submission.status,
        "version": submission.version,
        "outcome": decision.outcome,
        "decided_at": decision.decided_at,
    }


# --- the archive ------------------------------------------------------------------------------------------


def _archive_item(record) -> dict:
    return {
        "uuid": record.uuid,
        "full_name": record.full_name,
        "document_number": mask_document_number(record.document_number),
        "mobile": mask_mobile(record.mobile),
        "department": _department(record.department),
        "employer_name": record.employer_name,
        "credit_code": record.credit_code,
        "qualification_level": record.qualification_level,
        "qualification_level_label": str(
            QUALIFICATION_LABELS.get(record.qualification_level, record.qualification_level)
        ),
        "education_level": record.education_level,
        "education_level_label": str(EDUCATION_LABELS.get(record.education_level, record.education_level)),
        "updated_at": record.updated_at,
    }


@router.get("/archive", auth=StaffAuth(), response={200: StaffArchivePage, **ERRORS}, summary="人员档案查询")
def search_archive(request, filters: Query[StaffArchiveFilters]):
    """Archive records in scope matching every filter given, newest approval first, 50 a page; document
    numbers and mobiles masked. Name and employer match a part; document number and credit code exactly.
    Audited with the filters (a typed document number masked)."""
    staff = request.user
    department = _department_in_scope(staff, filters.department)
    if department is False:
        records = archive_selectors.records_visible_to(staff).none()
    else:
        records = archive_selectors.search_archive(
            staff=staff,
            name=filters.name,
            document_number=filters.document_number,
            employer=filters.employer,
            credit_code=filters.credit_code,
            qualification_level=filters.qualification_level or "",
            education_level=filters.education_level or "",
            department_id=department.pk if department else None,
        )
    page = _page(records, filters.page)
    audit_filters = {
        key: value for key, value in filters.dict(exclude={"page"}).items() if value not in ("", None)
    }
    if "document_number" in audit_filters:
        audit_filters["document_number"] = mask_document_number(
            audit_filters["document_number"].strip().upper()
        )
    record_event(
        action="archive.searched",
        actor=staff,
        request=request,
        details={
            **VIA_API,
            "filters": {key: str(value) for key, value in audit_filters.items()},
            "count": page.paginator.count,
            "page": page.number,
        },
    )
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "items": [_archive_item(record) for record in page.object_list],
    }


def _version(version) -> dict:
    return {
        "number": version.number,
        "approved_at": version.approved_at,
        "approved_by": version.approved_by.full_name or version.approved_by.username or "",
        "submission_kind": version.revision.submission.kind,
    }


@router.get(
    "/archive/{record_uuid}",
    auth=StaffAuth(),
    response={200: StaffArchiveDetail, **ERRORS},
    summary="人员档案",
)
def archive_record(request, record_uuid: UUID):
    """A record in scope with its current version (labelled rows) and the list of its versions. Audited."""
    staff = request.user
    record = archive_selectors.get_record_for_staff(staff, record_uuid)
    versions = list(archive_selectors.versions_of(record))
    current = next((item for item in versions if item.pk == record.current_version_id), None)
    record_event(
        action="staff.viewed_archive_record",
        actor=staff,
        target=record,
        request=request,
        details={**VIA_API, "version": current.number if current else None},
    )
    return {
        **_archive_item(record),
        "document_type": record.document_type,
        "document_type_label": str(DOCUMENT_TYPE_LABELS.get(record.document_type, record.document_type)),
        "document_number": record.document_number,
        "mobile": record.mobile,
        "current_version": (
            {**_version(current), "sections": _sections(archive_selectors.section_rows(current.answers))}
            if current
            else None
        ),
        "versions": [_version(version) for version in versions],
    }

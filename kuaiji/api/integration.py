"""The API for other systems (对接系统), e.g. exam registration asking whether a person has completed
the information collection. Callers authenticate with ``X-Api-Key`` (issued in the admin), each key is
limited per minute (429) and carries scopes; every call that reaches an endpoint is audited with the key's
name, the masked document number and the outcome."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone

from ninja import Field, Query, Router, Schema

from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.constants import QualificationLevel
from kuaiji.collection.models import Submission
from kuaiji.core.constants import DocumentType
from kuaiji.core.validators import clean_document_number, mask_document_number, normalise_document_number
from kuaiji.regions.models import Department

from .auth import IntegrationKeyAuth
from .errors import ApiError, ErrorOut
from .models import IntegrationKey

router = Router(tags=["对接系统"])

COLLECTION_STATUS = "collection_status"
SCOPES = [(COLLECTION_STATUS, "查询人员信息采集状态")]
NO_SUBMISSION = "none"
QUALIFICATION_LABELS = dict(QualificationLevel.choices)


def key_has_scope(key: IntegrationKey, scope: str) -> bool:
    return isinstance(key.scopes, list) and scope in key.scopes


class CollectionStatusQuery(Schema):
    document_number: str = Field("", max_length=40, description="证件号码")
    document_type: DocumentType = Field(DocumentType.RESIDENT_ID, description="证件类型，默认居民身份证")


class IntegrationDepartmentOut(Schema):
    code: str
    name: str


class CollectionStatusOut(Schema):
    document_number: str = Field(..., description="隐藏中间位")
    completed: bool = Field(..., description="已有审核通过的人员档案")
    status: str = Field(
        ..., description="最近一次信息登记的状态（draft/pending/approved/returned/refused），没有则为 none"
    )
    qualification_level: str | None
    qualification_level_label: str | None
    department: IntegrationDepartmentOut | None = Field(..., description="管理该人员的会计管理部门")
    last_approved_at: datetime | None


def _audit(request, *, key: IntegrationKey, document_type: str, masked: str, outcome: str, target=None):
    record_event(
        action=AuditAction.INTEGRATION_COLLECTION_STATUS,
        target=target,
        request=request,
        details={
            "key": key.name,
            "key_prefix": key.prefix,
            "document_type": document_type,
            "document_number": masked,
            "outcome": outcome,
        },
    )


@router.get(
    "/collection-status",
    auth=IntegrationKeyAuth(),
    response={
        200: CollectionStatusOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="人员信息采集状态",
)
def collection_status(request, query: Query[CollectionStatusQuery]):
    """Whether the person holding this document has an approved archive record (``completed``), the state
    of their latest submission, their qualification level and managing department. Needs the
    ``collection_status`` scope (403 otherwise); an invalid number gives 400 with the validator's message."""
    key: IntegrationKey = request.integration_key
    document_type = DocumentType(query.document_type).value
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        # Once a minute is enough to show "last used"; every call would contend for the key's row.
        IntegrationKey.objects.filter(pk=key.pk).update(last_used_at=now)
    raw_masked = mask_document_number(normalise_document_number(query.document_number))
    if not key_has_scope(key, COLLECTION_STATUS):
        _audit(request, key=key, document_type=document_type, masked=raw_masked, outcome="forbidden")
        raise ApiError(403, "forbidden_scope", "该密钥没有查询信息采集状态的权限")
    try:
        number = clean_document_number(document_type, query.document_number)
    except ValidationError as error:
        _audit(request, key=key, document_type=document_type, masked=raw_masked, outcome="invalid")
        raise ApiError(
            400, "invalid_document_number", error.messages[0], {"document_number": error.messages}
        ) from None
    # Only what the answer shows: the archived answers (a JSON document per version) stay in the database.
    record = (
        ArchiveRecord.objects.filter(document_type=document_type, document_number=number)
        .select_related("department")
        .only(
            "id", "uuid", "qualification_level", "updated_at", "department__division_id", "department__name"
        )
        .annotate(approved_at=F("current_version__approved_at"))
        .first()
    )
    latest = (
        Submission.objects.filter(applicant__document_type=document_type, applicant__document_number=number)
        .order_by("-created_at", "-id")
        .values("status", "department_id")
        .first()
    )
    department: Department | None
    if record is not None:
        department = record.department
    elif latest is not None and latest["department_id"] is not None:
        department = Department.objects.only("division_id", "name").filter(pk=latest["department_id"]).first()
    else:
        department = None
    masked = mask_document_number(number)
    _audit(
        request,
        key=key,
        document_type=document_type,
        masked=masked,
        outcome="completed" if record else "not_completed",
        target=record,
    )
    level = record.qualification_level if record and record.qualification_level else None
    last_approved_at = None
    if record is not None:
        last_approved_at = record.approved_at or record.updated_at  # annotated above
    return {
        "document_number": masked,
        "completed": record is not None,
        "status": latest["status"] if latest else NO_SUBMISSION,
        "qualification_level": level,
        "qualification_level_label": str(QUALIFICATION_LABELS.get(level, level)) if level else None,
        "department": {"code": department.division_id, "name": department.name} if department else None,
        "last_approved_at": last_approved_at,
    }

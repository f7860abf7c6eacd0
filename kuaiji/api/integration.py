"""The API for other systems (对接系统), e.g. exam registration asking whether a person has completed
the information collection. Callers authenticate with ``X-Api-Key`` (issued in the admin), each key is
limited per minute (429) and carries scopes; every call that reaches an endpoint is audited with the key's
name, the masked document number and the outcome."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from ninja import Field, Query, Router, Schema

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.constants import QualificationLevel
from kuaiji.core.constants import DocumentType
from kuaiji.core.validators import clean_document_number, mask_document_number, normalise_document_number
from kuaiji.regions.selectors import department_by_pk

from .auth import IntegrationKeyAuth
from .errors import ApiError, ErrorOut
from .models import IntegrationKey

router = Router(tags=["对接系统"])

COLLECTION_STATUS = "collection_status"
PUBLIC_LOOKUP = "public_lookup"
EXTRACT_VERIFICATION = "extract_verification"
SCOPES = [
    (COLLECTION_STATUS, "查询人员信息采集状态"),
    (PUBLIC_LOOKUP, "查询人员档案与信用信息（证明查验）"),
    (EXTRACT_VERIFICATION, "查验人员档案证明"),
]
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


def audit_key_call(
    request,
    *,
    key: IntegrationKey,
    document_type: str,
    masked: str,
    outcome: str,
    target=None,
    action: AuditAction = AuditAction.INTEGRATION_COLLECTION_STATUS,
    **details,
):
    """The audit event of a call by another system: the key, the masked number asked about, the outcome."""
    record_event(
        action=action,
        target=target,
        request=request,
        details={
            **details,
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
        audit_key_call(request, key=key, document_type=document_type, masked=raw_masked, outcome="forbidden")
        raise ApiError(403, "forbidden_scope", "该密钥没有查询信息采集状态的权限")
    try:
        number = clean_document_number(document_type, query.document_number)
    except ValidationError as error:
        audit_key_call(request, key=key, document_type=document_type, masked=raw_masked, outcome="invalid")
        raise ApiError(
            400, "invalid_document_number", error.messages[0], {"document_number": error.messages}
        ) from None
    # Imported here: the admin imports this module (SCOPES) while the apps load, before core's ready()
    # gives form fields their Chinese messages, and archive.selectors reaches the section forms.
    from kuaiji.archive.selectors import person_standing

    standing = person_standing(document_type=document_type, document_number=number)
    record = standing.record
    department = department_by_pk(standing.department_id) if standing.department_id is not None else None
    masked = mask_document_number(number)
    audit_key_call(
        request,
        key=key,
        document_type=document_type,
        masked=masked,
        outcome="completed" if record else "not_completed",
        target=record,
    )
    level = record.qualification_level if record and record.qualification_level else None
    return {
        "document_number": masked,
        "completed": standing.completed,
        "status": standing.submission_status,
        "qualification_level": level,
        "qualification_level_label": str(QUALIFICATION_LABELS.get(level, level)) if level else None,
        "department": {"code": department.division_id, "name": department.name} if department else None,
        "last_approved_at": standing.approved_at,
    }

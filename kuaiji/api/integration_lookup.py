"""证明查验 / 公开查询 for other systems (对接系统): exam registration checks a candidate by name and document
number and gets the public page's answer as JSON (``lookup.services.look_up_person``, decision 0030).

Needs the ``public_lookup`` scope. Each key keeps its limit per minute (``api.auth``) and, like the page,
10 lookups of one number an hour (counted per key). Every call that reaches the endpoint is audited as
``public.lookup`` with the key's name, the masked number and the outcome; a missing person answers
``found: false`` in the same shape."""

from dataclasses import asdict
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from ninja import Field, Router, Schema

from kuaiji.archive.constants import CollectionStanding
from kuaiji.audit.constants import AuditAction
from kuaiji.core.constants import DocumentType
from kuaiji.core.validators import (
    clean_document_number,
    clean_person_name,
    mask_document_number,
    normalise_document_number,
)
from kuaiji.lookup import services as lookup_services

from .auth import IntegrationKeyAuth
from .errors import ApiError, ErrorOut
from .integration import PUBLIC_LOOKUP, audit_key_call, key_has_scope
from .models import IntegrationKey

router = Router(tags=["对接系统"])


class LookupIn(Schema):
    full_name: str = Field(..., max_length=60, description="姓名，与证件一致")
    document_type: DocumentType = Field(DocumentType.RESIDENT_ID, description="证件类型，默认居民身份证")
    document_number: str = Field(..., max_length=40, description="证件号码")


class PublicCreditEntryOut(Schema):
    kind: str = Field(..., description="award（守信，表彰奖励）或 penalty（失信，处罚）")
    kind_label: str
    title: str = Field(..., description="表彰名称或处罚事由")
    level: str = Field(..., description="表彰级别或处罚种类的代码")
    level_label: str
    authority: str = Field(..., description="授予或决定机关")
    document_number: str = Field(..., description="决定文号")
    decided_on: date = Field(..., description="授予或决定日期")
    effective_from: date
    effective_until: date | None = Field(..., description="有效期止；null 表示长期")
    is_blacklist: bool = Field(..., description="列入严重失信名单")


class LookupOut(Schema):
    found: bool = Field(..., description="姓名和证件号码同时一致的人员；false 时下列人员字段均为 null 或空")
    full_name: str = Field(..., description="所填姓名（去掉首尾空格后原样返回）")
    document_type: str
    document_number: str = Field(..., description="隐藏中间位")
    looked_up_at: datetime
    collection_status: CollectionStanding | None = Field(
        ..., description="completed 已完成信息采集 / in_review 信息采集审核中 / not_completed 未完成信息采集"
    )
    collection_status_label: str | None
    qualification_level: str | None
    qualification_level_label: str | None
    department_name: str | None = Field(..., description="管理该人员档案的会计管理部门")
    credit_entries: list[PublicCreditEntryOut] = Field(..., description="正在公示且在有效期内的信用记录")


def _audit(request, *, key: IntegrationKey, document_type: str, masked: str, outcome: str) -> None:
    """A call refused before the lookup (the lookup's own event is written by ``look_up_person``)."""
    audit_key_call(
        request,
        key=key,
        document_type=document_type,
        masked=masked,
        outcome=outcome,
        action=AuditAction.PUBLIC_LOOKUP,
        channel="api",
    )


@router.post(
    "/lookup",
    auth=IntegrationKeyAuth(),
    response={
        200: LookupOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
        429: ErrorOut,
    },
    summary="人员信息查询（证明查验）",
)
def public_lookup(request, body: LookupIn):
    """The public lookup's answer for one person: ``found`` only when the name and the document number
    both match; then the collection status, qualification level, the department holding the record and
    the credit entries in effect (award or penalty, title, level or type, authority, document number,
    dates, 严重失信名单). A missing person, or a number with another name, answers 200 with
    ``found: false`` in the same shape. Needs the ``public_lookup`` scope (403); an invalid name or number
    gives 400 with the validator's message; more than 10 lookups of one number an hour gives 429."""
    key: IntegrationKey = request.integration_key
    document_type = DocumentType(body.document_type).value
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        IntegrationKey.objects.filter(pk=key.pk).update(last_used_at=now)
    raw_masked = mask_document_number(normalise_document_number(body.document_number))

    def refuse(status: int, code: str, message: str, outcome: str, errors=None):
        _audit(request, key=key, document_type=document_type, masked=raw_masked, outcome=outcome)
        return ApiError(status, code, message, errors)

    if not key_has_scope(key, PUBLIC_LOOKUP):
        raise refuse(403, "forbidden_scope", "该密钥没有人员信息查询的权限", "forbidden")
    try:
        full_name = clean_person_name(body.full_name)
    except ValidationError as error:
        raise refuse(
            400, "invalid_full_name", error.messages[0], "invalid", {"full_name": error.messages}
        ) from None
    try:
        number = clean_document_number(document_type, body.document_number)
    except ValidationError as error:
        raise refuse(
            400, "invalid_document_number", error.messages[0], "invalid", {"document_number": error.messages}
        ) from None
    try:
        result = lookup_services.look_up_person(
            full_name=full_name,
            document_type=document_type,
            document_number=number,
            request=request,
            integration_key=key,
            audit_details={"key": key.name, "key_prefix": key.prefix},
        )
    except lookup_services.TooManyLookups:
        raise refuse(429, "rate_limited", "该证件号码查询过于频繁，请一小时后再试", "rate_limited") from None
    answer = result.answer
    return {
        "found": answer is not None,
        "full_name": result.full_name,
        "document_type": result.document_type,
        "document_number": result.masked_document_number,
        "looked_up_at": result.looked_up_at,
        "collection_status": answer.standing if answer else None,
        "collection_status_label": answer.standing_label if answer else None,
        "qualification_level": answer.qualification_level if answer else None,
        "qualification_level_label": answer.qualification_level_label if answer else None,
        "department_name": answer.department_name if answer else None,
        "credit_entries": [asdict(entry) for entry in answer.credit_entries] if answer else [],
    }

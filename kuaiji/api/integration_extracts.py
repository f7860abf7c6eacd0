"""对接系统: verifying a 人员档案证明 by its code, for integration keys with the ``extract_verification``
scope (e.g. exam registration checking a candidate's extract). The same ``verify_extract`` as the public
pages: the state, and what the extract printed (the document number masked, as on the PDF); each call
that finds an extract is recorded as a verification its holder sees, under the key's name."""

from datetime import date, datetime

from ninja import Field, Router, Schema

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.http import client_ip
from kuaiji.extracts.codes import normalise_code
from kuaiji.extracts.constants import ExtractState, VerificationChannel
from kuaiji.extracts.selectors import verify_extract

from .auth import IntegrationKeyAuth
from .errors import ApiError, ErrorOut
from .integration import EXTRACT_VERIFICATION, key_has_scope
from .models import IntegrationKey

router = Router(tags=["对接系统"])


class ExtractVerifyIn(Schema):
    code: str = Field(
        ..., max_length=40, description="证明上的查验码，如 K7QM-3XHP-2A（不区分大小写，可省略短横线）"
    )


class ExtractSnapshotOut(Schema):
    full_name: str = Field(..., description="姓名")
    document_type: str = Field(..., description="证件类型")
    document_number: str = Field(..., description="证件号码（隐藏中间位，与证明一致）")
    qualification: str = Field(..., description="专业技术资格")
    education: str = Field(..., description="学历")
    employer: str = Field(..., description="工作单位")
    department: str = Field(..., description="会计管理部门")
    credit_lines: list[str] = Field(..., description="开具时有效期内的信用记录，每条一行")
    issued_on: date = Field(..., description="开具日期")
    expires_on: date = Field(..., description="有效期至")


class ExtractVerificationOut(Schema):
    code: str = Field(..., description="查验码（分组显示）")
    state: ExtractState = Field(
        ...,
        description="valid 有效；expired 已过期；revoked 已撤销；record_changed 档案已在开具后更新，请以最新证明为准",
    )
    state_label: str = Field(..., description="状态的中文说明")
    valid: bool = Field(..., description="state 为 valid 时为 true")
    expired: bool
    revoked: bool
    record_changed: bool = Field(..., description="开具后人员档案（版本或有效信用记录）是否有变化")
    issued_at: datetime
    revoked_at: datetime | None
    snapshot: ExtractSnapshotOut = Field(..., description="证明上印出的内容（开具时）")


def _audit_refusal(request, key: IntegrationKey, outcome: str) -> None:
    # A refusal finds no extract, so no holder is told; the log keeps who tried what.
    record_event(
        action=AuditAction.EXTRACT_VERIFIED,
        request=request,
        details={"channel": VerificationChannel.API.value, "key": key.name, "outcome": outcome},
    )


@router.post(
    "/extracts/verify",
    auth=IntegrationKeyAuth(),
    response={
        200: ExtractVerificationOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        429: ErrorOut,
    },
    summary="查验人员档案证明",
)
def verify_extract_by_code(request, body: ExtractVerifyIn):
    """Verify a 人员档案证明 by its code: whether it is still valid (not expired, not revoked, and whether
    the archive has changed since), and what it printed. Needs the ``extract_verification`` scope (403
    otherwise); a code that cannot be one is 400, an unknown code 404. Every call is audited with the
    key's name; the holder of the extract sees the verification on their page."""
    key: IntegrationKey = request.integration_key
    if not key_has_scope(key, EXTRACT_VERIFICATION):
        _audit_refusal(request, key, "forbidden")
        raise ApiError(403, "forbidden_scope", "该密钥没有查验人员档案证明的权限")
    code = normalise_code(body.code)
    if code is None:
        _audit_refusal(request, key, "invalid")
        message = "查验码应为 10 位字母或数字（如 K7QM-3XHP-2A）"
        raise ApiError(400, "invalid_code", message, {"code": [message]})
    verification = verify_extract(
        code, channel=VerificationChannel.API, ip=client_ip(request), key_name=key.name
    )
    if verification is None:
        _audit_refusal(request, key, "not_found")
        raise ApiError(404, "extract_not_found", "没有找到这个查验码对应的证明")
    extract = verification.extract
    return {
        "code": extract.display_code,
        "state": verification.state,
        "state_label": verification.state_label,
        "valid": verification.is_valid,
        "expired": verification.expired,
        "revoked": verification.revoked,
        "record_changed": verification.record_changed,
        "issued_at": extract.issued_at,
        "revoked_at": extract.revoked_at,
        "snapshot": verification.snapshot,
    }

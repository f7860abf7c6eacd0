"""The staff API's request and response schemas, and the constrained text types they use."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints

from kuaiji.collection.constants import EducationLevel, QualificationLevel
from kuaiji.core.pagination import COUNT_CAP
from kuaiji.core.validators import has_control_characters

from ..errors import ErrorOut


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no name, number or reason contains control characters.
    if has_control_characters(value):
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
    overdue: bool = Field(..., description="待审核且已过审核截止日期（截止当日不算超期）")
    due_soon: bool = Field(False, description="待审核、未超期且 1 个工作日内到期")
    reference: str = Field("", description="登记编号（申请人看到的 8 位编号）")


class _Paged(Schema):
    count: int = Field(
        ..., description=f"符合条件的条数；超过 {COUNT_CAP:,} 条时为 {COUNT_CAP:,}（见 capped）"
    )
    capped: bool = Field(
        False, description=f"结果超过 {COUNT_CAP:,} 条：只给出前 {COUNT_CAP:,} 条的页，请缩小筛选范围"
    )
    page: int
    pages: int


class StaffSubmissionPage(_Paged):
    items: list[StaffSubmissionItem]


class StaffQueueFilters(Schema):
    status: StatusFilter | None = None
    kind: KindFilter | None = None
    department: DepartmentCode | None = Field(None, description=DEPARTMENT_HELP)
    submitted_from: date | None = None
    submitted_to: date | None = None
    q: SearchText = Field("", description="姓名的一部分、完整证件号码，或 8 位登记编号")
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


class StaffCardReadingOut(Schema):
    """What was read off the photo of the card's front, and how it compares with the submission."""

    state: Literal["reading", "done", "unreadable"] = Field(
        ..., description="reading: still within the time limit; unreadable: could not be read, check by eye"
    )
    failure: str = Field("", description="why it could not be read (no_text, timeout, …)")
    failure_label: str = ""
    compared: bool = Field(..., description="False for a document other than a resident ID card")
    name_match: Literal["same", "same_but_rare", "different", "not_read", "not_typed"]
    number_match: Literal["same", "same_but_rare", "different", "not_read", "not_typed"]
    name: str
    sex: str
    ethnicity: str
    birth_date: date | None
    address: str
    number: str
    number_valid: bool = Field(..., description="the number read has a valid GB 11643 check digit")
    attachment_uuid: UUID | None = Field(None, description="the 人像面 attachment that was read")


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
    return_reason: str = Field("", description="重新提交时：上次退回的理由")
    changed_since_return: list[StaffSectionOut] | None = Field(
        None, description="重新提交时：与被退回的版本相比有变化的部分"
    )
    attachments: list[StaffAttachmentOut]
    card_reading: StaffCardReadingOut | None = Field(
        None, description="证件照片自动识别: the 人像面 photo read on upload; null without one"
    )
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


class _ArchivedPerson(Schema):
    """What the archive's list and record both show of a person."""

    uuid: UUID
    full_name: str
    department: StaffDepartmentOut
    employer_name: str
    credit_code: str
    qualification_level: str
    qualification_level_label: str
    education_level: str
    education_level_label: str
    updated_at: datetime


class StaffArchiveItem(_ArchivedPerson):
    document_number: str = Field(..., description="隐藏中间位")
    mobile: str = Field(..., description="隐藏中间四位")


class StaffArchivePage(_Paged):
    items: list[StaffArchiveItem]


class StaffVersionOut(Schema):
    number: int
    approved_at: datetime
    approved_by: str
    submission_kind: str


class StaffCurrentVersionOut(StaffVersionOut):
    sections: list[StaffSectionOut]


class StaffArchiveDetail(_ArchivedPerson):
    document_type: str
    document_type_label: str
    document_number: str
    mobile: str
    current_version: StaffCurrentVersionOut | None
    versions: list[StaffVersionOut]


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}

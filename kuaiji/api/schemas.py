"""Request and response schemas shared by the API's routers.

Lengths and types are limited here so a malformed request is refused (422) before any service runs;
the rules themselves (what a valid document number, mobile or section answer is) stay in the forms
and services the pages use, which answer 400 with per-field Chinese messages.
"""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field, StringConstraints

Short = Annotated[str, StringConstraints(max_length=100)]
Text = Annotated[str, StringConstraints(max_length=2000)]
Password = Annotated[str, StringConstraints(max_length=128)]
CaptchaKey = Annotated[str, StringConstraints(max_length=64)]
CaptchaAnswer = Annotated[str, StringConstraints(max_length=16)]


class MessageOut(Schema):
    message: str


class UuidOut(Schema):
    uuid: UUID


# --- accounts --------------------------------------------------------------------------------------------


class CaptchaOut(Schema):
    key: str = Field(description="Send back as `captcha_key`.")
    image_url: str = Field(description="The picture to show; its 4 characters are the `captcha_answer`.")


class SmsCodeIn(Schema):
    purpose: Literal["register", "activate", "appeal", "reset_password"]
    mobile: Short = Field("", description="For register, activate and appeal: the phone to verify.")
    document_type: Short = Field("", description="For reset_password: the account's document type.")
    document_number: Short = Field("", description="For reset_password.")
    full_name: Short = Field("", description="For reset_password.")
    captcha_key: CaptchaKey = ""
    captcha_answer: CaptchaAnswer = ""


class RegistrationIn(Schema):
    document_type: Short = ""
    document_number: Short = ""
    full_name: Short = ""
    mobile: Short = ""
    sms_code: Short = ""
    password: Password = ""
    agreement: bool = False


class TokenIn(Schema):
    login: Short = Field(description="The document number, or the verified mobile.")
    password: Password
    captcha_key: CaptchaKey = ""
    captcha_answer: CaptchaAnswer = ""


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: datetime


class ActivationIn(Schema):
    document_type: Short = ""
    document_number: Short = ""
    full_name: Short = ""
    mobile: Short = ""
    sms_code: Short = ""
    password: Password = ""


class PasswordResetIn(Schema):
    document_type: Short = ""
    document_number: Short = ""
    full_name: Short = ""
    sms_code: Short = ""
    password: Password = ""


# --- the applicant's submission --------------------------------------------------------------------------


class HistoryEntryOut(Schema):
    at: datetime
    action: str
    label: str


class SubmissionOut(Schema):
    uuid: UUID
    reference: str = Field(description="A short reference people can read out on the phone.")
    kind: str = Field(description="initial (信息采集), change (信息变更) or transfer (调转).")
    kind_label: str
    status: str = Field(description="draft, pending, approved, refused or returned.")
    status_label: str
    version: int = Field(description="Send it back with every change; a stale one is answered 409.")
    department: str | None = Field(description="The reviewing department, once submitted.")
    submitted_at: datetime | None
    due_on: date | None
    decision_reason: str
    sections: dict[str, str] = Field(
        description="State of each step: not_started, in_progress, completed or needs_changes."
    )
    editable: bool = Field(False, description="草稿或已退回：可以修改（GET /me/submission 时给出）")
    can_change: bool = Field(False, description="已有审核通过的版本，可以申请变更或调转")
    history: list[HistoryEntryOut] = Field(default_factory=list, description="办理记录，最早的在前")


class ChangeIn(Schema):
    kind: Literal["change", "transfer"] = "change"


class VersionIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)


class VersionOut(Schema):
    version: int


SectionData = Annotated[
    dict[Annotated[str, StringConstraints(max_length=100)], Text],
    Field(max_length=300),
]


class SectionIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    data: SectionData = Field(
        description=(
            "The section form's fields as the page posts them, every value a string: e.g. "
            '`residence_division_0…_2` for a region, `"yes"`/`"no"` for has_employer, `"on"` for a '
            "ticked box, and formset rows as `history-TOTAL_FORMS`, `history-0-unit`…"
        )
    )


class SectionOut(Schema):
    version: int
    complete: bool
    data: dict = Field(description="What is stored, as it was sent.")
    errors: dict[str, list[str]]


class SectionSavedOut(Schema):
    version: int
    complete: bool
    answers: dict = Field(description="The validated answers.")


class NewMobileCodeIn(Schema):
    mobile: Short = Field(description="The new phone to put in `personal`.")
    captcha_key: CaptchaKey = ""
    captcha_answer: CaptchaAnswer = ""


class NewMobileIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    mobile: Short
    sms_code: Annotated[str, StringConstraints(max_length=16)]


class KnownEmployerOut(Schema):
    data: dict[str, str] = Field(
        description=(
            "The unit's name, nature, region (`employer_division_0…_2`) and address from approved "
            "records, under the `employer` section's field names: merge them into what is sent."
        )
    )


class SectionInvalidOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]]
    version: int | None = Field(
        None,
        description="The draft kept what was sent: the version to send next (absent if nothing was saved).",
    )


class NoticeOut(Schema):
    version: int
    title: str
    paragraphs: list[str]


class PortraitOut(Schema):
    width: int
    height: int
    size: int


class RequirementOut(Schema):
    slot: str
    label: str
    reason: str
    max_files: int


class AttachmentOut(Schema):
    uuid: UUID
    slot: str
    width: int
    height: int
    size: int
    from_registration: bool = Field(
        default=False,
        description="The registration's ID-card photo, put in its slot when the collection was started; "
        "delete it to upload another.",
    )


class AttachmentsOut(Schema):
    required: list[RequirementOut]
    files: list[AttachmentOut]


class SubmitIn(Schema):
    version: int = Field(ge=0, le=2**31 - 1)
    commitment_accepted: bool = False
    # Needed only when submit answered 400 `plausibility` (graduation before birth …): the person confirms.
    plausibility_confirmed: bool = False


class HistoryOut(Schema):
    events: list[HistoryEntryOut]
    decision_reason: str

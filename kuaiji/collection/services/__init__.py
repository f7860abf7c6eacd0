"""Information collection: drafts, sections, attachments and submitting. Views (and later the API)
call these; permission is the caller's (every function takes the applicant's own submission).
"""

from .answers import (
    PORTRAIT_SLOT,
    SECTION_ORDER,
    SECTION_TITLES,
    VALIDATION_CACHE_SECONDS,
    AttachmentFact,
    SectionResult,
    attachments_of,
    build_section,
    flagged_sections,
    has_portrait,
    missing_attachments,
    portrait_of,
    portrait_sha256,
    section_states,
    validated_answers,
)
from .drafts import accept_notice, record_verified_mobile, save_section
from .errors import DraftConflict, NotEditable
from .lifecycle import start_change, start_collection, submit, withdraw
from .mobile import send_new_mobile_code, verify_new_mobile
from .notices import NoticeConflict, clean_notice_text, notice_history, publish_notice_version
from .reading import current_notice, latest_approved_revision, latest_submission, open_submission
from .uploads import add_attachment, remove_attachment, set_portrait

__all__ = [
    "PORTRAIT_SLOT",
    "SECTION_ORDER",
    "SECTION_TITLES",
    "VALIDATION_CACHE_SECONDS",
    "AttachmentFact",
    "DraftConflict",
    "NotEditable",
    "NoticeConflict",
    "SectionResult",
    "accept_notice",
    "add_attachment",
    "attachments_of",
    "build_section",
    "clean_notice_text",
    "current_notice",
    "flagged_sections",
    "has_portrait",
    "latest_approved_revision",
    "latest_submission",
    "missing_attachments",
    "notice_history",
    "open_submission",
    "portrait_of",
    "portrait_sha256",
    "publish_notice_version",
    "record_verified_mobile",
    "remove_attachment",
    "save_section",
    "section_states",
    "send_new_mobile_code",
    "set_portrait",
    "start_change",
    "start_collection",
    "submit",
    "validated_answers",
    "verify_new_mobile",
    "withdraw",
]

"""Account services: the one place each account rule lives. Views, the API and commands call these.

Permission checks are the caller's (views decide who may call); every function here that changes
state runs in a transaction and writes its audit event in it.
"""

from .appeals import (
    AppealAlreadyDecided,
    TooManyLookups,
    appeal_department,
    appeal_lookup_code,
    decide_appeal,
    file_appeal,
    file_appeal_with_code,
    find_appeal,
)
from .identity_photos import pending_identity_photo, prune_unclaimed_identity_photos, store_identity_photo
from .legacy import (
    LegacyHolderNotFound,
    activate_legacy_account,
    activate_with_code,
)
from .notices import notify
from .passwords import (
    applicant_by_identity,
    change_password,
    reset_password,
    reset_password_with_code,
    validate_new_password,
)
from .registration import (
    DocumentNumberTaken,
    MobileTaken,
    document_taken_message,
    mobile_taken_message,
    register_applicant,
    register_with_code,
)
from .staff import TotpCheck, check_staff_totp, ensure_role_groups, ensure_staff_member

__all__ = [
    "AppealAlreadyDecided",
    "DocumentNumberTaken",
    "LegacyHolderNotFound",
    "MobileTaken",
    "TooManyLookups",
    "TotpCheck",
    "activate_legacy_account",
    "activate_with_code",
    "appeal_department",
    "appeal_lookup_code",
    "applicant_by_identity",
    "change_password",
    "check_staff_totp",
    "decide_appeal",
    "document_taken_message",
    "ensure_role_groups",
    "ensure_staff_member",
    "file_appeal",
    "file_appeal_with_code",
    "find_appeal",
    "mobile_taken_message",
    "notify",
    "pending_identity_photo",
    "prune_unclaimed_identity_photos",
    "register_applicant",
    "register_with_code",
    "reset_password",
    "reset_password_with_code",
    "store_identity_photo",
    "validate_new_password",
]

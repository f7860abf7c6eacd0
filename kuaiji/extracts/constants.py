"""The states an extract is found in when verified, and how it was verified."""

from django.db import models


class ExtractState(models.TextChoices):
    """What a verification says, in this order of precedence: revoked, expired, record changed, valid."""

    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已撤销"
    RECORD_CHANGED = "record_changed", "档案已更新，请以最新证明为准"


class VerificationChannel(models.TextChoices):
    PAGE = "page", "网页查验"
    QR = "qr", "扫码查验"
    API = "api", "对接系统"


#: Printed on the extract and shown on the verification page.
EXTRACT_TITLE = "人员档案证明"

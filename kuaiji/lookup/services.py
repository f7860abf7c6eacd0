"""证明查验 / 公开查询 as the page and the integration API make it: the limits, the read, the audit event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.ratelimit import over_limit
from kuaiji.core.validators import mask_document_number, normalise_document_number

from .selectors import DOCUMENT_TYPE_LABELS, LookupAnswer, public_lookup

if TYPE_CHECKING:
    from kuaiji.api.models import IntegrationKey

LOOKUPS_PER_ADDRESS_HOURLY = 30
LOOKUPS_PER_NUMBER_HOURLY = 10


class TooManyLookups(Exception):
    """Too many lookups from one address, or of one number, this hour: nothing was looked up."""


@dataclass(frozen=True)
class LookupResult:
    """One lookup as it is shown: what was asked (the name as typed, the number masked), when, and the
    answer, None when no person matches both the name and the number."""

    full_name: str
    document_type: str
    document_type_label: str
    masked_document_number: str
    looked_up_at: datetime
    answer: LookupAnswer | None

    @property
    def found(self) -> bool:
        return self.answer is not None


def _keyed(number: str) -> str:
    """A keyed hash, so no document number sits in the cache."""
    return salted_hmac("kuaiji.lookup.public_lookup", number, algorithm="sha256").hexdigest()[:40]


def check_lookup_limits(
    *, document_number: str, client_ip: str | None = None, integration_key: IntegrationKey | None = None
) -> None:
    """Count one lookup against the asking address (pages) and against the number, whoever holds it or not;
    ``TooManyLookups`` past either. An integration key counts the number on its own (each key also has
    its limit per minute, ``api.auth``), so the public cannot use a number's hour up for an exam system."""
    if client_ip is not None and over_limit(
        f"lookup-ip:{client_ip}", limit=LOOKUPS_PER_ADDRESS_HOURLY, window_seconds=3600
    ):
        raise TooManyLookups
    who = "public" if integration_key is None else f"key{integration_key.pk}"
    number = normalise_document_number(document_number)
    if over_limit(
        f"lookup-number:{who}:{_keyed(number)}", limit=LOOKUPS_PER_NUMBER_HOURLY, window_seconds=3600
    ):
        raise TooManyLookups


def look_up_person(
    *,
    full_name: str,
    document_type: str,
    document_number: str,
    request: HttpRequest | None = None,
    client_ip: str | None = None,
    integration_key: IntegrationKey | None = None,
    audit_details: dict[str, Any] | None = None,
) -> LookupResult:
    """A lookup that passed its captcha (page) or key check (API), with its fields already valid.

    Counts it (``check_lookup_limits``: the page's address, the number; raises ``TooManyLookups`` before
    anything is read), reads ``selectors.public_lookup`` and records ``PUBLIC_LOOKUP`` with the address,
    the masked number and whether a person was found (never the name typed). Anyone may call it: the
    answer is public by design (decision 0030)."""
    check_lookup_limits(document_number=document_number, client_ip=client_ip, integration_key=integration_key)
    now = timezone.now()
    answer = public_lookup(
        full_name=full_name,
        document_type=document_type,
        document_number=document_number,
        on=timezone.localdate(now),
    )
    masked = mask_document_number(normalise_document_number(document_number))
    record_event(
        action=AuditAction.PUBLIC_LOOKUP,
        target=answer.record if answer is not None else None,
        request=request,
        ip=client_ip,
        details={
            "channel": "page" if integration_key is None else "api",
            "document_type": document_type,
            "document_number": masked,
            "found": answer is not None,
            **(audit_details or {}),
        },
    )
    return LookupResult(
        full_name=full_name,
        document_type=document_type,
        document_type_label=str(DOCUMENT_TYPE_LABELS.get(document_type, document_type)),
        masked_document_number=masked,
        looked_up_at=now,
        answer=answer,
    )

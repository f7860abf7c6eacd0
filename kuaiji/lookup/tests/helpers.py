"""Credit entries written directly (the credit app's recording and checking pages come later) and
document numbers for the lookup's tests."""

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.core.validators import gb11643_check_digit
from kuaiji.credit.constants import EntryState
from kuaiji.credit.models import CreditEntry

PASSED = {"captcha_0": "test", "captcha_1": "PASSED"}


def credit_entry(record: ArchiveRecord, **values: Any) -> CreditEntry:
    """A published penalty in effect since a year ago until a year ahead, unless ``values`` say otherwise."""
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "record": record,
        "department": record.department,
        "kind": "penalty",
        "title": "未按规定设置会计账簿",
        "penalty_type": "fine",
        "legal_basis": "《中华人民共和国会计法》第四十二条第一款第（一）项：虚构的案情说明",
        "authority": "西宁市财政局",
        "document_number": "宁财罚〔2026〕3号",
        "decided_on": today - timedelta(days=400),
        "effective_from": today - timedelta(days=365),
        "effective_until": today + timedelta(days=365),
        "state": EntryState.PUBLISHED,
        "due_on": today - timedelta(days=380),
        "recorded_by": values.pop("recorded_by", None) or StaffFactory(department=record.department),
        "published_at": timezone.now() - timedelta(days=380),
        **values,
    }
    return CreditEntry.objects.create(**fields)


def same_mask_number(number: str) -> str:
    """Another valid resident ID number that masks the same (same first 6 and last 4 characters: another
    birth date with the same check digit)."""
    born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    for days in range(1, 4000):
        other = (born - timedelta(days=days)).strftime("%Y%m%d")
        body = number[:6] + other + number[14:17]
        if gb11643_check_digit(body) == number[17]:
            return body + number[17]
    raise AssertionError("no other number with the same mask")

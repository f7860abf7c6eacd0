"""Demo credit entries: 阿依古丽·买买提 (approved record) has a provincial award, published, and a
penalty recorded by the city reviewer that waits for a second reviewer's check."""

from datetime import date

from kuaiji.archive.models import ArchiveRecord
from kuaiji.credit import services
from kuaiji.credit.models import CreditEntry

AWARD = {
    "kind": "award",
    "title": "全省会计工作先进个人（演示数据）",
    "award_level": "provincial",
    "penalty_type": "",
    "legal_basis": "",
    "authority": "青海省财政厅",
    "document_number": "青财会〔2026〕1 号（演示）",
    "decided_on": date(2026, 3, 6),
    "effective_from": date(2026, 3, 6),
    "effective_until": None,
    "is_blacklist": False,
}
PENALTY = {
    "kind": "penalty",
    "title": "未按规定保管会计档案（演示数据）",
    "award_level": "",
    "penalty_type": "warning",
    "legal_basis": "《中华人民共和国会计法》第四十二条",
    "authority": "西宁市城东区财政局",
    "document_number": "东财罚〔2026〕1 号（演示）",
    "decided_on": date(2026, 11, 24),
    "effective_from": date(2026, 11, 24),
    "effective_until": date(2027, 11, 23),
    "is_blacklist": False,
}


def ensure_demo_credit(*, person, recorder, checker) -> None:
    """Idempotent: a person who has any entry is left alone."""
    record = ArchiveRecord.objects.filter(person=person).first()
    if record is None or CreditEntry.objects.filter(record=record).exists():
        return
    award = services.record_entry(staff=recorder, record=record, data=AWARD)
    services.publish_entry(staff=checker, entry=award, expected_version=award.version)
    services.record_entry(staff=recorder, record=record, data=PENALTY)

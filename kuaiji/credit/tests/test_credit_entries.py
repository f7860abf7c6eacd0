"""Credit entries (信用记录) from recording to the public view, through the staff and the person's pages.

Requirements covered:
- four eyes: the staff member who recorded an entry cannot publish it; a second reviewer in scope can,
  and the person is told; a return sends it back with the reason, corrected and checked again;
- the due date: 10 working days from the decision, shown in the queue, marked 已超期 once past;
- in effect: a 严重失信名单 entry whose end date has passed is off every public reading the next day,
  before and after the daily job marks it expired, and stays in the archive's history;
- objections: once per entry at a time; upheld with a correction (the correction checked by a second
  reviewer replaces the entry, both kept), upheld with withdrawal, and refused; the person is told;
- bad input: a clear message next to the field, nothing lost; another region's ids: 404 everywhere;
- every step audited.
"""

from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.models import Notification
from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.models import AuditEvent
from kuaiji.calendar.selectors import due_on
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.credit import services
from kuaiji.credit.constants import EntryState, ObjectionState
from kuaiji.credit.models import CreditEntry, Objection
from kuaiji.credit.selectors import entries_in_effect, entries_of_record

pytestmark = pytest.mark.django_db

DECIDED = date(2026, 11, 20)


def penalty(**overrides) -> dict:
    data = {
        "kind": "penalty",
        "title": "编造虚假会计资料",
        "penalty_type": "fine",
        "legal_basis": "《中华人民共和国会计法》第四十一条",
        "authority": "西宁市城东区财政局",
        "document_number": "东财罚〔2026〕3 号",
        "decided_on": DECIDED.isoformat(),
        "effective_from": DECIDED.isoformat(),
        "effective_until": "2029-11-19",
    }
    data.update(overrides)
    return data


def award(**overrides) -> dict:
    data = {
        "kind": "award",
        "title": "全省先进会计工作者",
        "award_level": "provincial",
        "authority": "青海省财政厅",
        "document_number": "青财会〔2026〕12 号",
        "decided_on": DECIDED.isoformat(),
        "effective_from": DECIDED.isoformat(),
        "effective_until": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def record(departments) -> ArchiveRecord:
    submission = SubmissionFactory.create(approved=True, department="630102")
    return ArchiveRecord.objects.get(person=submission.applicant)


@pytest.fixture
def person(record) -> Client:
    client = Client()
    client.force_login(record.person)
    return client


def record_with(client, record, data, **files):
    return client.post(reverse("credit:new", args=[record.uuid]), {**data, **files})


def entry_of(record) -> CreditEntry:
    return CreditEntry.objects.filter(record=record).latest("pk")


def publish(client, entry):
    entry.refresh_from_db()
    return client.post(reverse("credit:publish", args=[entry.uuid]), {"version": entry.version})


def test_four_eyes_a_second_reviewer_publishes_and_the_person_is_told(reviewer_for, record, person):
    first, second = reviewer_for("630102"), reviewer_for("630102")
    response = record_with(first, record, penalty(), scan=_jpeg())
    entry = entry_of(record)
    assert response.status_code == 302 and response["Location"] == reverse("credit:entry", args=[entry.uuid])
    assert entry.state == EntryState.RECORDED and entry.recorded_by == first.staff and entry.scan
    # Not yet on the person's page, nor public.
    assert entry.title not in person.get(reverse("my_credit:list")).content.decode()
    assert entries_in_effect(record, on=DECIDED) == []

    page = first.get(reverse("credit:entry", args=[entry.uuid])).content.decode()
    assert "须由另一名工作人员复核" in page and "复核通过并公示" not in page
    publish(first, entry)
    entry.refresh_from_db()
    assert entry.state == EntryState.RECORDED
    follow = first.get(reverse("credit:entry", args=[entry.uuid])).content.decode()
    assert "记录人不能复核自己记录的信用信息" in follow

    assert "复核通过并公示" in second.get(reverse("credit:entry", args=[entry.uuid])).content.decode()
    publish(second, entry)
    entry.refresh_from_db()
    assert (entry.state, entry.checked_by, entry.published_at is not None) == (
        EntryState.PUBLISHED,
        second.staff,
        True,
    )
    assert entries_in_effect(record, on=DECIDED) == [entry]
    archive_page = second.get(reverse("archive:detail", args=[record.uuid])).content.decode()
    assert "信用记录（公示中）" in archive_page and "编造虚假会计资料" in archive_page
    assert Notification.objects.filter(user=record.person, text__contains="编造虚假会计资料").exists()
    mine = person.get(reverse("my_credit:list")).content.decode()
    assert "编造虚假会计资料" in mine and "提出异议" in mine
    actions = set(AuditEvent.objects.filter(target_id=str(entry.uuid)).values_list("action", flat=True))
    assert {"credit.entry_recorded", "credit.entry_published", "staff.viewed_credit_entry"} <= actions


def test_a_returned_entry_is_corrected_and_checked_again(reviewer_for, record):
    first, second = reviewer_for("630102"), reviewer_for("630102")
    record_with(first, record, award())
    entry = entry_of(record)
    second.post(reverse("credit:return", args=[entry.uuid]), {"version": entry.version, "reason": "文号有误"})
    entry.refresh_from_db()
    assert (entry.state, entry.return_reason) == (EntryState.RETURNED, "文号有误")
    assert "复核退回：文号有误" in first.get(reverse("credit:entry", args=[entry.uuid])).content.decode()
    first.post(
        reverse("credit:edit", args=[entry.uuid]),
        {**award(document_number="青财会〔2026〕21 号"), "version": entry.version},
    )
    entry.refresh_from_db()
    assert (entry.state, entry.document_number) == (EntryState.RECORDED, "青财会〔2026〕21 号")
    publish(second, entry)
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED


def test_the_due_date_is_ten_working_days_from_the_decision_and_overdue_shows(reviewer_for, record):
    reviewer = reviewer_for("630102")
    record_with(reviewer, record, penalty())
    entry = entry_of(record)
    assert entry.due_on == due_on(start=DECIDED, working_days=10) == date(2026, 12, 4)
    queue = reviewer.get(reverse("credit:queue")).content.decode()
    assert "2026-12-04" in queue and "本人记录，需他人复核" in queue
    CreditEntry.objects.filter(pk=entry.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert "已超期" in reviewer.get(reverse("credit:queue")).content.decode()


def test_a_blacklist_entry_leaves_the_public_view_the_day_after_it_ends(reviewer_for, record):
    first, second = reviewer_for("630102"), reviewer_for("630102")
    record_with(first, record, penalty(penalty_type="ban", is_blacklist="on", effective_until="2026-11-30"))
    entry = entry_of(record)
    publish(second, entry)
    assert entries_in_effect(record, on=date(2026, 11, 30)) == [CreditEntry.objects.get(pk=entry.pk)]
    # The next day no public reading shows it, whether or not the daily job ran.
    assert entries_in_effect(record, on=date(2026, 12, 1)) == []
    assert services.expire_entries(today=date(2026, 12, 1)) == 1
    entry.refresh_from_db()
    assert (entry.state, entry.ended_reason) == (EntryState.EXPIRED, "有效期届满")
    assert list(entries_of_record(record)) == [entry]  # kept in the history
    assert services.expire_entries(today=date(2026, 12, 2)) == 0
    assert AuditEvent.objects.filter(action="credit.entry_expired", target_id=str(entry.uuid)).exists()


def test_a_blacklist_entry_needs_its_end_date_and_bad_input_keeps_what_was_typed(reviewer_for, record):
    reviewer = reviewer_for("630102")
    response = record_with(reviewer, record, penalty(is_blacklist="on", effective_until="", legal_basis=""))
    html = response.content.decode()
    assert response.status_code == 400
    assert "列入严重失信名单的，请填写有效期止" in html and "请填写处罚依据" in html
    assert 'value="编造虚假会计资料"' in html
    assert not CreditEntry.objects.exists()
    response = record_with(reviewer, record, award(award_level="", decided_on="2026-13-01"))
    assert (
        "请选择表彰级别" in response.content.decode()
        and "请按“年-月-日”填写日期" in response.content.decode()
    )
    response = record_with(reviewer, record, award(), scan=SimpleUploadedFile("a.jpg", b"no", "image/jpeg"))
    assert response.status_code == 400 and "只能上传 JPG 或 PNG 格式的图片" in response.content.decode()
    assert not CreditEntry.objects.exists()


def _published(reviewer_for, record, data=None):
    first, second = reviewer_for("630102"), reviewer_for("630102")
    record_with(first, record, data or penalty())
    entry = entry_of(record)
    publish(second, entry)
    entry.refresh_from_db()
    return entry, first, second


def _jpeg() -> SimpleUploadedFile:
    from kuaiji.accounts.tests.helpers import jpeg_bytes

    return SimpleUploadedFile("证明.jpg", jpeg_bytes(400, 300), content_type="image/jpeg")


def test_an_upheld_objection_corrects_the_entry_and_keeps_its_history(reviewer_for, record, person):
    entry, first, second = _published(reviewer_for, record)
    url = reverse("my_credit:object", args=[entry.uuid])
    response = person.post(url, {"reason": "罚款金额有误，决定书已变更", "evidence": _jpeg()})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.state == ObjectionState.PENDING and objection.evidence
    # Once per entry at a time.
    again = person.post(url, {"reason": "再次提出"})
    assert again.status_code == 400 and "该记录已有一项异议正在处理" in again.content.decode()
    assert "待处理的异议" in first.get(reverse("credit:queue")).content.decode()

    decided = first.post(
        reverse("credit:objection", args=[objection.uuid]),
        {"outcome": "upheld", "remedy": "correct", "reason": "经核实，处罚种类应为警告"},
    )
    assert decided["Location"] == f"{reverse('credit:new', args=[record.uuid])}?corrects={entry.uuid}"
    form = first.get(decided["Location"]).content.decode()
    assert "这条记录将更正" in form and 'value="编造虚假会计资料"' in form
    first.post(decided["Location"], {**penalty(penalty_type="warning"), "corrects": str(entry.uuid)})
    correction = entry_of(record)
    assert correction.replaces == entry and correction.state == EntryState.RECORDED
    entry.refresh_from_db()
    assert entry.state == EntryState.PUBLISHED  # shown until the correction is checked
    publish(second, correction)
    entry.refresh_from_db()
    correction.refresh_from_db()
    assert entry.state == EntryState.CORRECTED and correction.state == EntryState.PUBLISHED
    assert entries_in_effect(record, on=DECIDED) == [correction]
    assert set(entries_of_record(record)) == {entry, correction}
    texts = list(Notification.objects.filter(user=record.person).values_list("text", flat=True))
    assert any("异议成立，将予以更正" in text for text in texts) and any("已更正" in text for text in texts)
    mine = person.get(reverse("my_credit:list")).content.decode()
    assert "已更正" in mine and "异议成立" in mine


def test_an_objection_upheld_by_withdrawal_and_one_refused(reviewer_for, record, person):
    entry, first, _second = _published(reviewer_for, record)
    person.post(reverse("my_credit:object", args=[entry.uuid]), {"reason": "不是本人"})
    objection = Objection.objects.get()
    response = first.post(
        reverse("credit:objection", args=[objection.uuid]),
        {"outcome": "refused", "reason": "决定书送达回证在卷"},
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    entry.refresh_from_db()
    assert objection.state == ObjectionState.REFUSED and entry.state == EntryState.PUBLISHED
    assert Notification.objects.filter(user=record.person, text__contains="异议不成立").exists()
    # A new objection may be filed once the first is decided; upheld by withdrawal, the entry goes.
    person.post(reverse("my_credit:object", args=[entry.uuid]), {"reason": "已申请复议并撤销处罚"})
    second_objection = Objection.objects.get(state=ObjectionState.PENDING)
    missing_remedy = first.post(
        reverse("credit:objection", args=[second_objection.uuid]), {"outcome": "upheld", "reason": "复议撤销"}
    )
    assert missing_remedy.status_code == 400 and "请选择撤销或更正该记录" in missing_remedy.content.decode()
    first.post(
        reverse("credit:objection", args=[second_objection.uuid]),
        {"outcome": "upheld", "remedy": "withdraw", "reason": "复议撤销"},
    )
    entry.refresh_from_db()
    assert entry.state == EntryState.WITHDRAWN and entries_in_effect(record, on=DECIDED) == []
    assert "异议成立：复议撤销" in entry.ended_reason
    assert set(
        AuditEvent.objects.filter(action__startswith="credit.objection").values_list("action", flat=True)
    ) == {"credit.objection_filed", "credit.objection_refused", "credit.objection_upheld"}


def test_another_regions_staff_and_people_get_404(reviewer_for, record, person, departments):
    entry, _first, _second = _published(reviewer_for, record)
    person.post(reverse("my_credit:object", args=[entry.uuid]), {"reason": "有误"})
    objection = Objection.objects.get()
    elsewhere = reviewer_for("632801")  # 格尔木: not above 城东区
    for url in (
        reverse("credit:record", args=[record.uuid]),
        reverse("credit:new", args=[record.uuid]),
        reverse("credit:entry", args=[entry.uuid]),
        reverse("credit:objection", args=[objection.uuid]),
        reverse("credit:evidence", args=[objection.uuid]),
    ):
        assert elsewhere.get(url).status_code == 404, url
    for url in ("credit:publish", "credit:return", "credit:withdraw"):
        assert elsewhere.post(reverse(url, args=[entry.uuid]), {"version": entry.version}).status_code == 404
    # Another person cannot object to someone else's entry.
    stranger = Client()
    stranger.force_login(SubmissionFactory.create(approved=True, department="630102").applicant)
    assert stranger.get(reverse("my_credit:object", args=[entry.uuid])).status_code == 404
    # The province above sees it.
    assert reviewer_for("630000").get(reverse("credit:entry", args=[entry.uuid])).status_code == 200


def test_overdue_entries_and_objections_are_on_the_overdue_page_and_in_the_daily_reminder(
    reviewer_for, record, person, departments
):
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from kuaiji.accounts.constants import StaffRole
    from kuaiji.accounts.tests.factories import StaffFactory

    entry, first, _second = _published(reviewer_for, record)
    person.post(reverse("my_credit:object", args=[entry.uuid]), {"reason": "有误"})
    record_with(first, record, award())
    waiting = entry_of(record)
    today = timezone.localdate()
    CreditEntry.objects.filter(pk=waiting.pk).update(due_on=today - timedelta(days=3))
    Objection.objects.update(due_on=today - timedelta(days=1))
    page = first.get(reverse("review:overdue")).content.decode()
    assert "超期未复核的记录" in page and "1 条" in page and "1 项" in page
    # Another region's overview does not count them.
    assert "1 条" not in reviewer_for("632801").get(reverse("review:overdue")).content.decode()

    admin = StaffFactory(department=departments["630102"])
    admin.groups.add(Group.objects.get_or_create(name=StaffRole.DEPARTMENT_ADMIN)[0])
    call_command("report_overdue", "--date", today.isoformat())
    assert Notification.objects.filter(user=admin, text__contains="1 条信用记录超过公示期限未复核").exists()
    run = AuditEvent.objects.get(action="review.overdue_reported")
    assert run.details["credit"] == [
        {"department": departments["630102"].pk, "entries": 1, "objections": 1, "notified": 1}
    ]


@pytest.mark.parametrize(
    ("kind", "level", "standing", "public"),
    [
        ("award", "provincial", "守信", True),
        ("award", "prefecture", "守信", True),
        ("award", "county", "表彰", False),
        ("award", "unit", "表彰", False),
        ("penalty", "", "失信", True),
    ],
)
def test_only_an_award_of_prefecture_level_or_above_counts_as_trustworthy(kind, level, standing, public):
    entry = CreditEntry(kind=kind, award_level=level)
    assert (entry.standing, entry.is_public, entry.counts_as_trustworthy) == (
        standing,
        public,
        standing == "守信",
    )

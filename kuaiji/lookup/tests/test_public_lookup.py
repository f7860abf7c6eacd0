"""证明查验 / 公开查询 (issue 12): the public page at /lookup/ and its one read, ``public_lookup``.

Requirements covered:
- an employer who types a person's name and document number (and the picture captcha) sees the collection
  status, the qualification level, the department holding the record and the credit entries published and
  in effect (not one whose period has ended, not one not yet published, not an award below prefecture
  level), the number masked, the name as typed; never the mobile, the employer, the full number or the
  text of the legal basis;
- a number with another name answers exactly as a number nobody holds: the same status (200) and the
  same bytes apart from the time of the lookup;
- a person with no record yet: 信息采集审核中 while their submission waits, 未完成信息采集 otherwise;
- the limits (30 an hour per address, 10 per number) count every attempt alike, found or not; past them
  429 with a Chinese message and nothing looked up;
- the captcha is required; every bad input gets a Chinese message beside its field and keeps what was
  typed; nothing is counted or looked up for a form with errors;
- each lookup is audited (public.lookup: the address, the masked number, found or not; never the name);
- the result page makes a bounded number of queries.
"""

import random
import re
from datetime import timedelta

from django.utils import timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.archive.constants import CollectionStanding
from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.tests import helpers as collection_helpers
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.fakes import fake_resident_id
from kuaiji.core.validators import mask_document_number
from kuaiji.credit.constants import EntryState
from kuaiji.lookup.selectors import public_lookup, same_name

from .helpers import PASSED, credit_entry, same_mask_number

pytestmark = pytest.mark.django_db

URL = "/lookup/"
WRONG_NAME = "欧阳虚构"


@pytest.fixture
def record(departments) -> ArchiveRecord:
    """An approved first collection of 城东区 (630102) with a junior qualification."""
    submission = SubmissionFactory.create(
        approved=True, sections={"qualification": collection_helpers.QUALIFICATION_JUNIOR}
    )
    return ArchiveRecord.objects.get(person=submission.applicant)


def ask(client, full_name, document_number, document_type="resident_id", **headers):
    data = {"full_name": full_name, "document_type": document_type, "document_number": document_number}
    return client.post(URL, {**data, **PASSED}, **headers)


def without_time(response) -> str:
    return re.sub(r"<time datetime=\"[^\"]*\">[^<]*</time>", "<time/>", response.content.decode())


def lookups() -> list[dict]:
    return list(
        AuditEvent.objects.filter(action="public.lookup").order_by("id").values_list("details", flat=True)
    )


def test_the_form_is_public_and_linked_from_every_page(client, db):
    response = client.get("/sign-in/")
    assert 'href="/lookup/"' in response.content.decode()
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "人员信息查询" in page and 'name="captcha_1"' in page
    assert 'autocomplete="name"' in page


def test_a_found_person_with_their_credit_entries_in_effect(client, record):
    today = timezone.localdate()
    shown_penalty = credit_entry(record, is_blacklist=True, title="伪造会计凭证")
    shown_award = credit_entry(
        record,
        kind="award",
        title="全省会计行业先进个人",
        penalty_type="",
        award_level="provincial",
        legal_basis="",
        authority="青海省财政厅",
        document_number="青财会〔2025〕12号",
        effective_until=None,
    )
    credit_entry(record, title="期满的处罚", effective_until=today - timedelta(days=1))
    credit_entry(record, title="待复核的处罚", state=EntryState.RECORDED, published_at=None)
    credit_entry(record, title="已撤销的处罚", state=EntryState.WITHDRAWN)
    credit_entry(record, title="尚未生效的处罚", effective_from=today + timedelta(days=3))
    credit_entry(record, kind="award", title="单位内部表彰", penalty_type="", award_level="unit")

    typed = f" {record.full_name} "  # spaces around, as typed
    response = ask(client, typed, record.document_number.lower())
    assert response.status_code == 200
    page = response.content.decode()
    assert "已完成信息采集" in page
    assert "初级" in page
    assert record.department.name in page
    assert mask_document_number(record.document_number) in page
    assert f"<dd>{record.full_name}</dd>" in page
    for title in (shown_penalty.title, shown_award.title):
        assert title in page
    for title in ("期满的处罚", "待复核的处罚", "已撤销的处罚", "尚未生效的处罚", "单位内部表彰"):
        assert title not in page
    assert "列入严重失信名单" in page and "宁财罚〔2026〕3号" in page and "青财会〔2025〕12号" in page
    assert "长期" in page and "罚款" in page and "省级" in page
    assert "不是证明文件" in page and "/verify/" in page
    # Only what is listed: never the whole number, the mobile, the employer or the legal basis's text.
    assert record.document_number not in page
    assert record.mobile not in page
    assert record.employer_name not in page
    assert "虚构的案情说明" not in page


def test_the_selector_answers_the_same_for_the_api(record):
    credit_entry(record)
    answer = public_lookup(
        full_name=record.full_name, document_type="resident_id", document_number=record.document_number
    )
    assert answer is not None
    assert answer.standing == CollectionStanding.COMPLETED and answer.standing_label == "已完成信息采集"
    assert answer.qualification_level == "junior" and answer.qualification_level_label == "初级"
    assert answer.department_name == record.department.name
    assert answer.masked_document_number == mask_document_number(record.document_number)
    (entry,) = answer.credit_entries
    assert (entry.kind, entry.level, entry.level_label) == ("penalty", "fine", "罚款")
    assert not hasattr(entry, "legal_basis")
    # The day decides what is in effect.
    later = timezone.localdate() + timedelta(days=366)
    answer_later = public_lookup(
        full_name=record.full_name,
        document_type="resident_id",
        document_number=record.document_number,
        on=later,
    )
    assert answer_later is not None and answer_later.credit_entries == ()


def test_names_compare_as_typed_with_a_chinese_input_method():
    assert same_name("热依拉・阿不都热合曼", "热依拉·阿不都热合曼")
    assert same_name("ＭＡＲＹ  Smith", "MARY SMITH")
    assert not same_name("张三", "张四")
    assert not same_name("张三", "")


def test_a_number_with_another_name_answers_exactly_as_a_missing_person(client, record):
    nobody = same_mask_number(record.document_number)
    assert not ArchiveRecord.objects.filter(document_number=nobody).exists()
    assert mask_document_number(nobody) == mask_document_number(record.document_number)

    wrong_name = ask(client, WRONG_NAME, record.document_number)
    missing = ask(client, WRONG_NAME, nobody)
    assert wrong_name.status_code == missing.status_code == 200
    assert wrong_name["Content-Type"] == missing["Content-Type"]
    assert without_time(wrong_name) == without_time(missing)
    page = without_time(missing)
    assert "未查询到与所填姓名、证件号码一致的人员档案" in page
    assert record.department.name not in page and "信息采集" not in page.split('<h2 id="answer-title">')[1]
    assert [event["found"] for event in lookups()] == [False, False]


def test_a_person_without_a_record_yet(client, departments):
    pending = SubmissionFactory.create(submitted=True)
    response = ask(client, pending.applicant.full_name, pending.applicant.document_number)
    assert response.status_code == 200
    assert "信息采集审核中" in response.content.decode()
    assert pending.department.name in response.content.decode()

    registered = ApplicantFactory()
    response = ask(client, registered.full_name, registered.document_number)
    assert "未完成信息采集" in response.content.decode()
    assert "未查询到" not in response.content.decode()
    response = ask(client, WRONG_NAME, registered.document_number)
    assert "未查询到" in response.content.decode()


def test_each_lookup_is_audited_without_the_name(client, record):
    ask(client, record.full_name, record.document_number, REMOTE_ADDR="203.0.113.9")
    nobody = fake_resident_id(rng=random.Random(31), region_code="630102")
    ask(client, "王虚构", nobody, REMOTE_ADDR="203.0.113.9")
    events = list(AuditEvent.objects.filter(action="public.lookup").order_by("id"))
    assert [event.details for event in events] == [
        {
            "channel": "page",
            "document_type": "resident_id",
            "document_number": mask_document_number(record.document_number),
            "found": True,
        },
        {
            "channel": "page",
            "document_type": "resident_id",
            "document_number": mask_document_number(nobody),
            "found": False,
        },
    ]
    assert [event.client_ip for event in events] == ["203.0.113.9", "203.0.113.9"]
    assert events[0].target_id == str(record.uuid) and events[1].target_id == ""
    assert events[0].actor is None
    assert all(record.full_name not in str(event.details) for event in events)


def test_the_limit_per_number_counts_found_and_missing_alike(client, record):
    nobody = fake_resident_id(rng=random.Random(32), region_code="630102")
    for number, name in ((record.document_number, record.full_name), (nobody, "王虚构")):
        statuses = [ask(client, name, number).status_code for _ in range(11)]
        assert statuses == [200] * 10 + [429]
    response = ask(client, record.full_name, record.document_number)
    assert response.status_code == 429
    page = response.content.decode()
    assert "查询过于频繁，请一小时后再试" in page
    assert record.department.name not in page and "已完成信息采集" not in page
    assert f'value="{record.full_name}"' in page  # what was typed is kept
    assert len(lookups()) == 20  # nothing was looked up past the limit


def test_the_limit_per_address(client, departments):
    rng = random.Random(33)
    numbers = [fake_resident_id(rng=rng, region_code="630102") for _ in range(31)]
    statuses = [ask(client, "王虚构", number, REMOTE_ADDR="198.51.100.7").status_code for number in numbers]
    assert statuses == [200] * 30 + [429]
    # Another address is not held back.
    assert ask(client, "王虚构", numbers[-1], REMOTE_ADDR="198.51.100.8").status_code == 200
    assert len(lookups()) == 31


def test_the_captcha_is_required_and_bad_input_is_told_beside_its_field(client, record):
    data = {
        "full_name": record.full_name,
        "document_type": "resident_id",
        "document_number": record.document_number,
    }
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "请输入图片验证码" in page and 'role="alert"' in page
    # The summary links to the captcha's answer box, not its hidden key.
    assert ("id_captcha_1", "请输入图片验证码") in response.context["error_summary"]
    assert f'value="{record.document_number}"' in page and "已完成信息采集" not in page

    response = client.post(URL, {**data, "captcha_0": "test", "captcha_1": "WRONG"})
    assert response.status_code == 400 and "图片验证码不正确" in response.content.decode()

    wrong_check_digit = record.document_number[:17] + ("0" if record.document_number[17] != "0" else "1")
    response = ask(client, "王虚构2", wrong_check_digit)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_document_number_error"' in page and 'id="id_full_name_error"' in page
    assert "姓名不能包含数字" in page
    assert f'value="{wrong_check_digit}"' in page and 'value="王虚构2"' in page

    response = ask(client, "", "")
    assert response.status_code == 400
    assert "请输入姓名" in response.content.decode() and "请输入证件号码" in response.content.decode()
    response = ask(client, "王虚构", "1" * 500, document_type="nonsense")
    assert response.status_code == 400
    assert lookups() == []  # nothing counted, nothing looked up


def test_a_new_picture_without_javascript_keeps_what_was_typed(client, db):
    data = {
        "full_name": "王虚构",
        "document_type": "resident_id",
        "document_number": "630102",
        "action": "refresh_captcha",
    }
    response = client.post(URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="王虚构"' in page and 'value="630102"' in page and "error-message" not in page


def test_the_result_page_reads_little(client, record, django_assert_max_num_queries):
    credit_entry(record)
    credit_entry(record, title="另一项处罚")
    ask(client, record.full_name, record.document_number)  # the department is in the reference cache now
    # The captcha: its length for this address (SMS codes asked from it), its row (read, expired ones
    # deleted, read again); the person's standing (one statement), the credit entries, the audit row.
    with django_assert_max_num_queries(7):
        response = ask(client, record.full_name, record.document_number)
    assert response.status_code == 200 and "另一项处罚" in response.content.decode()


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None
)
@given(
    full_name=st.text(max_size=80),
    document_type=st.sampled_from(
        ["resident_id", "hmt_residence_permit", "foreign_permanent_resident", "zz", ""]
    ),
    document_number=st.one_of(st.text(max_size=50), st.from_regex(r"6301[0-9]{13}[0-9X]", fullmatch=True)),
)
def test_junk_past_the_captcha_never_answers_5xx(client, full_name, document_type, document_number):
    data = {"full_name": full_name, "document_type": document_type, "document_number": document_number}
    response = client.post(URL, {**data, **PASSED})
    assert response.status_code in (200, 400, 429), data

"""留言咨询 (questions to the department) and 常见问题 (FAQ), through the person's and the staff pages.

Requirements covered:
- a thread end to end: the person asks about their submission → it goes to the management department
  they chose, due in 5 working days, in that department's queue (and the province's above it) → a reviewer
  answers → the person is told in the site and by SMS and reads it → one reply → answered again, the
  thread closes and stays readable; a second reply is refused;
- scope: another region's staff get 404 on the thread, its attachment and its FAQ entry, and do not see
  it in their queue; a role that does not answer questions (审计员) gets 403; 客服人员 answer;
- a general question goes to the department covering the person's document region, else the province;
- the per-day limit with a clear message and the text kept; an attachment refused beside its field;
- plain text: what is typed is shown escaped;
- the FAQ: published from an answer, on /help/ without sign-in, edited, withdrawn; every step audited;
- the queue's queries do not grow with its rows.
"""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import Notification
from kuaiji.accounts.sms import read_outbox
from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes
from kuaiji.audit.models import AuditEvent
from kuaiji.calendar.selectors import due_on
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.fakes import fake_resident_id
from kuaiji.questions import services
from kuaiji.questions.constants import QUESTIONS_PER_DAY, QuestionState
from kuaiji.questions.models import FaqEntry, Question

pytestmark = pytest.mark.django_db


def _jpeg(name="photo.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(200, 150), content_type="image/jpeg")


@pytest.fixture
def applicant(departments):
    """A person with a pending first collection whose management department is 城东区 (630102)."""
    submission = SubmissionFactory.create(submitted=True, department="630102")
    client = Client()
    client.force_login(submission.applicant)
    client.person = submission.applicant
    return client


def ask(client, **overrides):
    data = {
        "topic": "submission",
        "subject": "学历证书丢失怎么办",
        "body": "毕业证书遗失，能否用学信网截图？",
    }
    data.update(overrides)
    return client.post(reverse("my_questions:ask"), data)


def answer(client, question, body):
    question.refresh_from_db()
    return client.post(
        reverse("questions:thread", args=[question.uuid]), {"body": body, "version": question.version}
    )


def reply(client, question, body):
    question.refresh_from_db()
    return client.post(
        reverse("my_questions:thread", args=[question.uuid]), {"body": body, "version": question.version}
    )


def test_a_thread_end_to_end_with_scope(
    applicant, reviewer_for, departments, django_capture_on_commit_callbacks
):
    county, other, province = reviewer_for("630102"), reviewer_for("632801"), reviewer_for("630000")
    response = ask(applicant)
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("my_questions:thread", args=[question.uuid])
    assert question.department == departments["630102"] and question.submission is not None
    assert question.due_on == due_on(start=timezone.localdate(), working_days=5)
    assert question.state == QuestionState.OPEN

    # The right queue (and the province's, above it); not another region's.
    assert "学历证书丢失怎么办" in county.get(reverse("questions:queue")).content.decode()
    assert "学历证书丢失怎么办" in province.get(reverse("questions:queue")).content.decode()
    assert "学历证书丢失怎么办" not in other.get(reverse("questions:queue")).content.decode()
    assert other.get(reverse("questions:thread", args=[question.uuid])).status_code == 404
    assert answer(other, question, "越权答复").status_code == 404
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN and question.messages.count() == 1

    thread = county.get(reverse("questions:thread", args=[question.uuid])).content.decode()
    assert "毕业证书遗失" in thread and "提交答复" in thread
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(county, question, "可以，请上传学信网《教育部学历证书电子注册备案表》。")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED
    notice = Notification.objects.get(user=applicant.person)
    assert "已有答复" in notice.text and notice.link == reverse("my_questions:thread", args=[question.uuid])
    mobile = applicant.person.mobile
    assert any(m["mobile"] == mobile and "已有答复" in m["text"] for m in read_outbox()), mobile

    page = applicant.get(reverse("my_questions:thread", args=[question.uuid])).content.decode()
    assert "教育部学历证书电子注册备案表" in page and "提交追问" in page
    assert county.staff.full_name not in page  # the person sees the department, not the staff member

    assert reply(applicant, question, "备案表过期了还能用吗？").status_code == 302
    question.refresh_from_db()
    assert (question.state, question.replied) == (QuestionState.OPEN, True)
    refused = reply(applicant, question, "第二次追问")
    assert refused.status_code == 400 and "只能追问一次" in refused.content.decode()

    answer(county, question, "在有效期内的备案表可以使用。")
    question.refresh_from_db()
    assert question.state == QuestionState.CLOSED and question.closed_at is not None
    page = applicant.get(reverse("my_questions:thread", args=[question.uuid])).content.decode()
    assert "在有效期内的备案表可以使用" in page and "已关闭" in page and "提交追问" not in page
    refused = reply(applicant, question, "再问一次")
    assert refused.status_code == 400 and "只能追问一次" in refused.content.decode()
    assert question.messages.count() == 4
    assert "学历证书丢失怎么办" in county.get(reverse("questions:queue")).content.decode()  # 最近答复

    # Someone else's thread: 404 for another person.
    stranger = Client()
    stranger.force_login(ApplicantFactory.create())
    assert stranger.get(reverse("my_questions:thread", args=[question.uuid])).status_code == 404

    actions = list(
        AuditEvent.objects.filter(target_id=str(question.uuid))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert [a for a in actions if a != "staff.viewed_question"] == [
        "question.asked",
        "question.answered",
        "question.replied",
        "question.answered",
    ]
    assert "staff.viewed_question" in actions


def test_staff_close_a_thread_and_it_stays_readable(applicant, reviewer_for):
    support = reviewer_for("630102", role=StaffRole.SUPPORT)
    ask(applicant)
    question = Question.objects.get()
    question.refresh_from_db()
    response = support.post(reverse("questions:close", args=[question.uuid]), {"version": question.version})
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.state == QuestionState.CLOSED
    assert AuditEvent.objects.filter(action="question.closed").count() == 1
    assert "已关闭" in applicant.get(reverse("my_questions:thread", args=[question.uuid])).content.decode()
    # A stale form (the old version) changes nothing.
    assert support.post(reverse("questions:close", args=[question.uuid]), {"version": 0}).status_code == 302


def test_a_role_that_does_not_answer_questions_is_refused(reviewer_for):
    auditor = reviewer_for("630102", role=StaffRole.AUDITOR)
    assert auditor.get(reverse("questions:queue")).status_code == 403
    reviewer = reviewer_for("630102")
    assert 'href="/questions/"' in reviewer.get(reverse("questions:queue")).content.decode()
    # The staff menu (rendered once per combination of links) offers it only to those who answer.
    assert 'href="/questions/"' in reviewer.get("/").content.decode()
    assert 'href="/questions/"' not in auditor.get("/").content.decode()


def test_a_general_question_goes_to_the_department_covering_the_document_region(departments):
    person = ApplicantFactory.create(
        document_number=fake_resident_id(rng=random.Random(5), region_code="632801")
    )
    question = services.ask_question(person=person, subject="继续教育", body="学时怎么算？")
    assert question.department == departments["632801"] and question.topic == "general"
    elsewhere = ApplicantFactory.create(
        document_number=fake_resident_id(rng=random.Random(6), region_code="110101")
    )
    assert (
        services.ask_question(person=elsewhere, subject="问", body="问").department == departments["630000"]
    )


def test_the_per_day_limit(applicant):
    for number in range(QUESTIONS_PER_DAY):
        assert ask(applicant, subject=f"问题 {number}").status_code == 302
    response = ask(applicant, subject="第六个问题", body="这段文字不应丢失")
    page = response.content.decode()
    assert response.status_code == 400
    assert f"您今天已提交 {QUESTIONS_PER_DAY} 条留言，请明天再提交" in page
    assert "这段文字不应丢失" in page and 'value="第六个问题"' in page
    assert Question.objects.count() == QUESTIONS_PER_DAY


def test_bad_input_and_attachments(applicant, reviewer_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    county, other = reviewer_for("630102"), reviewer_for("632801")
    response = ask(applicant, subject="", body="")
    assert response.status_code == 400 and "请填写标题" in response.content.decode()
    fake = SimpleUploadedFile("scan.jpg", b"not an image at all", content_type="image/jpeg")
    response = ask(applicant, attachment=fake)
    page = response.content.decode()
    assert response.status_code == 400 and Question.objects.count() == 0
    assert (
        '<p class="error-message" id="id_attachment_error"><span>只能上传 JPG 或 PNG 格式的图片</span>'
        in page
    )
    assert "毕业证书遗失" in page  # the text typed is kept

    assert ask(applicant, body="<script>alert(1)</script>", attachment=_jpeg()).status_code == 302
    question = Question.objects.get()
    message = question.messages.get()
    assert message.attachment
    staff_page = county.get(reverse("questions:thread", args=[question.uuid])).content.decode()
    assert "<script>alert(1)</script>" not in staff_page and "&lt;script&gt;" in staff_page
    url = reverse("questions:attachment", args=[question.uuid, message.uuid])
    assert county.get(url).status_code == 200
    assert other.get(url).status_code == 404
    mine = reverse("my_questions:attachment", args=[question.uuid, message.uuid])
    assert applicant.get(mine).status_code == 200
    stranger = Client()
    stranger.force_login(ApplicantFactory.create())
    assert stranger.get(mine).status_code == 404
    assert AuditEvent.objects.filter(
        action="staff.viewed_question", details__attachment=str(message.uuid)
    ).exists()

    # An answer too long: the message beside the field, nothing changed.
    response = answer(county, question, "长" * 2001)
    assert response.status_code == 400 and "答复内容最多 2000 个字" in response.content.decode()
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN


def test_an_answer_becomes_a_faq_entry_on_the_help_page_then_withdrawn(applicant, reviewer_for):
    county, other = reviewer_for("630102"), reviewer_for("632801")
    ask(applicant)
    question = Question.objects.get()
    assert county.get(reverse("questions:make_faq", args=[question.uuid])).status_code == 302  # not answered
    answer(county, question, "可以，请上传学信网备案表。")
    form = county.get(reverse("questions:make_faq", args=[question.uuid])).content.decode()
    assert "可以，请上传学信网备案表。" in form
    response = county.post(
        reverse("questions:make_faq", args=[question.uuid]),
        {"question": "学历证书丢失怎么办？", "answer": "可以上传学信网备案表。", "position": "1"},
    )
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert entry.department == question.department and entry.source == question

    public = Client().get(reverse("help:faq"))
    assert public.status_code == 200 and "学历证书丢失怎么办？" in public.content.decode()
    assert "常见问题" in Client().get("/notices/").content.decode()  # the footer link

    # The answer form offers it as a template.
    ask(applicant, subject="另一个问题")
    second = Question.objects.latest("pk")
    assert (
        'data-reason-template="id_body"'
        in county.get(reverse("questions:thread", args=[second.uuid])).content.decode()
    )

    assert other.get(reverse("questions:faq_edit", args=[entry.uuid])).status_code == 404
    assert other.post(reverse("questions:faq_withdraw", args=[entry.uuid]), {"version": 0}).status_code == 404
    bad = county.post(
        reverse("questions:faq_edit", args=[entry.uuid]), {"question": "", "answer": "x", "position": "-1"}
    )
    assert (
        bad.status_code == 400
        and "请填写问题" in bad.content.decode()
        and "0 到 9999" in bad.content.decode()
    )
    county.post(
        reverse("questions:faq_edit", args=[entry.uuid]),
        {
            "question": "学历证书遗失怎么办？",
            "answer": "上传备案表。",
            "position": "2",
            "version": entry.version,
        },
    )
    entry.refresh_from_db()
    assert (entry.question, entry.position) == ("学历证书遗失怎么办？", 2)
    county.post(reverse("questions:faq_withdraw", args=[entry.uuid]), {"version": entry.version})
    entry.refresh_from_db()
    assert entry.withdrawn_at is not None
    assert "学历证书遗失怎么办？" not in Client().get(reverse("help:faq")).content.decode()
    assert list(
        AuditEvent.objects.filter(action__startswith="faq.").order_by("pk").values_list("action", flat=True)
    ) == ["faq.published", "faq.updated", "faq.withdrawn"]


def test_the_queue_page_queries_do_not_grow(reviewer_for, departments, django_assert_max_num_queries):
    county = reviewer_for("630102")

    def add(count):
        for _ in range(count):
            person = ApplicantFactory.create(
                document_number=fake_resident_id(rng=random.Random(), region_code="630102")
            )
            services.ask_question(person=person, subject="问题", body="内容")

    add(2)
    county.get(reverse("questions:queue"))
    with django_assert_max_num_queries(12) as few:
        county.get(reverse("questions:queue"))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = county.get(reverse("questions:queue"))
    assert response.content.decode().count("questions/") >= 12


def test_a_stale_page_changes_nothing(applicant, reviewer_for):
    # Two staff members answer from pages shown at the same version: the second is told, not saved.
    first, second = reviewer_for("630102"), reviewer_for("630102")
    ask(applicant)
    question = Question.objects.get()
    shown = question.version
    first.post(reverse("questions:thread", args=[question.uuid]), {"body": "第一份答复", "version": shown})
    response = second.post(
        reverse("questions:thread", args=[question.uuid]),
        {"body": "第二份答复", "version": shown},
        follow=True,
    )
    assert "该留言刚刚被其他人处理过" in response.content.decode()
    assert list(question.messages.filter(is_staff=True).values_list("body", flat=True)) == ["第一份答复"]
    assert Notification.objects.filter(user=applicant.person).count() == 1


def test_overdue_questions_are_on_the_overdue_page_of_their_departments_scope(applicant, reviewer_for):
    from datetime import timedelta

    from django.utils import timezone

    ask(applicant)
    question = Question.objects.get()
    Question.objects.filter(pk=question.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    page = reviewer_for("630102").get(reverse("review:overdue")).content.decode()
    section = page[page.index("<h2>留言咨询</h2>") : page.index("<h2>未提交的填报</h2>")]
    assert question.department.name in section and "1 条" in section
    elsewhere = reviewer_for("632801").get(reverse("review:overdue")).content.decode()
    assert "没有超期未答复的留言" in elsewhere


def test_overdue_questions_are_in_the_daily_reminder(applicant, departments):
    from datetime import timedelta

    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from kuaiji.accounts.constants import StaffRole
    from kuaiji.accounts.models import Notification
    from kuaiji.accounts.tests.factories import StaffFactory

    ask(applicant)
    question = Question.objects.get()
    Question.objects.filter(pk=question.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    admin = StaffFactory(department=question.department)
    admin.groups.add(Group.objects.get_or_create(name=StaffRole.DEPARTMENT_ADMIN)[0])
    call_command("report_overdue", "--date", timezone.localdate().isoformat())
    assert Notification.objects.filter(user=admin, text__contains="1 条留言咨询超过答复期限").exists()

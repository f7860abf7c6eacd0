"""Review by the finance departments: the queue within the reviewer's scope (by the department tree),
the review page audited and with images, approve / return with reason and flagged sections / refuse,
exactly one decision when two reviewers decide at once, the archive written in the same transaction,
the applicant told (in-site message and SMS) and able to resubmit after a return."""

import re
import threading

from django.db import connection
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import Notification
from kuaiji.accounts.sms import read_outbox
from kuaiji.archive.models import ArchiveRecord, ArchiveVersion
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.collection.tests import helpers
from kuaiji.review.models import Decision

ROW_LINK = re.compile(r'href="/review/[0-9a-f]{8}-')


def decide(client, submission, outcome, reason="", flagged=()):
    return client.post(
        reverse("review:decide", args=[submission.uuid]),
        {"outcome": outcome, "reason": reason, "flagged": list(flagged), "version": submission.version},
    )


@pytest.mark.django_db
def test_province_reviewer_sees_a_first_collection_and_approves_it(submitted, reviewer_for):
    submission, applicant = submitted()
    province = reviewer_for("630000")
    queue = province.get(reverse("review:queue")).content.decode()
    assert submission.applicant.full_name in queue
    assert submission.applicant.document_number not in queue  # masked in lists
    assert submission.applicant.document_number[:6] + "********" in queue
    page = province.get(reverse("review:detail", args=[submission.uuid]))
    assert page.status_code == 200
    assert submission.applicant.document_number in page.content.decode()  # whole on the detail page
    assert AuditEvent.objects.filter(action="staff.viewed_submission", actor=province.staff).exists()

    response = decide(province, submission, "approve")
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
    record = ArchiveRecord.objects.get(person=submission.applicant)
    assert record.current_version.number == 1
    assert record.department.division_id == "630102"
    assert AuditEvent.objects.filter(action="submission.approved", actor=province.staff).exists()
    assert Notification.objects.filter(user=submission.applicant, text__contains="审核通过").exists()
    assert any("审核通过" in message["text"] for message in read_outbox())
    assert "已通过" in applicant.get(reverse("collection:overview")).content.decode()


@pytest.mark.django_db
def test_return_needs_a_reason_and_marks_the_sections_to_fix(submitted, reviewer_for):
    submission, applicant = submitted()
    province = reviewer_for("630000")
    response = decide(province, submission, "return", reason="")
    assert Submission.objects.get(pk=submission.pk).status == Status.PENDING
    page = province.get(response["Location"]).content.decode()
    assert "请填写理由" in page

    decide(province, submission, "return", reason="学历证书照片不清晰", flagged=["education", "attachments"])
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED
    tasks = applicant.get(reverse("collection:tasks")).content.decode()
    assert "学历证书照片不清晰" in tasks
    assert tasks.count("需修改") == 2
    # The applicant fixes and resubmits; the second revision goes back to the queue.
    response = applicant.post(
        reverse("collection:check"), {"commitment": "1", "version": helpers.version(applicant)}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Status.PENDING and submission.revisions.count() == 2
    decide(province, submission, "approve")
    assert Decision.objects.filter(submission=submission).count() == 2


@pytest.mark.django_db
def test_refuse_needs_a_reason(submitted, reviewer_for):
    submission, _ = submitted()
    province = reviewer_for("630000")
    decide(province, submission, "refuse", reason="非会计人员")
    submission.refresh_from_db()
    assert submission.status == Status.REFUSED and submission.decision_reason == "非会计人员"
    assert not ArchiveRecord.objects.exists()


@pytest.mark.django_db
def test_a_city_reviewer_cannot_reach_a_first_collection_routed_to_the_province(submitted, reviewer_for):
    submission, _ = submitted()
    city = reviewer_for("630100")
    assert submission.applicant.full_name not in city.get(reverse("review:queue")).content.decode()
    assert city.get(reverse("review:detail", args=[submission.uuid])).status_code == 404
    assert decide(city, submission, "approve").status_code == 404
    attachment = submission.revisions.get().attachments.first()
    url = reverse("review:attachment_file", args=[submission.uuid, attachment.uuid])
    assert city.get(url).status_code == 404
    assert Submission.objects.get(pk=submission.pk).status == Status.PENDING


@pytest.mark.django_db
def test_another_provinces_reviewer_and_an_auditor(submitted, reviewer_for, departments):
    submission, _ = submitted()
    auditor = reviewer_for("630000", role=StaffRole.AUDITOR)
    assert auditor.get(reverse("review:detail", args=[submission.uuid])).status_code == 200
    assert decide(auditor, submission, "approve").status_code == 403  # read-only
    county = reviewer_for("632801")  # 格尔木: another branch of the tree
    assert county.get(reverse("review:detail", args=[submission.uuid])).status_code == 404


@pytest.mark.django_db
def test_applicants_and_anonymous_people_are_kept_out(submitted, client):
    submission, applicant = submitted()
    assert applicant.get(reverse("review:queue")).status_code == 403
    assert applicant.get(reverse("review:detail", args=[submission.uuid])).status_code == 403
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302 and "/staff/sign-in/" in response["Location"]


@pytest.mark.django_db
def test_the_second_of_two_reviewers_is_told_and_nothing_is_recorded_twice(submitted, reviewer_for):
    submission, _ = submitted()
    first = reviewer_for("630000")
    second = reviewer_for("630000")
    decide(first, submission, "approve")
    response = decide(second, submission, "return", reason="晚了一步")  # same version as the first saw
    page = second.get(response["Location"]).content.decode()
    assert "已由其他审核员处理" in page
    assert Decision.objects.filter(submission=submission).count() == 1
    assert ArchiveVersion.objects.count() == 1


# Committed transactions, one per thread; serialized_rollback restores the reference data (divisions) that
# another transactional test's flush removed. Only on PostgreSQL: SQLite serialises writers anyway.
@(
    pytest.mark.django_db(transaction=True, serialized_rollback=True)
    if connection.vendor == "postgresql"
    else pytest.mark.skip(reason="the race needs a database with concurrent writers (run on PostgreSQL)")
)
def test_two_reviewers_deciding_at_the_same_moment_on_postgresql(submitted, reviewer_for):
    submission, _ = submitted()
    clients = [reviewer_for("630000"), reviewer_for("630000")]
    barrier = threading.Barrier(2)
    statuses = []

    def run(client, outcome):
        barrier.wait()
        statuses.append(decide(client, submission, outcome, reason="理由").status_code)
        connection.close()

    threads = [
        threading.Thread(target=run, args=(c, o)) for c, o in zip(clients, ("approve", "refuse"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Decision.objects.filter(submission=submission).count() == 1
    assert Submission.objects.get(pk=submission.pk).status in (Status.APPROVED, Status.REFUSED)
    assert ArchiveVersion.objects.count() == (
        1 if Submission.objects.get(pk=submission.pk).status == Status.APPROVED else 0
    )


@pytest.mark.django_db
def test_queue_query_count_does_not_grow_with_rows(submitted, reviewer_for, django_assert_max_num_queries):
    for _ in range(3):
        submitted()
    province = reviewer_for("630000")
    with django_assert_max_num_queries(20) as captured:
        response = province.get(reverse("review:queue"))
    assert len(ROW_LINK.findall(response.content.decode())) == 3
    three_rows = len(captured.captured_queries)
    for _ in range(3):
        submitted()
    with django_assert_max_num_queries(three_rows):
        response = province.get(reverse("review:queue"))
    assert len(ROW_LINK.findall(response.content.decode())) == 6


@pytest.mark.django_db
@pytest.mark.parametrize("outcome", ["return", "refuse"])
def test_a_reason_ending_in_a_full_stop_is_not_doubled(submitted, departments, outcome):
    from django.contrib.auth.models import Group

    from kuaiji.accounts.constants import StaffRole
    from kuaiji.accounts.models import Notification
    from kuaiji.accounts.tests.factories import StaffFactory
    from kuaiji.review.services import decide

    submission, _client = submitted()
    reviewer = StaffFactory(department=submission.department)
    reviewer.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])

    decide(
        reviewer=reviewer,
        submission=submission,
        expected_version=submission.version,
        outcome=outcome,
        reason="学历证书照片不清晰。",
    )

    text = Notification.objects.get(user=submission.applicant).text
    assert "不清晰" in text
    assert "。。" not in text

"""Changes (信息变更) and transfers (调转) after a decision: a change goes to the person's own department,
which sees old vs new; a transfer goes to the receiving department while the releasing one sees it in its
history but cannot decide it; approving either adds an archive version and keeps the earlier ones; a
person has at most one open submission."""

from django.urls import reverse

import pytest

from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission
from kuaiji.collection.services import missing_attachments
from kuaiji.collection.tests import helpers

from .test_review import decide


def approved(submitted, reviewer_for):
    submission, applicant = submitted()
    decide(reviewer_for("630000"), submission, "approve")
    return submission, applicant


def submit(applicant):
    helpers.re_sign(applicant)
    return applicant.post(
        reverse("collection:check"), {"commitment": "1", "version": helpers.version(applicant)}
    )


def upload_missing(applicant):
    submission = Submission.objects.get(applicant=applicant.applicant, status=Status.DRAFT)
    for requirement in missing_attachments(submission):
        applicant.post(
            reverse("collection:upload_attachment", args=[requirement.slot]),
            {"files": helpers.image_upload(name=f"{requirement.slot}.jpg")},
        )


@pytest.mark.django_db
def test_change_of_qualification_goes_to_the_own_department_with_old_and_new(submitted, reviewer_for):
    _first, applicant = approved(submitted, reviewer_for)
    response = applicant.post(reverse("collection:start_change"))
    assert response.status_code == 302
    change = Submission.objects.get(applicant=applicant.applicant, status=Status.DRAFT)
    assert change.kind == SubmissionKind.CHANGE
    response = applicant.post(
        reverse("collection:section", args=["qualification"]),
        {**helpers.QUALIFICATION_JUNIOR, "version": helpers.version(applicant), "action": "save"},
    )
    assert response.status_code == 302
    upload_missing(applicant)  # the qualification certificate is now required
    assert submit(applicant).status_code == 302
    change.refresh_from_db()
    assert change.status == Status.PENDING
    assert change.department.division_id == "630102"  # the person's own department, not the province

    city = reviewer_for("630100")  # 西宁市: 城东区 is below it
    page = city.get(reverse("review:detail", args=[change.uuid])).content.decode()
    assert "原：无" in page and "初级" in page
    decide(city, change, "approve")
    record = ArchiveRecord.objects.get(person=applicant.applicant)
    assert [v.number for v in record.versions.all()] == [1, 2]
    assert record.qualification_level == "junior"


@pytest.mark.django_db
def test_no_second_open_submission(submitted, reviewer_for):
    _, applicant = approved(submitted, reviewer_for)
    applicant.post(reverse("collection:start_change"))
    response = applicant.post(reverse("collection:start_change"), {"kind": "transfer"}, follow=True)
    assert "尚未办结" in response.content.decode()
    assert Submission.objects.filter(applicant=applicant.applicant, status=Status.DRAFT).count() == 1


@pytest.mark.django_db
def test_a_change_cannot_move_department(submitted, reviewer_for, departments):
    _, applicant = approved(submitted, reviewer_for)
    applicant.post(reverse("collection:start_change"))
    applicant.post(
        reverse("collection:section", args=["employer"]),
        {
            **helpers.employer(departments["632801"].pk),
            "version": helpers.version(applicant),
            "action": "save",
        },
    )
    response = submit(applicant)
    assert response.status_code == 400
    assert "请撤销本次变更后办理调转" in response.content.decode()


@pytest.mark.django_db
def test_transfer_to_another_prefecture_is_decided_by_the_receiving_department(
    submitted, reviewer_for, departments
):
    _, applicant = approved(submitted, reviewer_for)
    applicant.post(reverse("collection:start_change"), {"kind": "transfer"})
    transfer = Submission.objects.get(applicant=applicant.applicant, status=Status.DRAFT)
    assert transfer.kind == SubmissionKind.TRANSFER
    # Submitting without choosing a new department is refused.
    assert "选择调入的会计管理部门" in submit(applicant).content.decode()
    applicant.post(
        reverse("collection:section", args=["employer"]),
        {
            **helpers.employer(departments["632801"].pk),
            "version": helpers.version(applicant),
            "action": "save",
        },
    )
    assert submit(applicant).status_code == 302
    transfer.refresh_from_db()
    assert transfer.department.division_id == "632801"
    assert transfer.releasing_department.division_id == "630102"

    releasing = reviewer_for("630102")
    assert releasing.get(reverse("review:detail", args=[transfer.uuid])).status_code == 200  # sees it
    assert decide(releasing, transfer, "approve").status_code == 404  # cannot decide it
    receiving = reviewer_for("632801")
    decide(receiving, transfer, "approve")
    transfer.refresh_from_db()
    assert transfer.status == Status.APPROVED
    assert ArchiveRecord.objects.get(person=applicant.applicant).department.division_id == "632801"

"""The 信息登记 wizard through its pages: notice → personal info and 1-inch photo → work unit and
management department → education → qualification → attachments (the list follows the answers) →
personal basic information form → check and submit; drafts survive every step; the applicant sees the
status and due date after submitting; withdrawing returns it to draft; two tabs and a double click are
handled; only the applicant's own drafts and files are reachable."""

from django.urls import reverse

import pytest

from kuaiji.audit.models import AuditEvent
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Revision, Submission

from . import helpers


def post_section(client, section, data, action="save"):
    return client.post(
        reverse("collection:section", args=[section]),
        {**data, "version": helpers.version(client), "action": action},
    )


def fill_everything(client, departments, *, has_employer=True, qualification=None, department_code="630102"):
    client.post(reverse("collection:start"))
    response = client.post(reverse("collection:notice"), {"read": "1", "version": helpers.version(client)})
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        reverse("collection:section", args=["personal"]),
        {
            **helpers.PERSONAL,
            "mobile": client.applicant.mobile,
            "version": helpers.version(client),
            "action": "upload_portrait",
            "portrait": helpers.image_upload(size=(2000, 1500)),
        },
    )
    # The page is shown again with the stored portrait (the upload is not a step of its own).
    assert response.status_code == 200, response.content.decode()[:3000]
    assert (
        Submission.objects.get(applicant=client.applicant, status=Status.DRAFT)
        .attachments.filter(slot="portrait")
        .exists()
    )
    response = post_section(client, "personal", {**helpers.PERSONAL, "mobile": client.applicant.mobile})
    assert response.status_code == 302, response.content.decode()[:5000]
    response = post_section(
        client, "employer", helpers.employer(departments["630102"].pk, has_employer=has_employer)
    )
    assert response.status_code == 302, response.content.decode()[:5000]
    response = post_section(client, "education", helpers.EDUCATION)
    assert response.status_code == 302, response.content.decode()[:5000]
    response = post_section(client, "qualification", qualification or helpers.QUALIFICATION_NONE)
    assert response.status_code == 302, response.content.decode()[:5000]
    submission = Submission.objects.get(applicant=client.applicant)
    from kuaiji.collection.services import missing_attachments

    # The signed form is a print of the form downloaded now (see test_signed_form_status).
    assert client.get(reverse("collection:basic_info_pdf")).status_code == 200
    for requirement in missing_attachments(submission):
        response = client.post(
            reverse("collection:upload_attachment", args=[requirement.slot]),
            {"files": helpers.image_upload(name=f"{requirement.slot}.jpg")},
        )
        assert response.status_code == 302
    submission.refresh_from_db()  # the pages added the files
    assert missing_attachments(submission) == []
    return submission


@pytest.mark.django_db
def test_full_wizard_submit_goes_to_the_province_with_a_due_date(applicant_client, departments):
    client = applicant_client
    submission = fill_everything(client, departments)
    tasks = client.get(reverse("collection:tasks")).content.decode()
    assert tasks.count("已完成") >= 7
    pdf = client.get(reverse("collection:basic_info_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    response = client.post(
        reverse("collection:check"), {"commitment": "1", "version": helpers.version(client)}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    submission.refresh_from_db()
    assert submission.status == Status.PENDING
    assert submission.department == departments["630000"]
    assert submission.due_on is not None
    revision = Revision.objects.get(submission=submission)
    assert revision.answers["personal"]["full_name"] == "林晓芸"
    assert revision.attachments.count() == submission.attachments.count()
    page = client.get(reverse("collection:overview")).content.decode()
    assert "待审核" in page and departments["630000"].name in page
    assert f"{submission.due_on.year}年{submission.due_on.month}月{submission.due_on.day}日" in page
    assert AuditEvent.objects.filter(action="submission.submitted", target_id=str(submission.uuid)).exists()


@pytest.mark.django_db
def test_commitment_is_required(applicant_client, departments):
    fill_everything(applicant_client, departments)
    response = applicant_client.post(
        reverse("collection:check"), {"version": helpers.version(applicant_client)}
    )
    assert response.status_code == 400
    assert "请阅读并勾选承诺函" in response.content.decode()

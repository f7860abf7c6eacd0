"""A signed 个人基本信息表 must show what is submitted (defect 11).

Requirements covered:
- a form downloaded, signed and uploaded for the current answers lets the submission go;
- when the answers change afterwards, the form is out of date: the task list marks 个人基本信息表 需修改
  with a message, the check page says so and refuses to submit; downloading and uploading again clears it;
- a new signed page beside an old one leaves the form out of date: the form page marks the old page
  已过期 (and only it), the check page marks it among the attachments and its refusal links there;
- a signed form with no fingerprint (copied into a change or transfer from the approved record, with the
  old employer's stamp) counts as out of date.
"""

from django.urls import reverse

import pytest

from kuaiji.collection import form_status, services
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Attachment

from . import helpers
from .conftest import small_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(applicant_client, fill):
    submission = fill(applicant_client.applicant)
    submission.attachments.filter(slot="basic_info_form").delete()
    return submission


def sign_and_upload(client) -> None:
    assert client.get(reverse("collection:basic_info_pdf")).status_code == 200
    client.post(
        reverse("collection:upload_attachment", args=["basic_info_form"]),
        {"files": small_image("signed.jpg"), "next": reverse("collection:basic_info_form")},
    )


def change_an_answer(submission) -> None:
    submission.refresh_from_db()
    services.save_section(
        submission,
        section="personal",
        data={**helpers.PERSONAL, "mobile": submission.applicant.mobile, "residence_address": "虚构路 2 号"},
        expected_version=submission.version,
    )


def submit(client, submission):
    submission.refresh_from_db()
    return client.post(reverse("collection:check"), {"version": submission.version, "commitment": "on"})


def test_a_form_for_the_current_answers_lets_the_submission_go(applicant_client, complete):
    sign_and_upload(applicant_client)

    assert not form_status.signed_form_out_of_date(complete)
    assert (
        form_status.out_of_date_message(complete)
        not in applicant_client.get(reverse("collection:check")).content.decode()
    )
    response = submit(applicant_client, complete)
    assert response.status_code == 302
    complete.refresh_from_db()
    assert complete.status == Status.PENDING


def test_a_change_after_signing_makes_the_form_out_of_date(applicant_client, complete):
    sign_and_upload(applicant_client)
    change_an_answer(complete)

    assert form_status.signed_form_out_of_date(complete)
    tasks = applicant_client.get(reverse("collection:tasks")).content.decode()
    assert form_status.out_of_date_message(complete) in tasks
    assert "需修改" in tasks
    assert (
        form_status.out_of_date_message(complete)
        in applicant_client.get(reverse("collection:check")).content.decode()
    )
    response = submit(applicant_client, complete)
    assert response.status_code == 400
    assert form_status.out_of_date_message(complete) in response.content.decode()
    complete.refresh_from_db()
    assert complete.status == Status.DRAFT

    complete.attachments.filter(slot="basic_info_form").delete()
    sign_and_upload(applicant_client)
    complete.refresh_from_db()  # the pages changed it
    assert not form_status.signed_form_out_of_date(complete)


def test_the_old_page_beside_a_new_one_is_marked(applicant_client, complete):
    sign_and_upload(applicant_client)
    change_an_answer(complete)
    sign_and_upload(applicant_client)  # downloaded again, but the old page was not deleted
    [old, new] = complete.attachments.filter(slot="basic_info_form").order_by("created_at")

    assert form_status.signed_form_out_of_date(complete)
    assert [fact.pk for fact in form_status.out_of_date_forms(complete)] == [old.pk]
    page = applicant_client.get(reverse("collection:basic_info_form")).content.decode()
    assert f'id="out-of-date-{old.uuid}"' in page and f'id="out-of-date-{new.uuid}"' not in page
    assert "请删除下方标明“已过期”的照片" in page
    refused = submit(applicant_client, complete).content.decode()
    assert f'<a href="#signed-form-file">{form_status.out_of_date_message(complete)}</a>' in refused
    assert 'id="signed-form-file"' in refused and 'id="signed-form-out-of-date"' not in refused


def test_a_copied_form_without_a_fingerprint_is_out_of_date(applicant_client, complete):
    sign_and_upload(applicant_client)
    Attachment.objects.filter(slot="basic_info_form").update(answers_fingerprint="")

    assert form_status.signed_form_out_of_date(complete)


def test_the_message_asks_for_a_stamp_only_with_a_work_unit(complete):
    complete.answers = {
        **complete.answers,
        "employer": {**complete.answers["employer"], "has_employer": "no"},
    }
    assert "盖章" not in form_status.out_of_date_message(complete)
    complete.answers["employer"]["has_employer"] = "yes"
    assert "签字盖章" in form_status.out_of_date_message(complete)

"""Filling the wizard through the test client, section by section."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from PIL import Image

from kuaiji.collection.models import Submission
from kuaiji.core.fakes import fake_credit_code

CREDIT_CODE = fake_credit_code(rng=random.Random(5), region_code="630102")


def image_upload(name="photo.jpg", size=(1200, 900), color=(180, 160, 150)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.effect_noise(size, 30).convert("RGB").save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


PERSONAL = {
    "full_name": "林晓芸",
    "sex": "female",
    "birth_date": "1990-03-14",
    "ethnicity": "01",
    "political_status": "13",
    "email": "",
    "residence_division_0": "630000",
    "residence_division_1": "630100",
    "residence_division_2": "630104",
    "residence_address": "虚构路 1 号",
}


def employer(department_id, *, has_employer=True) -> dict:
    data = {
        "has_employer": "yes" if has_employer else "no",
        "started_accounting_on": "2012-07",
        "management_department": str(department_id),
        "history-TOTAL_FORMS": "1",
        "history-INITIAL_FORMS": "0",
        "history-MIN_NUM_FORMS": "0",
        "history-MAX_NUM_FORMS": "10",
    }
    if has_employer:
        data.update(
            {
                "credit_code": CREDIT_CODE,
                "employer_name": "西宁虚构商贸有限公司",
                "employer_nature": "private_enterprise",
                "employer_division_0": "630000",
                "employer_division_1": "630100",
                "employer_division_2": "630102",
                "employer_address": "虚构大街 8 号",
                "department_post": "财务部 会计",
            }
        )
    return data


EDUCATION = {
    "level": "bachelor",
    "degree": "bachelor",
    "school": "虚构财经大学",
    "major": "会计学",
    "graduated_on": "2012-06-30",
    "certificate_number": "106001201205000123",
    "part_time-TOTAL_FORMS": "1",
    "part_time-INITIAL_FORMS": "0",
    "part_time-MIN_NUM_FORMS": "0",
    "part_time-MAX_NUM_FORMS": "5",
}

QUALIFICATION_NONE = {
    "qualification_level": "none",
    "accounting_post": "none",
    "abacus_level": "none",
}

QUALIFICATION_JUNIOR = {
    "qualification_level": "junior",
    "qualification_type": "accounting",
    "qualification_method": "exam",
    "qualification_obtained_on": "2014-05-20",
    "qualification_certificate_number": "Z630100001",
    "accounting_post": "none",
    "abacus_level": "none",
}


def version(client) -> int:
    """The version of the client's open submission (or latest one) that a page would carry."""
    submission = Submission.objects.filter(applicant=client.applicant).order_by("-created_at").first()
    assert submission is not None, "the client has no submission"
    return submission.version


def re_sign(client) -> None:
    """Download the form again and upload its signed photo when the answers changed since the last one
    (a fix, a change, a transfer: see collection.form_status)."""
    from django.urls import reverse

    from kuaiji.collection import form_status
    from kuaiji.collection.constants import EDITABLE_STATUSES

    submission = Submission.objects.filter(applicant=client.applicant, status__in=EDITABLE_STATUSES).first()
    if submission is None or not form_status.signed_form_out_of_date(submission):
        return
    submission.attachments.filter(slot=form_status.SIGNED_FORM_SLOT).delete()
    assert client.get(reverse("collection:basic_info_pdf")).status_code == 200
    client.post(
        reverse("collection:upload_attachment", args=[form_status.SIGNED_FORM_SLOT]),
        {"files": image_upload(name="signed.jpg")},
    )


def re_sign_submission(submission) -> None:
    """``re_sign`` without pages: when the answers changed since the signed form, generate it again (what
    the download records) and upload a new signed photo in place of the old one."""
    from kuaiji.collection import form_status, services

    submission.refresh_from_db()
    if not form_status.signed_form_out_of_date(submission):
        return
    submission.attachments.filter(slot=form_status.SIGNED_FORM_SLOT).delete()
    form_status.record_form_generated(submission)
    services.add_attachment(
        submission, slot=form_status.SIGNED_FORM_SLOT, upload=image_upload(name="signed.jpg", size=(320, 240))
    )
    submission.refresh_from_db()

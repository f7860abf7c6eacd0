"""Demo submissions: one person halfway through the wizard, one waiting for review."""

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile

from PIL import Image, ImageDraw

from kuaiji.collection import form_status, services
from kuaiji.collection.constants import Status
from kuaiji.collection.identity_photos import ID_FRONT_SLOT
from kuaiji.collection.models import Notice, Submission
from kuaiji.core.fakes import fake_credit_code
from kuaiji.core.portraits import normalise_portrait


def _picture(label: str, size=(1200, 800), color=(236, 240, 245)) -> SimpleUploadedFile:
    """A made-up document photo: a pale card with its name on it (no real document)."""
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 40, size[0] - 40, size[1] - 40], outline=(120, 130, 150), width=6)
    draw.text((80, 80), f"DEMO {label}", fill=(60, 60, 60))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(f"{label}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _card_front(person, *, ethnicity_code: str, address: str) -> SimpleUploadedFile:
    """A made-up photo of the person's ID card's front, as a phone takes it, which the worker reads like
    any other (kuaiji.recognition.synthetic; the person and the card are generated)."""
    from datetime import date

    from kuaiji.core.constants import ETHNICITIES
    from kuaiji.recognition.synthetic import CardFace, card_photo

    number = person.document_number
    face = CardFace(
        name=person.full_name,
        sex="男" if int(number[16]) % 2 else "女",
        ethnicity=dict(ETHNICITIES)[ethnicity_code].removesuffix("族"),
        birth_date=date(int(number[6:10]), int(number[10:12]), int(number[12:14])),
        address=address,
        number=number,
    )
    content = card_photo(face, rng=random.Random(number))
    return SimpleUploadedFile("身份证人像面.jpg", content, content_type="image/jpeg")


def _card_address(county: str) -> str:
    """A made-up street in the county, under the names of its province, prefecture and county."""
    from kuaiji.regions.selectors import division_path

    return "".join(division.name for division in division_path(county)) + "虚构路12号"


def _portrait() -> SimpleUploadedFile:
    image = Image.new("RGB", (600, 800), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    draw.ellipse([210, 150, 390, 370], fill=(226, 196, 170))
    draw.rectangle([150, 420, 450, 800], fill=(40, 60, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("portrait.jpg", buffer.getvalue(), content_type="image/jpeg")


def _answers(person, department_id: int, *, county: str) -> dict:
    return {
        "personal": {
            "full_name": person.full_name,
            "ethnicity": "35",
            "political_status": "13",
            "mobile": person.mobile,
            "residence_division_0": "630000",
            "residence_division_1": "632800",
            "residence_division_2": county,
            "residence_address": "虚构路 12 号（演示数据）",
        },
        "employer": {
            "has_employer": "yes",
            "credit_code": fake_credit_code(rng=random.Random(8), region_code=county),
            "employer_name": "格尔木虚构盐化有限公司",
            "employer_nature": "state_enterprise",
            "employer_division_0": "630000",
            "employer_division_1": "632800",
            "employer_division_2": county,
            "employer_address": "虚构工业园 3 号（演示数据）",
            "department_post": "财务部 出纳",
            "started_accounting_on": "2016-08",
            "management_department": str(department_id),
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
        },
        "education": {
            "level": "bachelor",
            "degree": "bachelor",
            "school": "虚构财经学院",
            "major": "会计学",
            "graduated_on": "2016-06-30",
            "certificate_number": "DEMO2016000123",
            "part_time-TOTAL_FORMS": "0",
            "part_time-INITIAL_FORMS": "0",
        },
        "qualification": {"qualification_level": "none", "accounting_post": "none", "abacus_level": "none"},
    }


def _submit_filled(person, department, county: str):
    submission = services.start_collection(person)
    services.accept_notice(submission, notice=_notice(), expected_version=submission.version)
    for section, data in _answers(person, department.pk, county=county).items():
        services.save_section(submission, section=section, data=data, expected_version=submission.version)
    services.set_portrait(submission, portrait=normalise_portrait(_portrait()), original_name="portrait.jpg")
    # The person downloads the form before signing it (what it shows is remembered: form_status).
    form_status.record_form_generated(submission)
    personal = _answers(person, department.pk, county=county)["personal"]
    for requirement in services.missing_attachments(submission):
        upload = (
            _card_front(person, ethnicity_code=personal["ethnicity"], address=_card_address(county))
            if requirement.slot == ID_FRONT_SLOT
            else _picture(requirement.slot)
        )
        services.add_attachment(submission, slot=requirement.slot, upload=upload)
    return services.submit(submission, expected_version=submission.version, commitment_accepted=True)


def ensure_demo_submissions(*, applicants: dict, departments: dict, reviewer=None) -> None:
    """``applicants`` by name; idempotent: people who already have a submission are left alone."""
    pending = applicants.get("才让卓玛")
    if pending is not None and not Submission.objects.filter(applicant=pending).exists():
        submission = _submit_filled(pending, departments["632801"], "632801")
        assert submission.status == Status.PENDING
    approved = applicants.get("阿依古丽·买买提")
    if (
        approved is not None
        and reviewer is not None
        and not Submission.objects.filter(applicant=approved).exists()
    ):
        from kuaiji.review.services import decide

        submission = _submit_filled(approved, departments["630102"], "630102")
        decide(
            reviewer=reviewer,
            submission=submission,
            expected_version=submission.version,
            outcome="approve",
            reason="",
        )
    halfway = applicants.get("马海军")
    if halfway is not None and not Submission.objects.filter(applicant=halfway).exists():
        submission = services.start_collection(halfway)
        services.accept_notice(submission, notice=_notice(), expected_version=submission.version)
        personal = _answers(halfway, departments["630100"].pk, county="632801")["personal"]
        services.save_section(
            submission, section="personal", data=personal, expected_version=submission.version
        )


def _notice() -> Notice:
    notice = services.current_notice()
    assert notice is not None, "the demo data has a notice"
    return notice

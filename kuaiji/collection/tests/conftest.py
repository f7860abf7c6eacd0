"""Fixtures shared by the collection tests: a signed-in applicant, the media folder, and ``fill``,
which completes a draft through the services (quicker than the pages; ``test_wizard.fill_everything``
does the same through the test client)."""

from pathlib import Path

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.collection import form_status, services
from kuaiji.collection.models import Submission
from kuaiji.core.portraits import normalise_portrait

from . import helpers


@pytest.fixture
def applicant_client(client, departments):
    applicant = ApplicantFactory(document_number="630104199003141781", full_name="林晓芸")
    client.force_login(applicant)
    client.applicant = applicant
    return client


@pytest.fixture
def media(settings) -> Path:
    """The folder the default storage writes to in this test (see the root conftest)."""
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def stored_files(media: Path) -> list[str]:
    """Every file under ``media``, as storage names."""
    if not media.exists():
        return []
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def small_image(name="scan.jpg"):
    return helpers.image_upload(name=name, size=(320, 240))


@pytest.fixture
def fill(departments):
    """``fill(applicant, **options)``: a complete draft, with its photo and every attachment it needs.

    Options: ``has_employer``, ``personal``, ``qualification``, ``education`` (section data),
    ``department`` (division code of the management department), ``attachments`` (False: none).
    """

    def fill(
        applicant,
        *,
        has_employer=True,
        personal=None,
        qualification=None,
        education=None,
        department="630102",
        attachments=True,
    ) -> Submission:
        submission = services.start_collection(applicant)
        notice = services.current_notice()
        assert notice is not None
        services.accept_notice(submission, notice=notice, expected_version=submission.version)
        sections = {
            "personal": {**helpers.PERSONAL, "mobile": applicant.mobile, **(personal or {})},
            "employer": helpers.employer(departments[department].pk, has_employer=has_employer),
            "education": education or helpers.EDUCATION,
            "qualification": qualification or helpers.QUALIFICATION_NONE,
        }
        for section, data in sections.items():
            services.save_section(submission, section=section, data=data, expected_version=submission.version)
        assert set(services.validated_answers(submission)) == set(sections)
        services.set_portrait(submission, portrait=normalise_portrait(helpers.image_upload(size=(600, 800))))
        if attachments:
            # As a person does: the form is downloaded, then its signed photo uploaded (form_status).
            form_status.record_form_generated(submission)
            for requirement in services.missing_attachments(submission):
                attachment = services.add_attachment(
                    submission, slot=requirement.slot, upload=small_image(f"{requirement.slot}.jpg")
                )
                if requirement.slot == form_status.SIGNED_FORM_SLOT:
                    form_status.stamp_signed_form(submission, attachment)
        submission.refresh_from_db()
        return submission

    return fill


@pytest.fixture
def other_applicant(db):
    return ApplicantFactory(full_name="赵文博")

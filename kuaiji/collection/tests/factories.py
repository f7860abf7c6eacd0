"""``SubmissionFactory``: a submission at any point of its life, built through the real services.

Each trait is one stage, and every stage goes through the steps before it, so a ``submitted`` one was
really submitted (it has a Revision, a route and a due date) and an ``approved`` one was decided by a
reviewer (it has an archive version)::

    SubmissionFactory()                                  # complete: ready to submit
    SubmissionFactory(draft=True)                        # notice read, nothing filled in
    SubmissionFactory(submitted=True, department="632801")
    SubmissionFactory(approved=True, applicant=person)
    SubmissionFactory(changed=True)                      # the pending change of an approved record
    SubmissionFactory(transferred=True)                  # the pending transfer to ``transfer_to``

Tests that test the wizard's pages or the API's flow still go through them; this is for the state
they start from.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import UploadedFile

import factory

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
from kuaiji.collection import form_status, services
from kuaiji.collection.constants import SubmissionKind
from kuaiji.collection.models import Submission
from kuaiji.core.portraits import normalise_portrait
from kuaiji.regions.demo import ensure_demo_departments

from . import helpers

STAGES = ("draft", "complete", "submitted", "returned", "approved", "changed", "transferred")
RETURN_REASON = "学历证书照片不清晰，请重新上传"


def province_reviewer() -> User:
    """A reviewer of the provincial department (whose scope covers every department)."""
    departments = ensure_demo_departments()
    staff = StaffFactory.create(department=departments["630000"])
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    return staff


Upload = Callable[[str], UploadedFile]


def fill(
    submission: Submission,
    *,
    department_id: int,
    sections: dict[str, dict[str, Any]],
    omit: tuple[str, ...] = (),
    upload_for: Upload | None = None,
) -> None:
    """Every section but ``omit``, the portrait and each attachment the answers need (``upload_for(slot)``
    gives the file of a slot; a small grey image by default)."""
    data = {
        "personal": {**helpers.PERSONAL, "mobile": submission.applicant.mobile},
        "employer": helpers.employer(department_id),
        "education": helpers.EDUCATION,
        "qualification": helpers.QUALIFICATION_NONE,
    }
    for section, values in data.items():
        if section in omit:
            continue
        values = {**values, **sections.get(section, {})}
        submission.refresh_from_db()
        services.save_section(submission, section=section, data=values, expected_version=submission.version)
    if services.portrait_of(submission) is None:
        services.set_portrait(submission, portrait=normalise_portrait(helpers.image_upload(size=(600, 800))))
    for requirement in services.missing_attachments(submission):
        if requirement.slot == form_status.SIGNED_FORM_SLOT and omit:
            continue  # the form can only be generated once every section is filled in
        if upload_for is not None:
            upload = upload_for(requirement.slot)
        else:
            upload = helpers.image_upload(name=f"{requirement.slot}.jpg", size=(320, 240))
        if requirement.slot == form_status.SIGNED_FORM_SLOT:
            form_status.record_form_generated(submission)  # the form printed and signed is of these answers
        attachment = services.add_attachment(submission, slot=requirement.slot, upload=upload)
        if requirement.slot == form_status.SIGNED_FORM_SLOT:
            form_status.stamp_signed_form(submission, attachment)
    submission.refresh_from_db()


def _submit(submission: Submission) -> Submission:
    helpers.re_sign_submission(submission)  # a change or transfer starts from the approved form
    return services.submit(submission, expected_version=submission.version, commitment_accepted=True)


def _decide(submission: Submission, *, outcome: str, reviewer: User | None) -> None:
    from kuaiji.review import services as review_services

    review_services.decide(
        reviewer=reviewer or province_reviewer(),
        submission=submission,
        expected_version=submission.version,
        outcome=outcome,
        reason=RETURN_REASON if outcome == "return" else "",
    )
    submission.refresh_from_db()


class SubmissionFactory(factory.Factory[Submission]):
    """Options: ``applicant`` (a new one by default), ``department`` (division code of the management
    department, 630102 城东区 by default), ``transfer_to`` (a transfer's new department, 632801 格尔木),
    ``sections`` (section data merged over the helpers' answers), ``omit`` (sections left unfilled, for a
    draft or complete one), ``upload_for`` (slot → the file to attach), ``reviewer`` (for the decisions)."""

    class Meta:
        model = Submission

    class Params:
        draft = factory.Trait(stage="draft")
        complete = factory.Trait(stage="complete")
        submitted = factory.Trait(stage="submitted")
        returned = factory.Trait(stage="returned")
        approved = factory.Trait(stage="approved")
        changed = factory.Trait(stage="changed")
        transferred = factory.Trait(stage="transferred")

    stage = "complete"
    applicant = factory.SubFactory(ApplicantFactory)
    department = "630102"
    transfer_to = "632801"
    sections: Any = factory.LazyFunction(dict)
    omit: tuple[str, ...] = ()
    upload_for: Upload | None = None
    reviewer = None

    @classmethod
    def _build(cls, model_class: type[Submission], *args: Any, **kwargs: Any) -> Submission:
        raise TypeError("SubmissionFactory goes through the services: use create(), not build()")

    @classmethod
    def _create(
        cls,
        model_class: type[Submission],
        *,
        stage: str,
        applicant: User,
        department: str,
        transfer_to: str,
        sections: dict[str, dict[str, Any]],
        omit: tuple[str, ...],
        upload_for: Upload | None,
        reviewer: User | None,
    ) -> Submission:
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}; one of {STAGES}")
        departments = ensure_demo_departments()
        submission = services.start_collection(applicant)
        notice = services.current_notice()
        assert notice is not None, "the test database has a notice"
        services.accept_notice(submission, notice=notice, expected_version=submission.version)
        submission.refresh_from_db()
        if stage == "draft":
            return submission
        fill(
            submission,
            department_id=departments[department].pk,
            sections=sections,
            omit=omit,
            upload_for=upload_for,
        )
        if stage == "complete":
            return submission
        if omit:
            raise ValueError("sections can be left out of a draft or a complete one only")
        submission = _submit(submission)
        if stage == "submitted":
            return submission
        if stage == "returned":
            _decide(submission, outcome="return", reviewer=reviewer)
            return submission
        _decide(submission, outcome="approve", reviewer=reviewer)
        if stage == "approved":
            return submission
        if stage == "changed":
            change = services.start_change(applicant, kind=SubmissionKind.CHANGE)
            employer = {**helpers.employer(departments[department].pk), "employer_name": "虚构变更有限公司"}
            fill(change, department_id=departments[department].pk, sections={"employer": employer})
            return _submit(change)
        transfer = services.start_change(applicant, kind=SubmissionKind.TRANSFER)
        fill(transfer, department_id=departments[transfer_to].pk, sections={})
        return _submit(transfer)

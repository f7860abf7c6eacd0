"""Each trait of ``SubmissionFactory`` yields the state its name says, reached through the services."""

import pytest

from kuaiji.archive.models import ArchiveRecord, ArchiveVersion
from kuaiji.collection import services
from kuaiji.collection.constants import Status, SubmissionKind

from . import helpers
from .factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("trait", "status", "kind", "revisions", "archive_versions"),
    [
        ("draft", Status.DRAFT, SubmissionKind.INITIAL, 0, 0),
        ("complete", Status.DRAFT, SubmissionKind.INITIAL, 0, 0),
        ("submitted", Status.PENDING, SubmissionKind.INITIAL, 1, 0),
        ("returned", Status.RETURNED, SubmissionKind.INITIAL, 1, 0),
        ("approved", Status.APPROVED, SubmissionKind.INITIAL, 1, 1),
        ("changed", Status.PENDING, SubmissionKind.CHANGE, 1, 1),
        ("transferred", Status.PENDING, SubmissionKind.TRANSFER, 1, 1),
    ],
)
def test_each_trait_yields_its_state(departments, trait, status, kind, revisions, archive_versions):
    submission = SubmissionFactory.create(**{trait: True})

    assert submission.status == status
    assert submission.kind == kind
    assert submission.revisions.count() == revisions
    versions = ArchiveVersion.objects.filter(record__person=submission.applicant)
    assert versions.count() == archive_versions
    if trait == "draft":
        assert services.validated_answers(submission) == {}
    else:
        assert not services.missing_attachments(submission)
        assert set(services.validated_answers(submission)) == {
            "personal",
            "employer",
            "education",
            "qualification",
        }
    if status == Status.PENDING:
        assert submission.due_on is not None and submission.department is not None


def test_a_change_and_a_transfer_follow_an_approved_first_collection(departments):
    change = SubmissionFactory.create(changed=True)
    assert change.based_on is not None and change.based_on.submission.status == Status.APPROVED
    assert change.department == departments["630102"]
    assert change.revisions.get().answers["employer"]["employer_name"] == "虚构变更有限公司"

    transfer = SubmissionFactory.create(transferred=True, transfer_to="632801")
    assert transfer.department == departments["632801"]
    assert transfer.releasing_department == departments["630102"]
    record = ArchiveRecord.objects.get(person=transfer.applicant)
    assert record.department == departments["630102"]  # until the transfer is approved


def test_options_reach_the_answers(departments):
    submission = SubmissionFactory.create(
        approved=True, department="632801", sections={"personal": {"full_name": "端木初霁"}}
    )
    assert submission.department == departments["630000"]  # a first collection: the province decides
    record = ArchiveRecord.objects.get(person=submission.applicant)
    assert record.department == departments["632801"]
    assert record.current_version.answers["personal"]["full_name"] == "端木初霁"


def test_an_unknown_stage_is_refused(departments):
    with pytest.raises(ValueError, match="unknown stage"):
        SubmissionFactory.create(stage="archived")


def test_sections_can_be_left_out_and_files_chosen(departments):
    chosen = []

    def upload_for(slot):
        chosen.append(slot)
        return helpers.image_upload(name=f"{slot}.jpg")

    submission = SubmissionFactory.create(omit=("employer",), upload_for=upload_for)
    assert set(services.validated_answers(submission)) == {"personal", "education", "qualification"}
    assert sorted(chosen) == sorted(a.slot for a in submission.attachments.exclude(slot="portrait"))
    assert chosen
    with pytest.raises(ValueError, match="left out"):
        SubmissionFactory.create(submitted=True, omit=("employer",))

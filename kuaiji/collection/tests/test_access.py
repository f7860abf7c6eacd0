"""Who may reach what in the wizard, and what may change while a submission is pending or decided.

Requirements covered:
- an applicant reaches only their own draft, files and PDF: another applicant's attachment uuid gives 404
  on ``attachment_file`` and ``delete_attachment`` (and the file stays); the basic information PDF is
  always the signed-in person's own (there is no id in its address); without a draft there is nothing;
- a staff account gets 403 on the wizard; an anonymous visitor is sent to sign in;
- a pending (待审核) submission cannot be edited: a section POST leaves the answers and version as they
  were, uploads and deletions are refused and its files stay; withdrawing (撤回) returns it to draft,
  recorded in the audit log; only a pending submission can be withdrawn;
- a change (信息变更, ``start_change``) is refused while a submission is open and before anything is
  approved; after an approval it opens a draft on a copy of the approved answers (every section
  complete again, the same validated values) with the same attachments (the same stored files, not
  copies).
"""

import io

from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pypdf
import pytest

from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.audit.models import AuditEvent
from kuaiji.collection import services
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Attachment, Submission

from . import helpers
from .conftest import small_image, stored_files

pytestmark = pytest.mark.django_db

WIZARD_PAGES = [
    reverse("collection:overview"),
    reverse("collection:tasks"),
    reverse("collection:notice"),
    reverse("collection:section", args=["personal"]),
    reverse("collection:attachments"),
    reverse("collection:basic_info_form"),
    reverse("collection:basic_info_pdf"),
    reverse("collection:check"),
    reverse("collection:department_suggestion"),
]


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def submit(submission):
    return services.submit(submission, expected_version=submission.version, commitment_accepted=True)


# --- own things only -------------------------------------------------------------------------------------


def test_another_applicants_attachment_is_not_found(applicant_client, other_applicant, media):
    theirs = services.add_attachment(
        services.start_collection(other_applicant), slot="id_front", upload=small_image()
    )
    mine = services.add_attachment(
        services.start_collection(applicant_client.applicant), slot="id_front", upload=small_image()
    )

    assert applicant_client.get(reverse("collection:attachment_file", args=[theirs.uuid])).status_code == 404
    response = applicant_client.post(reverse("collection:delete_attachment", args=[theirs.uuid]))
    assert response.status_code == 404
    assert Attachment.objects.filter(pk=theirs.pk).exists()
    assert theirs.file.name in stored_files(media)
    own = applicant_client.get(reverse("collection:attachment_file", args=[mine.uuid]))
    assert own.status_code == 200 and own["Content-Type"] == "image/jpeg"
    assert b"".join(own.streaming_content)


def test_the_pdf_is_always_the_signed_in_persons_own(applicant_client, other_applicant, fill):
    fill(applicant_client.applicant)
    fill(other_applicant, personal={"full_name": "赵文博"})
    other = Client()
    other.force_login(other_applicant)

    theirs = other.get(reverse("collection:basic_info_pdf"))
    mine = applicant_client.get(reverse("collection:basic_info_pdf"))

    assert theirs.status_code == mine.status_code == 200
    assert "赵文博" in pdf_text(theirs.content) and "林晓芸" not in pdf_text(theirs.content)
    assert "林晓芸" in pdf_text(mine.content) and "赵文博" not in pdf_text(mine.content)
    # Even with a query string naming the other person's submission, it is one's own.
    other_uuid = Submission.objects.get(applicant=other_applicant).uuid
    sneaky = applicant_client.get(reverse("collection:basic_info_pdf"), {"submission": str(other_uuid)})
    assert "林晓芸" in pdf_text(sneaky.content)


def test_without_a_draft_there_is_nothing_to_reach(applicant_client):
    client = applicant_client

    assert client.get(reverse("collection:basic_info_pdf")).status_code == 404
    assert client.get(reverse("collection:section", args=["personal"])).status_code == 404
    assert client.get(reverse("collection:check")).status_code == 404
    assert client.get(reverse("collection:tasks")).url == reverse("collection:overview")
    assert not Submission.objects.exists()


@pytest.mark.parametrize("url", WIZARD_PAGES)
def test_staff_are_forbidden_in_the_wizard(client, url):
    client.force_login(StaffFactory())

    assert client.get(url).status_code == 403


def test_staff_cannot_start_a_draft(client):
    staff = StaffFactory()
    client.force_login(staff)

    assert client.post(reverse("collection:start")).status_code == 403
    assert not Submission.objects.filter(applicant=staff).exists()


@pytest.mark.parametrize("url", WIZARD_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))
    assert "next=" in response.url


# --- pending and withdrawn --------------------------------------------------------------------------------


@pytest.fixture
def pending(applicant_client, fill):
    submission = fill(applicant_client.applicant)
    submit(submission)
    submission.refresh_from_db()
    assert submission.status == Status.PENDING
    return submission


def test_a_pending_submission_cannot_be_edited(applicant_client, pending, media):
    client = applicant_client
    answers, version = pending.answers, pending.version
    files = stored_files(media)
    front = pending.attachments.get(slot="id_front")

    page = client.post(
        reverse("collection:section", args=["education"]),
        {**helpers.EDUCATION, "school": "改过的大学", "version": version},
    )
    upload = client.post(
        reverse("collection:upload_attachment", args=["id_back"]), {"files": small_image()}, follow=True
    )
    delete = client.post(reverse("collection:delete_attachment", args=[front.uuid]), follow=True)

    assert page.status_code == 200
    assert "改过的大学" not in page.content.decode()
    assert "待审核期间不能修改附件" in upload.content.decode()
    assert "待审核期间不能修改附件" in delete.content.decode()
    pending.refresh_from_db()
    assert (pending.answers, pending.version, pending.status) == (answers, version, Status.PENDING)
    assert pending.attachments.filter(slot="id_back").count() == 1
    assert Attachment.objects.filter(pk=front.pk, submission=pending).exists()
    assert stored_files(media) == files
    with pytest.raises(services.NotEditable):
        services.save_section(pending, section="education", data=helpers.EDUCATION, expected_version=version)


def test_the_first_click_on_withdraw_only_asks_for_confirmation(applicant_client, pending):
    overview = applicant_client.get(reverse("collection:overview")).content.decode()
    confirm_url = reverse("collection:withdraw")
    assert f'href="{confirm_url}"' in overview  # a link to the confirm page, not a form that withdraws

    page = applicant_client.get(confirm_url)
    bare_post = applicant_client.post(confirm_url)  # a form without the confirm page's field

    assert page.status_code == 200
    assert "确认撤回" in page.content.decode() and "回到草稿" in page.content.decode()
    assert bare_post.status_code == 302 and bare_post["Location"] == confirm_url
    pending.refresh_from_db()
    assert pending.status == Status.PENDING


def test_withdrawing_returns_it_to_draft(applicant_client, pending):
    response = applicant_client.post(reverse("collection:withdraw"), {"confirm": "1"})

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Status.DRAFT
    assert pending.due_on is None and pending.department is None
    assert AuditEvent.objects.filter(action="submission.withdrawn", target_id=str(pending.uuid)).count() == 1
    # Editable again.
    services.save_section(
        pending,
        section="education",
        data={**helpers.EDUCATION, "school": "改过的大学"},
        expected_version=pending.version,
    )
    # A draft cannot be withdrawn.
    assert applicant_client.post(reverse("collection:withdraw"), {"confirm": "1"}).status_code == 404


# --- changes ------------------------------------------------------------------------------------------------


def approve(submission) -> None:
    """What the review issue does properly: here only the status and decision time."""
    Submission.objects.filter(pk=submission.pk).update(status=Status.APPROVED, decided_at=timezone.now())


def test_a_change_is_refused_while_a_submission_is_open_or_nothing_is_approved(applicant_client, fill):
    applicant = applicant_client.applicant
    with pytest.raises(ValidationError) as nothing:
        services.start_change(applicant)
    assert nothing.value.code == "nothing_approved"

    submission = fill(applicant)
    with pytest.raises(ValidationError) as draft_open:
        services.start_change(applicant)
    submit(submission)
    with pytest.raises(ValidationError) as pending_open:
        services.start_change(applicant)
    response = applicant_client.post(reverse("collection:start_change"), follow=True)

    assert draft_open.value.code == pending_open.value.code == "open_submission"
    assert "您有尚未办结的信息登记" in response.content.decode()
    assert Submission.objects.filter(applicant=applicant).count() == 1


def test_after_an_approval_a_change_opens_a_copy_with_the_same_files(applicant_client, fill, media):
    client = applicant_client
    applicant = client.applicant
    submission = fill(applicant, qualification=helpers.QUALIFICATION_JUNIOR)
    submit(submission)
    approve(submission)
    revision = submission.revisions.get()
    files = stored_files(media)

    response = client.post(reverse("collection:start_change"))

    assert response.status_code == 302 and response.url == reverse("collection:tasks")
    change = Submission.objects.get(applicant=applicant, kind=SubmissionKind.CHANGE)
    assert change.status == Status.DRAFT
    assert change.based_on == revision
    assert change.notice_id == submission.notice_id
    # Every section is complete again, with exactly the approved values.
    assert services.validated_answers(change) == revision.answers
    assert services.missing_attachments(change) == []
    assert services.portrait_of(change) is not None
    copied = sorted(change.attachments.values_list("slot", "file", "sha256"))
    approved = sorted(revision.attachments.values_list("slot", "file", "sha256"))
    assert copied == approved
    assert not set(change.attachments.values_list("pk", flat=True)) & set(
        revision.attachments.values_list("pk", flat=True)
    )
    assert stored_files(media) == files  # the same files, not copies
    # Removing one from the change draft keeps the file the approved revision uses.
    front = change.attachments.get(slot="id_front")
    services.remove_attachment(change, attachment=front)
    assert front.file.name in stored_files(media)
    assert AuditEvent.objects.filter(action="submission.change_started", target_id=str(change.uuid)).exists()

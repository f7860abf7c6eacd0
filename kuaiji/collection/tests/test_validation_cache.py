"""Validating a draft's answers is done once per set of answers (cached), not on every read; submit
validates again from scratch, so what changed in the database meanwhile (a department closed) still
stops it."""

from unittest import mock

import pytest

from kuaiji.collection import services
from kuaiji.collection.models import Submission
from kuaiji.collection.services import answers as answers_module
from kuaiji.collection.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def _builds(submission: Submission) -> int:
    with mock.patch.object(answers_module, "build_section", wraps=answers_module.build_section) as spy:
        services.validated_answers(submission)
    return spy.call_count


def test_a_second_read_of_the_same_answers_builds_no_form():
    submission = SubmissionFactory.create(complete=True)
    fresh = Submission.objects.get(pk=submission.pk)
    first = _builds(fresh)
    assert first in (0, 4)  # the factory's own reads may have filled the cache already
    again = Submission.objects.get(pk=submission.pk)  # another request, another instance
    assert _builds(again) == 0
    assert set(services.validated_answers(again)) == {"personal", "employer", "education", "qualification"}


def test_new_answers_are_validated_again():
    submission = SubmissionFactory.create(complete=True)
    services.validated_answers(submission)
    education = {**submission.answers["education"], "school": "虚构第二大学"}
    services.save_section(
        submission, section="education", data=education, expected_version=submission.version
    )
    submission = Submission.objects.get(pk=submission.pk)
    assert _builds(submission) == 4
    assert services.validated_answers(submission)["education"]["school"] == "虚构第二大学"


def test_a_caller_changing_the_result_does_not_change_the_cache():
    submission = SubmissionFactory.create(complete=True)
    services.validated_answers(submission)["education"]["school"] = "改掉"
    assert services.validated_answers(submission)["education"]["school"] != "改掉"


def test_submit_validates_again_what_the_cache_holds(departments):
    from django.core.exceptions import ValidationError

    from kuaiji.regions.models import Department

    submission = SubmissionFactory.create(complete=True)
    assert "employer" in services.validated_answers(submission)  # cached as complete
    Department.objects.filter(pk=submission.answers["employer"]["management_department"]).update(
        is_active=False
    )
    submission = Submission.objects.get(pk=submission.pk)
    with pytest.raises(ValidationError) as refused:
        services.submit(submission, expected_version=submission.version, commitment_accepted=True)
    assert "工作单位与会计管理部门" in " ".join(refused.value.messages)


def test_the_cached_task_states_follow_every_change():
    """The task list's states are cached per version and attachment change: an upload, a removal and a
    new signature each show at once, on another instance (another request)."""
    from kuaiji.collection import form_status, selectors
    from kuaiji.collection.tests import helpers

    submission = SubmissionFactory.create(complete=True)

    def states():
        return selectors.task_states(Submission.objects.select_related("applicant").get(pk=submission.pk))

    assert states()["basic_info_form"] == "completed"
    signed = submission.attachments.get(slot=form_status.SIGNED_FORM_SLOT)
    services.remove_attachment(submission, attachment=signed)
    assert states()["basic_info_form"] == "not_started"
    services.add_attachment(
        submission, slot=form_status.SIGNED_FORM_SLOT, upload=helpers.image_upload(name="signed.jpg")
    )
    assert states()["basic_info_form"] == "completed"
    personal = {**submission.answers["personal"], "residence_address": "虚构路 9 号"}
    submission.refresh_from_db()
    services.save_section(submission, section="personal", data=personal, expected_version=submission.version)
    assert states()["basic_info_form"] == "needs_changes"  # the form shows the old address
    front = submission.attachments.get(slot="id_front")
    services.remove_attachment(submission, attachment=front)
    assert states()["attachments"] == "in_progress"

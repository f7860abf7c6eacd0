"""``ChoiceLabels``: the same answers as Django's own ``get_FOO_display``, without its per-call cost."""

from django.db.models import Model

import pytest

from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission


def django_display(instance, name: str) -> str:
    return Model._get_FIELD_display(instance, instance._meta.get_field(name))  # type: ignore[attr-defined]


@pytest.mark.parametrize("status", Status.values)
def test_each_status_has_django_label(status):
    submission = Submission(status=status, kind=SubmissionKind.CHANGE)
    assert (
        submission.get_status_display() == django_display(submission, "status") == str(Status(status).label)
    )
    assert submission.get_kind_display() == "信息变更" == django_display(submission, "kind")


def test_a_value_without_a_choice_is_shown_as_it_is():
    submission = Submission(status="archived-long-ago")
    assert submission.get_status_display() == "archived-long-ago" == django_display(submission, "status")


def test_the_label_is_a_plain_string():
    label = Submission(status=Status.PENDING).get_status_display()
    assert type(label) is str and label == "待审核"

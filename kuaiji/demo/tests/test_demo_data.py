"""`make demo` loads the demo data on every start: it must be idempotent and give the README's people."""

from django.core.management import call_command

import pytest

from kuaiji.accounts.models import LegacyHolder, User
from kuaiji.announcements.models import Announcement
from kuaiji.announcements.selectors import current_announcements
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Submission
from kuaiji.demo.management.commands.load_demo_data import DEMO_NOTICE_TITLE
from kuaiji.demo.people import APPLICANTS


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates():
    call_command("load_demo_data")
    counts = (
        User.objects.count(),
        Submission.objects.count(),
        LegacyHolder.objects.count(),
        Announcement.objects.count(),
    )
    call_command("load_demo_data")
    assert (
        User.objects.count(),
        Submission.objects.count(),
        LegacyHolder.objects.count(),
        Announcement.objects.count(),
    ) == counts
    assert list(current_announcements().values_list("title", flat=True)) == [DEMO_NOTICE_TITLE]
    for person in APPLICANTS:
        assert User.objects.filter(
            document_number=person.document_number, full_name=person.full_name
        ).exists()
    assert Submission.objects.filter(status=Status.PENDING).count() == 1
    assert Submission.objects.filter(status=Status.APPROVED).count() == 1
    assert ArchiveRecord.objects.count() == 1
    assert User.objects.filter(username="qh_reviewer", department__division_id="630000").exists()

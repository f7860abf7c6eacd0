"""Identity in the revision: the archive version takes the name and document number from the revision the
reviewer approved, not from the live account.

Requirements covered:
- an appeal that releases the account's number after submitting but before approval (the account now holds
  "RELEASED-…") does not put "RELEASED-…" into the archive: the record keeps the number that was submitted;
- the submitted identity is kept on the revision.
"""

import pytest

from kuaiji.archive.models import ArchiveRecord

from .conftest import decide

pytestmark = pytest.mark.django_db


def test_the_archive_keeps_the_submitted_number_when_the_account_loses_it(submitted, reviewer_for):
    submission, client = submitted()
    person = client.applicant
    submitted_number = person.document_number
    revision = submission.revisions.get()
    assert revision.document_number == submitted_number
    # What decide_appeal does to an account whose number it releases.
    person.document_number = f"RELEASED-{person.uuid.hex[:12].upper()}"
    person.save(update_fields=["document_number"])

    response = decide(reviewer_for("630000"), submission)

    assert response.status_code == 302
    record = ArchiveRecord.objects.get(person=person)
    assert record.document_number == submitted_number
    assert not record.document_number.startswith("RELEASED-")
    assert record.full_name == revision.full_name

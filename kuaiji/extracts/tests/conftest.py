import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.factories import SubmissionFactory


@pytest.fixture
def make_record(db):
    """``make_record(full_name=...)``: an approved first collection (630102 城东区), its archive record."""

    def make(*, full_name: str | None = None) -> ArchiveRecord:
        person = ApplicantFactory.create(**({"full_name": full_name} if full_name else {}))
        sections = {"personal": {**helpers.PERSONAL, "full_name": full_name}} if full_name else {}
        SubmissionFactory.create(approved=True, applicant=person, sections=sections)
        return ArchiveRecord.objects.select_related("person", "department").get(person=person)

    return make


@pytest.fixture
def record(make_record) -> ArchiveRecord:
    return make_record()


@pytest.fixture
def person_client(client, record):
    client.force_login(record.person)
    return client

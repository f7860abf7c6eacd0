import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory


@pytest.fixture
def applicant_client(client, departments):
    applicant = ApplicantFactory(document_number="630104199003141781", full_name="林晓芸")
    client.force_login(applicant)
    client.applicant = applicant
    return client

"""Queries per hot request of an applicant and of another system, counted (issue: each request at the
speed of the stack). The bounds are what each request needs; a rule that starts reading row by row, or a
read that validates the whole draft again, fails here. The staff lists have their own counts
(review/tests, archive/tests)."""

import json
from datetime import timedelta

from django.test import Client

import pytest

from kuaiji.accounts.tests.factories import PASSWORD
from kuaiji.api.models import ApiToken, IntegrationKey
from kuaiji.collection.tests import helpers
from kuaiji.collection.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete():
    return SubmissionFactory.create(complete=True)


def bearer(user) -> dict:
    _, secret = ApiToken.issue(user=user, lifetime=timedelta(hours=1))
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_reading_my_submission(client, complete, django_assert_max_num_queries):
    auth = bearer(complete.applicant)
    client.get("/api/v1/me/submission", **auth)  # the token's last use is written at most once a minute
    # token + user, submission + department; the history and the task states of this version come from
    # the cache (collection.selectors)
    with django_assert_max_num_queries(2):
        response = client.get("/api/v1/me/submission", **auth)
    assert response.status_code == 200
    assert response.json()["sections"]["education"] == "completed"


def test_the_status_page(complete, django_assert_max_num_queries):
    client = Client()
    client.force_login(complete.applicant)
    client.get("/collection/")
    with django_assert_max_num_queries(3):
        response = client.get("/collection/")
    assert response.status_code == 200


def test_a_wizard_save(client, complete, django_assert_max_num_queries):
    auth = bearer(complete.applicant)
    client.get("/api/v1/me/submission", **auth)
    body = json.dumps({"version": complete.version, "data": helpers.EDUCATION})
    # token + user, the open submission, the versioned update: one statement, no transaction around it
    with django_assert_max_num_queries(3):
        response = client.put(
            "/api/v1/me/submission/sections/education", body, content_type="application/json", **auth
        )
    assert response.status_code == 200, response.content


def test_submit(client, complete, django_assert_max_num_queries):
    auth = bearer(complete.applicant)
    client.get("/api/v1/me/submission", **auth)
    body = json.dumps({"version": complete.version, "commitment_accepted": True})
    # Submit validates every section afresh (divisions, departments), routes, dates, writes the revision
    # and its attachments, the audit event and the notice: the one request allowed to do more. One of
    # them reads the collection windows (采集时间), kept a minute per process after.
    with django_assert_max_num_queries(20):  # the divisions are known from the saves before (cached)
        response = client.post("/api/v1/me/submission/submit", body, content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "pending"


def test_an_integration_lookup(client, django_assert_max_num_queries):
    approved = SubmissionFactory.create(approved=True)
    _, key = IntegrationKey.issue(name="考试系统", scopes=["collection_status"])
    path = f"/api/v1/integration/collection-status?document_number={approved.applicant.document_number}"
    client.get(path, HTTP_X_API_KEY=key)
    # the key, the record with the latest submission (one statement), the audit row
    with django_assert_max_num_queries(3):
        response = client.get(path, HTTP_X_API_KEY=key)
    assert response.status_code == 200 and response.json()["completed"] is True


def test_a_sign_in(client, complete, django_assert_max_num_queries):
    body = json.dumps({"login": complete.applicant.document_number, "password": PASSWORD})
    # The lockout's counts (per account, per address) and the captcha's; the hash is the cost here.
    with django_assert_max_num_queries(10):
        response = client.post("/api/v1/tokens", body, content_type="application/json")
    assert response.status_code == 200, response.content

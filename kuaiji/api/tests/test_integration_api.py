"""The API for other systems (对接系统) and its keys.

- ``collection-status`` answers whether the holder of a document number has completed the collection
  (an approved archive record), with the state of their latest submission, their qualification level
  and managing department; the number comes back masked.
- A key needs the ``collection_status`` scope (403); a revoked or unknown key is 401; each key is limited
  per minute (429); an invalid number is 400 with the validator's Chinese message.
- Every call that reaches the endpoint is audited with the key's name, the masked number and the outcome.
- Platform administrators issue keys in the admin (the secret shown once, only its hash stored) and
  revoke them with an admin action.
"""

import random

from django.contrib.messages import get_messages
from django.utils import timezone

import pytest

from kuaiji.api.models import IntegrationKey, hash_secret
from kuaiji.archive.tests.conftest import approved  # noqa: F401
from kuaiji.audit.models import AuditEvent
from kuaiji.core.fakes import fake_resident_id
from kuaiji.core.validators import mask_document_number
from kuaiji.review.tests.conftest import reviewer_for, submitted  # noqa: F401

pytestmark = pytest.mark.django_db

STATUS = "/api/v1/integration/collection-status"


def issue(scopes=("collection_status",), **kwargs):
    return IntegrationKey.issue(name="考试报名系统", scopes=list(scopes), **kwargs)


def ask(client, secret, number, **params):
    return client.get(STATUS, {"document_number": number, **params}, headers={"X-Api-Key": secret})


def test_an_approved_record_is_completed_and_the_call_is_audited(client, approved):  # noqa: F811
    record, _applicant = approved("630102")
    key, secret = issue()

    response = ask(client, secret, record.document_number.lower(), document_type="resident_id")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "document_number": mask_document_number(record.document_number),
        "completed": True,
        "status": "approved",
        "qualification_level": record.qualification_level or None,
        "qualification_level_label": body["qualification_level_label"],
        "department": {"code": "630102", "name": record.department.name},
        "last_approved_at": body["last_approved_at"],
    }
    assert body["last_approved_at"] is not None
    assert record.document_number not in response.content.decode()

    event = AuditEvent.objects.get(action="integration.collection_status")
    assert event.details == {
        "key": "考试报名系统",
        "key_prefix": key.prefix,
        "document_type": "resident_id",
        "document_number": mask_document_number(record.document_number),
        "outcome": "completed",
    }
    assert event.target_id == str(record.uuid)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_a_pending_or_unknown_person_is_not_completed(client, submitted):  # noqa: F811
    submission, applicant = submitted("630102")
    _key, secret = issue()
    body = ask(client, secret, applicant.applicant.document_number).json()
    assert body["completed"] is False and body["status"] == "pending"
    assert body["department"]["code"] == submission.department.division_id
    assert body["qualification_level"] is None and body["last_approved_at"] is None

    nobody = fake_resident_id(rng=random.Random(7), region_code="630102")
    body = ask(client, secret, nobody).json()
    assert body["completed"] is False and body["status"] == "none" and body["department"] is None
    outcomes = list(
        AuditEvent.objects.filter(action="integration.collection_status")
        .order_by("id")
        .values_list("details__outcome", flat=True)
    )
    assert outcomes == ["not_completed", "not_completed"]


def test_an_invalid_number_is_400_with_the_validators_message(client, db):
    _key, secret = issue()
    valid = fake_resident_id(rng=random.Random(6))
    wrong_check_digit = valid[:17] + ("0" if valid[17] != "0" else "1")
    response = ask(client, secret, wrong_check_digit)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_document_number"
    assert body["message"] and all("\u4e00" <= char <= "\u9fff" for char in body["message"][:2])
    assert body["errors"]["document_number"] == [body["message"]]
    assert ask(client, secret, "").status_code == 400
    assert ask(client, secret, "1" * 500).status_code == 422
    assert ask(client, secret, valid, document_type="nonsense").status_code == 422
    outcomes = AuditEvent.objects.filter(action="integration.collection_status").values_list(
        "details__outcome", flat=True
    )
    assert list(outcomes) == ["invalid", "invalid"]


def test_a_key_without_the_scope_is_403(client, db):
    _key, secret = issue(scopes=[])
    number = fake_resident_id(rng=random.Random(8))
    response = ask(client, secret, number)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_scope"
    event = AuditEvent.objects.get(action="integration.collection_status")
    assert event.details["outcome"] == "forbidden"
    assert event.details["document_number"] == mask_document_number(number)


def test_unknown_and_revoked_keys_are_401(client, db):
    number = fake_resident_id(rng=random.Random(9))
    assert client.get(STATUS, {"document_number": number}).status_code == 401
    assert ask(client, "kjk_not-a-key", number).status_code == 401
    key, secret = issue()
    assert ask(client, secret, number).status_code == 200
    IntegrationKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    response = ask(client, secret, number)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_a_key_over_its_limit_per_minute_is_429(client, db):
    _key, secret = issue(rate_limit_per_minute=2)
    _other_key, other_secret = issue()
    number = fake_resident_id(rng=random.Random(10))
    assert [ask(client, secret, number).status_code for _ in range(3)] == [200, 200, 429]
    assert ask(client, secret, number).json()["code"] == "rate_limited"
    assert ask(client, other_secret, number).status_code == 200  # each key has its own limit


# --- the admin ------------------------------------------------------------------------------------------


def test_administrators_issue_a_key_whose_secret_is_shown_once(admin_client):
    response = admin_client.post(
        "/admin/api/integrationkey/add/",
        {"name": "考试报名系统", "scopes": ["collection_status"], "rate_limit_per_minute": "60"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    key = IntegrationKey.objects.get()
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    secret = next(word for text in shown for word in text.split("：") if word.startswith("kjk_"))
    assert key.key_hash == hash_secret(secret) and secret.startswith(key.prefix)
    assert key.scopes == ["collection_status"] and key.rate_limit_per_minute == 60
    change_page = f"/admin/api/integrationkey/{key.pk}/change/"
    assert secret in admin_client.get(change_page).content.decode()  # once, after the redirect
    assert secret not in admin_client.get(change_page).content.decode()
    listed = admin_client.get("/admin/api/integrationkey/").content.decode()
    assert key.prefix in listed and secret not in listed
    assert AuditEvent.objects.filter(action="integration_key.issued", target_id=str(key.pk)).exists()

    number = fake_resident_id(rng=random.Random(11))
    assert (
        admin_client.get(STATUS, {"document_number": number}, headers={"X-Api-Key": secret}).status_code
        == 200
    )

    response = admin_client.post(
        "/admin/api/integrationkey/", {"action": "revoke_keys", "_selected_action": [key.pk]}
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert AuditEvent.objects.filter(action="integration_key.revoked", target_id=str(key.pk)).exists()
    assert (
        admin_client.get(STATUS, {"document_number": number}, headers={"X-Api-Key": secret}).status_code
        == 401
    )

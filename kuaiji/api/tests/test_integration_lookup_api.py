"""证明查验 for other systems: ``POST /api/v1/integration/lookup`` (issue 12).

- A key with the ``public_lookup`` scope gets the public page's answer as JSON: found only when the name
  and the number both match, then the collection status, qualification level, department and the credit
  entries in effect; the number masked, the name as sent.
- A missing person, or a number with another name, answers 200 ``found: false`` in the same shape.
- Without the scope 403; an invalid name or number 400 with the validator's message; past 10 lookups of a
  number in an hour 429 (counted per key, so the public page cannot use a number's hour up); the key's
  own limit per minute still applies.
- Every call that reaches the endpoint is audited as ``public.lookup`` with the key and the masked number.
- The operation is in the OpenAPI schema, with its descriptions and response schemas.
"""

import json
import random

import pytest

from kuaiji.api.models import IntegrationKey
from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.fakes import fake_resident_id
from kuaiji.core.validators import mask_document_number
from kuaiji.lookup.tests.helpers import PASSED, credit_entry

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/integration/lookup"
PERSON_FIELDS = (
    "collection_status",
    "collection_status_label",
    "qualification_level",
    "qualification_level_label",
    "department_name",
)


def issue(scopes=("public_lookup",), **kwargs):
    return IntegrationKey.issue(name="考试报名系统", scopes=list(scopes), **kwargs)


def ask(client, secret, full_name, number, document_type="resident_id"):
    body = {"full_name": full_name, "document_type": document_type, "document_number": number}
    return client.post(
        LOOKUP, json.dumps(body), content_type="application/json", headers={"X-Api-Key": secret}
    )


@pytest.fixture
def record(departments):
    submission = SubmissionFactory.create(approved=True)
    return ArchiveRecord.objects.get(person=submission.applicant)


def test_a_found_person_with_a_credit_entry(client, record):
    entry = credit_entry(record, is_blacklist=True)
    key, secret = issue()
    response = ask(client, secret, record.full_name, record.document_number.lower())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["found"] is True
    assert body["full_name"] == record.full_name
    assert body["document_number"] == mask_document_number(record.document_number)
    assert body["collection_status"] == "completed" and body["collection_status_label"] == "已完成信息采集"
    assert body["qualification_level"] == "none" and body["qualification_level_label"] == "无"
    assert body["department_name"] == record.department.name
    assert body["looked_up_at"]
    assert body["credit_entries"] == [
        {
            "kind": "penalty",
            "kind_label": "失信（处罚）",
            "title": entry.title,
            "level": "fine",
            "level_label": "罚款",
            "authority": entry.authority,
            "document_number": entry.document_number,
            "decided_on": entry.decided_on.isoformat(),
            "effective_from": entry.effective_from.isoformat(),
            "effective_until": entry.effective_until.isoformat(),
            "is_blacklist": True,
        }
    ]
    content = response.content.decode()
    assert record.document_number not in content and record.mobile not in content
    event = AuditEvent.objects.get(action="public.lookup")
    assert event.details == {
        "channel": "api",
        "key": "考试报名系统",
        "key_prefix": key.prefix,
        "document_type": "resident_id",
        "document_number": mask_document_number(record.document_number),
        "found": True,
    }
    assert event.target_id == str(record.uuid)


def test_a_missing_person_answers_in_the_same_shape(client, record):
    _key, secret = issue()
    found = ask(client, secret, record.full_name, record.document_number).json()
    wrong_name = ask(client, secret, "欧阳虚构", record.document_number)
    nobody = fake_resident_id(rng=random.Random(41), region_code="630102")
    missing = ask(client, secret, "欧阳虚构", nobody)
    assert wrong_name.status_code == missing.status_code == 200
    for body in (wrong_name.json(), missing.json()):
        assert set(body) == set(found)
        assert body["found"] is False and body["credit_entries"] == []
        assert all(body[name] is None for name in PERSON_FIELDS)
    assert wrong_name.json()["document_number"] == mask_document_number(record.document_number)
    found_flags = (
        AuditEvent.objects.filter(action="public.lookup")
        .order_by("id")
        .values_list("details__found", flat=True)
    )
    assert list(found_flags) == [True, False, False]


def test_a_key_without_the_scope_is_403(client, record):
    _key, secret = issue(scopes=["collection_status"])
    response = ask(client, secret, record.full_name, record.document_number)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_scope"
    event = AuditEvent.objects.get(action="public.lookup")
    assert event.details["outcome"] == "forbidden"
    assert event.details["document_number"] == mask_document_number(record.document_number)
    assert "found" not in event.details
    # And the lookup scope does not open the collection-status endpoint.
    _key, lookup_secret = issue()
    status = client.get(
        "/api/v1/integration/collection-status",
        {"document_number": record.document_number},
        headers={"X-Api-Key": lookup_secret},
    )
    assert status.status_code == 403


def test_invalid_input_and_unknown_keys(client, db):
    _key, secret = issue()
    valid = fake_resident_id(rng=random.Random(42))
    wrong_check_digit = valid[:17] + ("0" if valid[17] != "0" else "1")
    response = ask(client, secret, "王虚构", wrong_check_digit)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_document_number"
    assert response.json()["errors"]["document_number"] == [response.json()["message"]]
    response = ask(client, secret, "王虚构2", valid)
    assert response.status_code == 400 and response.json()["code"] == "invalid_full_name"
    assert response.json()["message"] == "姓名不能包含数字"
    assert ask(client, secret, "王" * 100, valid).status_code == 422
    assert ask(client, secret, "王虚构", valid, document_type="nonsense").status_code == 422
    assert ask(client, "kjk_not-a-key", "王虚构", valid).status_code == 401
    outcomes = AuditEvent.objects.filter(action="public.lookup").values_list("details__outcome", flat=True)
    assert sorted(outcomes) == ["invalid", "invalid"]


def test_the_limit_per_number_is_the_keys_own(client, record):
    _key, secret = issue()
    _other, other_secret = issue()
    statuses = [ask(client, secret, "欧阳虚构", record.document_number).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    response = ask(client, secret, record.full_name, record.document_number)
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
    # Another key, and the public page, count the number on their own.
    assert ask(client, other_secret, record.full_name, record.document_number).json()["found"] is True
    page = client.post(
        "/lookup/",
        {
            "full_name": record.full_name,
            "document_type": "resident_id",
            "document_number": record.document_number,
        }
        | PASSED,
    )
    assert page.status_code == 200 and "已完成信息采集" in page.content.decode()
    outcomes = list(
        AuditEvent.objects.filter(action="public.lookup").values_list("details__outcome", flat=True)
    )
    assert outcomes.count("rate_limited") == 2


def test_the_keys_limit_per_minute_still_applies(client, db):
    _key, secret = issue(rate_limit_per_minute=2)
    number = fake_resident_id(rng=random.Random(43))
    assert [ask(client, secret, "王虚构", number).status_code for _ in range(3)] == [200, 200, 429]


def test_the_operation_is_documented(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][LOOKUP]["post"]
    assert operation["tags"] == ["对接系统"]
    assert operation["summary"] == "人员信息查询（证明查验）"
    assert "found: false" in operation["description"]
    assert {"200", "400", "401", "403", "422", "429"} <= set(operation["responses"])
    ok = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    answer = schema["components"]["schemas"][ok.rsplit("/", 1)[1]]
    assert {"found", "collection_status", "department_name", "credit_entries"} <= set(answer["properties"])
    assert answer["properties"]["found"]["description"]
    assert operation["security"]


def test_a_lookup_reads_little(client, record, django_assert_max_num_queries):
    credit_entry(record)
    _key, secret = issue()
    ask(client, secret, record.full_name, record.document_number)  # the key's last use, the department
    # The key, the person's standing (one statement), the credit entries, the audit row.
    with django_assert_max_num_queries(4):
        response = ask(client, secret, record.full_name, record.document_number)
    assert response.status_code == 200 and len(response.json()["credit_entries"]) == 1

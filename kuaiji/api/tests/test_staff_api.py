"""The staff API (工作人员).

- A token only after the password AND the TOTP code (a wrong code: 401, audited); the pages' throttling
  (django-axes locks the account after 5 wrong passwords: 429); applicants get no staff token.
- Scope through ``kuaiji.review.scope`` / ``kuaiji.archive.selectors``: every operation with another
  region's ids answers 404, exactly like an id that does not exist.
- The queue masks document numbers and filters like the page; bad dates and ids are 422, never 5xx.
- The decision: only a 审核员 (403), a reason to return or refuse (400), of two reviewers exactly one
  wins (409 ``already_decided``).
- Reads of personal data (a submission, an image, the archive) and the sign-in are audited.
"""

from datetime import timedelta
from uuid import uuid4

from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory, StaffFactory, current_token
from kuaiji.api.models import ApiToken
from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.constants import Status
from kuaiji.core.validators import mask_document_number
from kuaiji.review.tests.conftest import reviewer_for, submitted  # noqa: F401

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/staff/tokens"
QUEUE = "/api/v1/staff/submissions"
ARCHIVE = "/api/v1/staff/archive"


def sign_in(client: Client, staff, *, password=PASSWORD, totp=None):
    return client.post(
        TOKENS,
        {"username": staff.username, "password": password, "totp": totp or current_token(staff)},
        content_type="application/json",
    )


class Api:
    """A client sending a staff member's bearer token, obtained through the sign-in endpoint."""

    def __init__(self, staff):
        self.staff = staff
        self.client = Client()
        response = sign_in(self.client, staff)
        assert response.status_code == 200, response.content
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def get(self, path, data=None):
        return self.client.get(path, data, headers=self.headers)

    def post(self, path, data):
        return self.client.post(path, data, content_type="application/json", headers=self.headers)


@pytest.fixture
def api_for(reviewer_for):  # noqa: F811
    """An API client of a new staff member of the department at ``code`` (a 审核员 by default)."""

    def make(code, *, role=StaffRole.REVIEWER):
        return Api(reviewer_for(code, role=role).staff)

    return make


def detail_url(submission, suffix=""):
    return f"{QUEUE}/{submission.uuid}{suffix}"


def decide(api, submission, outcome="approve", *, reason="", version=None, flagged=()):
    return api.post(
        detail_url(submission, "/decision"),
        {
            "outcome": outcome,
            "reason": reason,
            "flagged_sections": list(flagged),
            "version": submission.version if version is None else version,
        },
    )


# --- the token ------------------------------------------------------------------------------------------


def test_a_token_needs_the_password_and_the_totp_code(departments):
    staff = StaffFactory(department=departments["630102"])
    client = Client()

    wrong_code = "000000" if current_token(staff) != "000000" else "111111"
    response = sign_in(client, staff, totp=wrong_code)
    assert response.status_code == 401
    assert response.json()["code"] == "wrong_totp"
    assert AuditEvent.objects.filter(action="staff.second_factor_failed", target_id=str(staff.uuid)).exists()
    assert not ApiToken.objects.filter(user=staff).exists()

    response = sign_in(client, staff, password="not-the-password")
    assert response.status_code == 401
    assert response.json()["code"] == "wrong_credentials"
    assert response.json()["message"] == "用户名或密码不正确"

    response = sign_in(client, staff)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    token = ApiToken.objects.get(user=staff)
    assert token.key_hash != body["token"] and body["token"].startswith(token.prefix)
    assert token.expires_at - timezone.now() <= timedelta(hours=8)
    event = AuditEvent.objects.get(action="staff.signed_in", actor=staff)
    assert event.details["via"] == "api"

    listed = client.get(QUEUE, headers={"Authorization": f"Bearer {body['token']}"})
    assert listed.status_code == 200


def test_the_account_is_locked_after_five_wrong_passwords(departments):
    staff = StaffFactory(department=departments["630102"])
    client = Client()
    statuses = [sign_in(client, staff, password=f"wrong-{n}").status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]  # the fifth failure locks, as on the page
    response = sign_in(client, staff)  # the right password and code, but locked
    assert response.status_code == 429
    assert response.json()["code"] == "locked_out"
    assert "锁定" in response.json()["message"]


def test_applicants_and_malformed_sign_ins_get_no_token(departments):
    applicant = ApplicantFactory()
    client = Client()
    response = client.post(
        TOKENS,
        {"username": applicant.document_number, "password": PASSWORD, "totp": "123456"},
        content_type="application/json",
    )
    assert response.status_code == 401
    for body in (
        {},
        {"username": "x" * 500, "password": "p", "totp": "1"},
        {"username": "staff\x00", "password": "p", "totp": "123456"},
        {"username": 1, "password": []},
    ):
        response = client.post(TOKENS, body, content_type="application/json")
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"
    response = client.post(TOKENS, "not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "请求内容无法解析，请发送有效的 JSON",
        "errors": {},
    }


def test_staff_endpoints_refuse_missing_expired_and_applicant_tokens(departments):
    assert Client().get(QUEUE).status_code == 401
    staff = StaffFactory(department=departments["630102"])
    _token, secret = ApiToken.issue(user=staff, lifetime=timedelta(seconds=-1))
    assert Client().get(QUEUE, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    _token, secret = ApiToken.issue(user=ApplicantFactory(), lifetime=timedelta(hours=1))
    response = Client().get(QUEUE, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


# --- the queue -------------------------------------------------------------------------------------------


def test_the_queue_lists_what_is_in_scope_with_numbers_masked(submitted, api_for):  # noqa: F811
    submission, applicant = submitted("630102")
    number = applicant.applicant.document_number

    province = api_for("630000")
    response = province.get(QUEUE, {"status": "pending"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    item = body["items"][0]
    assert item["uuid"] == str(submission.uuid)
    assert item["document_number"] == mask_document_number(number) != number
    assert number not in response.content.decode()
    assert item["full_name"] == applicant.applicant.full_name
    assert item["department"]["code"] == "630000"  # a first collection is decided by the province
    assert item["status"] == "pending" and item["overdue"] is False
    assert item["waited_working_days"] == 0

    assert province.get(QUEUE, {"q": number})
    assert province.get(QUEUE, {"q": number}).json()["count"] == 1
    assert province.get(QUEUE, {"status": "approved"}).json()["count"] == 0
    assert province.get(QUEUE, {"kind": "change"}).json()["count"] == 0
    assert province.get(QUEUE, {"department": "630000"}).json()["count"] == 1
    assert province.get(QUEUE, {"department": "630102"}).json()["count"] == 0
    today = timezone.localdate().isoformat()
    assert province.get(QUEUE, {"submitted_from": today, "submitted_to": today}).json()["count"] == 1

    for code in ("630100", "632800"):
        elsewhere = api_for(code)
        assert elsewhere.get(QUEUE).json()["count"] == 0
        # A department outside the scope gives no rows, not someone else's.
        assert elsewhere.get(QUEUE, {"department": "630000"}).json()["count"] == 0
    assert AuditEvent.objects.filter(action="staff.viewed_queue", actor=province.staff).exists()


@pytest.mark.parametrize(
    "params",
    [
        {"submitted_from": "2026-02-30"},
        {"submitted_to": "yesterday"},
        {"status": "draft"},
        {"kind": "x"},
        {"department": "abc"},
        {"page": "0"},
        {"page": "x"},
        {"q": "字" * 500},
        {"q": "a\x00b"},
    ],
)
def test_bad_queue_filters_are_422(departments, params):
    api = Api(StaffFactory(department=departments["630102"]))
    response = api.get(QUEUE, params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"


def test_a_page_past_the_end_gives_the_last_page(departments):
    api = Api(StaffFactory(department=departments["630102"]))
    body = api.get(QUEUE, {"page": "999"}).json()
    assert body["count"] == 0 and body["items"] == [] and body["page"] == 1


# --- a submission ------------------------------------------------------------------------------------------


def test_the_detail_shows_sections_images_and_history_and_is_audited(submitted, api_for):  # noqa: F811
    submission, _applicant = submitted("630102")
    api = api_for("630000")
    response = api.get(detail_url(submission))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending" and body["version"] == submission.version
    assert body["can_decide"] is True and body["is_change"] is False
    assert [part["key"] for part in body["sections"]] == [
        "personal",
        "employer",
        "education",
        "qualification",
    ]
    assert all(part["rows"] for part in body["sections"])
    assert {"label", "value"} <= set(body["sections"][0]["rows"][0])
    assert body["attachments"], "the submission has images"
    assert {"uuid", "slot", "label", "width", "height"} == set(body["attachments"][0])
    assert [event["action"] for event in body["history"]][:2] == [
        "submission.started",
        "submission.submitted",
    ]
    assert AuditEvent.objects.filter(
        action="staff.viewed_submission", actor=api.staff, target_id=str(submission.uuid)
    ).exists()

    attachment = body["attachments"][0]
    image = api.get(detail_url(submission, f"/attachments/{attachment['uuid']}/file"))
    assert image.status_code == 200
    assert image["Content-Type"] in ("image/jpeg", "image/png")
    assert b"".join(image.streaming_content)
    event = AuditEvent.objects.get(action="staff.viewed_attachment", actor=api.staff)
    assert event.details["attachment"] == attachment["uuid"]
    missing = api.get(detail_url(submission, f"/attachments/{uuid4()}/file"))
    assert missing.status_code == 404


def test_every_operation_with_another_regions_ids_is_404(submitted, api_for):  # noqa: F811
    submission, _applicant = submitted("630102")
    owner = api_for("630000")
    attachment = owner.get(detail_url(submission)).json()["attachments"][0]["uuid"]
    submission_paths = [detail_url(submission), detail_url(submission, f"/attachments/{attachment}/file")]
    city, elsewhere = api_for("630100"), api_for("632800")  # below the province; another prefecture
    for api in (city, elsewhere):
        for path in submission_paths:
            response = api.get(path)
            assert response.status_code == 404, path
            assert response.json() == {"code": "not_found", "message": "记录不存在", "errors": {}}
        assert decide(api, submission).status_code == 404
    submission.refresh_from_db()
    assert submission.status == Status.PENDING

    assert decide(owner, submission).status_code == 200
    record = ArchiveRecord.objects.get(person=submission.applicant)  # managed by 城东区 (630102)
    sibling = api_for("630103")
    for api in (elsewhere, sibling):
        assert api.get(f"{ARCHIVE}/{record.uuid}").status_code == 404
        assert api.get(ARCHIVE, {"document_number": record.document_number}).json()["count"] == 0
    assert city.get(f"{ARCHIVE}/{record.uuid}").status_code == 200
    # The same answer for an id that does not exist.
    assert elsewhere.get(f"{QUEUE}/{uuid4()}").status_code == 404
    assert elsewhere.get(f"{ARCHIVE}/{uuid4()}").status_code == 404
    # A malformed id is refused by its format, before any lookup (so it tells nothing about scope).
    for path, parameter in (
        (f"{QUEUE}/not-a-uuid", "submission_uuid"),
        (f"{ARCHIVE}/not-a-uuid", "record_uuid"),
    ):
        response = elsewhere.get(path)
        assert response.status_code == 422, path
        assert response.json()["code"] == "invalid_request"
        assert response.json()["errors"] == {parameter: ["格式不正确，请检查后重试"]}
    assert not AuditEvent.objects.filter(
        actor__in=[city.staff, elsewhere.staff, sibling.staff], action="staff.viewed_submission"
    ).exists()


# --- the decision ------------------------------------------------------------------------------------------


def test_approving_writes_the_archive_and_the_second_reviewer_gets_409(submitted, api_for):  # noqa: F811
    submission, _applicant = submitted("630102")
    first, second = api_for("630000"), api_for("630000")
    looked_at = submission.version

    response = decide(first, submission, version=looked_at)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "approved" and body["outcome"] == "approve"
    assert ArchiveRecord.objects.filter(person=submission.applicant).exists()

    response = decide(second, submission, "refuse", reason="材料不全", version=looked_at)
    assert response.status_code == 409
    assert response.json()["code"] == "already_decided"
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED
    decisions = AuditEvent.objects.filter(
        target_id=str(submission.uuid), action__in=["submission.approved", "submission.refused"]
    )
    assert [(event.action, event.actor) for event in decisions] == [("submission.approved", first.staff)]


def test_returning_needs_a_reason_and_flags_sections(submitted, api_for):  # noqa: F811
    submission, _applicant = submitted("630102")
    api = api_for("630000")
    response = decide(api, submission, "return", reason="  ")
    assert response.status_code == 400
    assert response.json()["code"] == "reason_required"
    assert "理由" in response.json()["message"]

    response = decide(
        api, submission, "return", reason="学历证书照片不清晰", flagged=["education", "nonsense"]
    )
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    submission.refresh_from_db()
    assert submission.decision_reason == "学历证书照片不清晰"
    assert submission.decisions.get().flagged_sections == ["education"]


def test_only_reviewers_decide(submitted, api_for, departments):  # noqa: F811
    submission, _applicant = submitted("630102")
    Group.objects.get_or_create(name=StaffRole.REVIEWER)
    no_role = Api(StaffFactory(department=departments["630000"]))
    assert no_role.get(detail_url(submission)).json()["can_decide"] is False
    response = decide(no_role, submission)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    submission.refresh_from_db()
    assert submission.status == Status.PENDING


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "maybe", "version": 1},
        {"outcome": "approve"},
        {"outcome": "approve", "version": -1},
        {"outcome": "approve", "version": "x"},
        {"outcome": "refuse", "version": 1, "reason": "长" * 5000},
        {"outcome": "return", "version": 1, "reason": "x", "flagged_sections": "education"},
        {"outcome": "return", "version": 1, "reason": "nul\x00"},
    ],
)
def test_malformed_decisions_are_422(submitted, api_for, body):  # noqa: F811
    submission, _applicant = submitted("630102")
    api = api_for("630000")
    response = api.post(detail_url(submission, "/decision"), body)
    assert response.status_code == 422
    submission.refresh_from_db()
    assert submission.status == Status.PENDING


# --- the archive ------------------------------------------------------------------------------------------------


def test_the_archive_lists_masked_and_shows_versions(submitted, api_for):  # noqa: F811
    submission, applicant = submitted("630102")
    assert decide(api_for("630000"), submission).status_code == 200
    record = ArchiveRecord.objects.get(person=applicant.applicant)

    api = api_for("630100")
    response = api.get(ARCHIVE, {"name": record.full_name[:1]})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["uuid"] == str(record.uuid)
    assert item["document_number"] == mask_document_number(record.document_number)
    assert record.document_number not in response.content.decode()
    assert api.get(ARCHIVE, {"document_number": record.document_number}).json()["count"] == 1
    searched = AuditEvent.objects.filter(action="archive.searched", actor=api.staff).order_by("id").last()
    assert searched.details["filters"] == {"document_number": mask_document_number(record.document_number)}
    assert api.get(ARCHIVE, {"department": "630103"}).json()["count"] == 0
    assert api.get(ARCHIVE, {"department": "630102", "qualification_level": "none"}).json()["count"] == 1
    assert api.get(ARCHIVE, {"qualification_level": "nonsense"}).status_code == 422

    response = api.get(f"{ARCHIVE}/{record.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert body["current_version"]["number"] == 1
    assert [version["number"] for version in body["versions"]] == [1]
    assert body["current_version"]["sections"][0]["rows"]
    assert AuditEvent.objects.filter(
        action="staff.viewed_archive_record", actor=api.staff, target_id=str(record.uuid)
    ).exists()


def test_the_staff_and_integration_paths_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/staff/tokens"]["post"]["tags"] == ["工作人员"]
    assert paths["/api/v1/integration/collection-status"]["get"]["tags"] == ["对接系统"]
    for path in (
        "/api/v1/staff/submissions",
        "/api/v1/staff/submissions/{submission_uuid}",
        "/api/v1/staff/submissions/{submission_uuid}/attachments/{attachment_uuid}/file",
        "/api/v1/staff/submissions/{submission_uuid}/decision",
        "/api/v1/staff/archive",
        "/api/v1/staff/archive/{record_uuid}",
    ):
        assert path in paths


def test_lists_do_not_query_per_row(submitted, api_for, departments, django_assert_max_num_queries):  # noqa: F811
    """Token, scope (the department tree), count, page, audit: the same few queries for any page."""
    for _ in range(3):
        submitted("630102")
    api = api_for("630000")
    for code in ("630102", "630103", "630100"):
        ArchiveRecord.objects.create(
            person=ApplicantFactory(),
            full_name="测试人员",
            document_type="resident_id",
            document_number="630102199001011234",
            department=departments[code],
        )
    with django_assert_max_num_queries(11):
        body = api.get(QUEUE).json()
    assert body["count"] == 3
    with django_assert_max_num_queries(11):
        body = api.get(ARCHIVE).json()
    assert body["count"] == 3

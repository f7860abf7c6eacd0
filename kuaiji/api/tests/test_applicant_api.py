"""The applicant API (会计人员) under /api/v1/.

Covers: registration through the SMS outbox behind the picture captcha, with the pages' per-field
messages (a taken number revealed only after the code); sign-in for a bearer token with the pages'
throttling (captcha after 3 failures, lockout after 5), revocation and expiry; password reset ending
every token; the whole wizard — start, notice, each section (400 keeps the draft, 409 on a stale
version), the 1-inch photo, attachments (all or nothing), the PDF, submit, withdraw, resubmit — and the
history; an applicant reaches only their own submission and files (404 otherwise); every 4xx is JSON
with a Chinese message.
"""

import json
import random
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

import pytest

from kuaiji.accounts.models import User
from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.accounts.tests.helpers import jpeg_bytes, last_code_for
from kuaiji.api.models import ApiToken
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Attachment, Submission
from kuaiji.collection.tests import helpers
from kuaiji.core.fakes import fake_resident_id

API = "/api/v1"
rng = random.Random(11)
NEW_PASSWORD = "Qh2026Kuaiji"


def post_json(client, path, data=None, **headers):
    return client.post(API + path, json.dumps(data or {}), content_type="application/json", **headers)


def put_json(client, path, data, **headers):
    return client.put(API + path, json.dumps(data), content_type="application/json", **headers)


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def captcha(client) -> dict:
    response = client.get(API + "/captcha")
    assert response.status_code == 200
    body = response.json()
    assert body["image_url"].startswith("http")
    return {"captcha_key": body["key"], "captcha_answer": "PASSED"}


def photo(name="front.jpg", content=None):
    return SimpleUploadedFile(
        name, content if content is not None else jpeg_bytes(), content_type="image/jpeg"
    )


def registration(**overrides) -> dict:
    data = {
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "full_name": "林晓芸",
        "mobile": "13912345678",
        "password": NEW_PASSWORD,
        "agreement": "true",
    }
    data.update(overrides)
    return data


def register(client, data) -> str:
    response = post_json(
        client, "/sms-codes", {"mobile": data["mobile"], "purpose": "register", **captcha(client)}
    )
    assert response.status_code == 202, response.json()
    response = client.post(
        API + "/accounts", {**data, "sms_code": last_code_for(data["mobile"]), "id_photo": photo()}
    )
    assert response.status_code == 201, response.json()
    return response.json()["uuid"]


def sign_in(client, login, password=PASSWORD) -> str:
    response = post_json(client, "/tokens", {"login": login, "password": password})
    assert response.status_code == 200, response.json()
    return response.json()["token"]


@pytest.fixture
def applicant(db):
    return ApplicantFactory(full_name="赵文博")


@pytest.fixture
def auth(client, applicant) -> dict:
    return bearer(sign_in(client, applicant.document_number))


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content.decode()[:2000]
    body = response.json()
    assert set(body) >= {"code", "message", "errors"}
    if code is not None:
        assert body["code"] == code
    return body


# --- the whole journey ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_sign_in_fill_submit_withdraw_and_resubmit(client, departments):
    data = registration()
    uuid = register(client, data)
    user = User.objects.get(uuid=uuid)
    assert user.is_applicant and user.identity_photos.count() == 1
    headers = bearer(sign_in(client, data["document_number"], NEW_PASSWORD))

    assert_error(client.get(API + "/me/submission", **headers), 404, "not_found")
    response = client.post(API + "/me/submission", **headers)
    assert response.status_code == 201
    submission = response.json()
    assert submission["status"] == "draft" and submission["status_label"] == "草稿"
    assert submission["sections"]["notice"] == "not_started"
    version = submission["version"]

    notice = client.get(API + "/me/submission/notice", **headers).json()
    assert notice["paragraphs"]
    response = post_json(client, "/me/submission/notice", {"version": version}, **headers)
    assert response.status_code == 200
    version = response.json()["version"]

    sections = {
        "personal": {**helpers.PERSONAL, "mobile": data["mobile"]},
        "employer": helpers.employer(departments["630102"].pk),
        "education": helpers.EDUCATION,
        "qualification": helpers.QUALIFICATION_JUNIOR,
    }
    for section, values in sections.items():
        response = put_json(
            client, f"/me/submission/sections/{section}", {"version": version, "data": values}, **headers
        )
        assert response.status_code == 200, (section, response.json())
        body = response.json()
        assert body["complete"] is True
        version = body["version"]
    assert body["answers"]["qualification_level"] == "junior"
    read = client.get(API + "/me/submission/sections/employer", **headers).json()
    assert read["complete"] is True and read["errors"] == {}
    assert read["data"]["employer_name"] == "西宁虚构商贸有限公司"

    assert_error(client.get(API + "/me/submission/basic-info-form.pdf", **headers), 409, "incomplete")
    response = client.post(
        API + "/me/submission/portrait", {"portrait": helpers.image_upload(size=(600, 800))}, **headers
    )
    assert response.status_code == 200, response.json()
    assert response.json()["width"] > 0 and response.json()["size"] > 0

    # The form is downloaded before it is signed and uploaded (what it shows is remembered).
    pdf = client.get(API + "/me/submission/basic-info-form.pdf", **headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    listing = client.get(API + "/me/submission/attachments", **headers).json()
    slots = [item["slot"] for item in listing["required"]]
    assert {"id_front", "id_back", "qualification_certificate", "basic_info_form"} <= set(slots)
    # The ID photo given at registration is already in its slot (defect 13), marked as such.
    assert [(item["slot"], item["from_registration"]) for item in listing["files"]] == [
        ("id_front", True),
        ("portrait", False),
    ]
    for slot in [slot for slot in slots if slot != "id_front"]:
        response = client.post(
            API + f"/me/submission/attachments/{slot}",
            {"files": [helpers.image_upload(f"{slot}.jpg", (320, 240))]},
            **headers,
        )
        assert response.status_code == 201, response.json()
        (created,) = response.json()
        assert created["slot"] == slot
    image = client.get(API + f"/me/submission/attachments/{created['uuid']}/file", **headers)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"

    current = client.get(API + "/me/submission", **headers).json()
    assert set(current["sections"].values()) == {"completed"}
    body = assert_error(
        post_json(client, "/me/submission/submit", {"version": current["version"]}, **headers),
        400,
        "commitment",
    )
    assert body["message"] == "请阅读并勾选承诺函"
    response = post_json(
        client,
        "/me/submission/submit",
        {"version": current["version"], "commitment_accepted": True},
        **headers,
    )
    assert response.status_code == 200, response.json()
    submitted = response.json()
    assert submitted["status"] == "pending"
    assert submitted["department"] == departments["630000"].name and submitted["due_on"]

    # Under review nothing can change.
    assert_error(
        put_json(
            client,
            "/me/submission/sections/education",
            {"version": submitted["version"], "data": {}},
            **headers,
        ),
        409,
        "not_editable",
    )
    response = client.post(API + "/me/submission/withdraw", **headers)
    assert response.status_code == 200 and response.json()["status"] == "draft"
    assert_error(client.post(API + "/me/submission/withdraw", **headers), 404)
    response = post_json(
        client,
        "/me/submission/submit",
        {"version": response.json()["version"], "commitment_accepted": True},
        **headers,
    )
    assert response.status_code == 200 and response.json()["status"] == "pending"
    assert Submission.objects.get(uuid=submission["uuid"]).revisions.count() == 2

    history = client.get(API + "/me/submission/history", **headers).json()
    assert [event["action"] for event in history["events"]] == [
        "submission.started",
        "submission.submitted",
        "submission.withdrawn",
        "submission.submitted",
    ]
    assert history["events"][1]["label"] == "提交审核"


# --- registration and SMS codes --------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_answers_each_bad_field_with_the_pages_message(client):
    response = client.post(
        API + "/accounts",
        registration(
            document_number="110101199003071234",
            full_name="",
            mobile="12345",
            password="short",
            agreement="false",
        ),
    )
    errors = assert_error(response, 400, "invalid")["errors"]
    assert errors["document_number"] == ["身份证号码最后一位校验不正确，请核对"]
    assert errors["full_name"] == ["请输入姓名"]
    assert errors["mobile"]
    assert errors["sms_code"] == ["请输入短信验证码"]
    assert errors["agreement"] == ["请阅读并勾选同意注册协议"]
    assert errors["id_photo"] == ["请上传身份证件人像面照片"]
    assert errors["password"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_registration_checks_the_code_then_the_photo(client):
    data = registration()
    post_json(client, "/sms-codes", {"mobile": data["mobile"], "purpose": "register", **captcha(client)})
    response = client.post(API + "/accounts", {**data, "sms_code": "000000", "id_photo": photo()})
    message = assert_error(response, 400, "invalid")["errors"]["sms_code"][0]
    assert message.startswith("短信验证码不正确") or message == "短信验证码已失效，请重新获取"
    code = last_code_for(data["mobile"])
    response = client.post(
        API + "/accounts", {**data, "sms_code": code, "id_photo": photo("x.jpg", b"GIF89a not a photo")}
    )
    assert assert_error(response, 400)["errors"]["id_photo"] == ["只能上传 JPG 或 PNG 格式的图片"]
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_taken_number_is_revealed_only_after_the_code(client, applicant):
    data = registration(document_number=applicant.document_number, mobile="13812345670")
    response = client.post(API + "/accounts", {**data, "sms_code": "123456", "id_photo": photo()})
    errors = assert_error(response, 400)["errors"]
    assert "document_number" not in errors and "sms_code" in errors
    post_json(client, "/sms-codes", {"mobile": data["mobile"], "purpose": "register", **captcha(client)})
    response = client.post(
        API + "/accounts", {**data, "sms_code": last_code_for(data["mobile"]), "id_photo": photo()}
    )
    message = assert_error(response, 400)["errors"]["document_number"][0]
    assert message.startswith("该证件号码已注册") and "<a" not in message


@pytest.mark.django_db
def test_sms_codes_need_the_captcha_and_are_rate_limited(client):
    body = assert_error(
        post_json(client, "/sms-codes", {"mobile": "13912345678", "purpose": "register"}), 400, "invalid"
    )
    assert body["errors"]["captcha_answer"] == ["请输入图片验证码"]
    assert_error(
        post_json(client, "/sms-codes", {"mobile": "13912345678", "purpose": "sign_up", **captcha(client)}),
        422,
    )
    first = post_json(
        client, "/sms-codes", {"mobile": "13912345678", "purpose": "register", **captcha(client)}
    )
    assert first.status_code == 202 and first.json()["message"].startswith("短信验证码已发送")
    again = post_json(
        client, "/sms-codes", {"mobile": "13912345678", "purpose": "register", **captcha(client)}
    )
    assert assert_error(again, 429, "rate_limited")["message"].startswith("获取验证码过于频繁")


@pytest.mark.django_db
def test_reset_code_answer_is_the_same_whether_or_not_the_account_exists(client, applicant):
    identity = {"document_type": "resident_id", "full_name": applicant.full_name, "purpose": "reset_password"}
    known = post_json(
        client, "/sms-codes", {**identity, "document_number": applicant.document_number, **captcha(client)}
    )
    unknown = post_json(
        client, "/sms-codes", {**identity, "document_number": fake_resident_id(rng=rng), **captcha(client)}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert last_code_for(applicant.mobile)


@pytest.mark.django_db
def test_second_reset_code_answer_is_the_same_whether_or_not_the_account_exists(client, applicant):
    identity = {"document_type": "resident_id", "full_name": applicant.full_name, "purpose": "reset_password"}
    stranger = fake_resident_id(rng=rng)
    answers = []
    for _ in range(2):
        for number in (applicant.document_number, stranger):
            response = post_json(
                client, "/sms-codes", {**identity, "document_number": number, **captcha(client)}
            )
            answers.append((response.status_code, response.json()))
    first_known, first_unknown, second_known, second_unknown = answers

    assert first_known == first_unknown
    assert second_known == second_unknown


@pytest.mark.django_db
def test_password_reset_revokes_every_token(client, applicant, auth):
    assert client.get(API + "/me/submission", **auth).status_code == 404
    post_json(
        client,
        "/sms-codes",
        {
            "purpose": "reset_password",
            "document_type": "resident_id",
            "document_number": applicant.document_number,
            "full_name": applicant.full_name,
            **captcha(client),
        },
    )
    identity = {
        "document_type": "resident_id",
        "document_number": applicant.document_number,
        "full_name": applicant.full_name,
    }
    weak = post_json(
        client, "/accounts/password-reset", {**identity, "sms_code": "123456", "password": "password"}
    )
    assert "password" in assert_error(weak, 400)["errors"]
    response = post_json(
        client,
        "/accounts/password-reset",
        {**identity, "sms_code": last_code_for(applicant.mobile), "password": NEW_PASSWORD},
    )
    assert response.status_code == 204
    assert_error(client.get(API + "/me/submission", **auth), 401, "unauthenticated")
    assert sign_in(client, applicant.document_number, NEW_PASSWORD)


@pytest.mark.django_db
def test_legacy_holder_activates_an_account(client):
    from kuaiji.accounts.tests.factories import LegacyHolderFactory

    holder = LegacyHolderFactory(full_name="林晓芸", document_number=fake_resident_id(rng=rng))
    mobile = "13712345678"
    post_json(client, "/sms-codes", {"mobile": mobile, "purpose": "activate", **captcha(client)})
    payload = {
        "document_type": "resident_id",
        "document_number": holder.document_number,
        "full_name": "林晓芸",
        "mobile": mobile,
        "sms_code": last_code_for(mobile),
        "password": NEW_PASSWORD,
    }
    response = post_json(client, "/accounts/activate", payload)
    assert response.status_code == 201, response.json()
    assert User.objects.get(uuid=response.json()["uuid"]).legacy_holder_id == holder.pk


# --- tokens ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_wrong_password_then_captcha_then_lockout(client, applicant):
    login = applicant.document_number
    for _ in range(3):
        body = assert_error(post_json(client, "/tokens", {"login": login, "password": "wrong"}), 401)
        assert body["message"] == "证件号码（手机号码）或密码不正确"
    assert_error(
        post_json(client, "/tokens", {"login": login, "password": PASSWORD}), 400, "captcha_required"
    )
    with_captcha = {"login": login, **captcha(client)}
    assert_error(post_json(client, "/tokens", {**with_captcha, "password": "wrong"}), 401)
    locked = post_json(client, "/tokens", {"login": login, "password": "wrong", **captcha(client)})
    assert "账号已锁定" in assert_error(locked, 429, "locked_out")["message"]
    still = post_json(client, "/tokens", {"login": login, "password": PASSWORD, **captcha(client)})
    assert_error(still, 429, "locked_out")


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_failures(client, applicant):
    assert_error(post_json(client, "/tokens", {"login": applicant.mobile, "password": "wrong"}), 401)
    assert sign_in(client, applicant.mobile)
    for _ in range(2):
        post_json(client, "/tokens", {"login": applicant.mobile, "password": "wrong"})
    assert sign_in(client, applicant.mobile)  # 3 failures would have asked for the captcha


@pytest.mark.django_db
def test_revoked_and_expired_tokens_are_refused(client, applicant):
    token = sign_in(client, applicant.document_number)
    assert client.get(API + "/me/submission", **bearer(token)).status_code == 404
    assert client.delete(API + "/tokens/current", **bearer(token)).status_code == 204
    assert_error(client.get(API + "/me/submission", **bearer(token)), 401, "unauthenticated")
    assert_error(client.delete(API + "/tokens/current", **bearer(token)), 401)

    token = sign_in(client, applicant.document_number)
    ApiToken.objects.filter(revoked_at__isnull=True).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(client.get(API + "/me/submission", **bearer(token)), 401)
    assert_error(client.get(API + "/me/submission"), 401)
    assert_error(client.get(API + "/me/submission", **bearer("kj_made-up")), 401)


# --- the wizard's errors ---------------------------------------------------------------------------------


@pytest.fixture
def draft(client, auth) -> dict:
    response = client.post(API + "/me/submission", **auth)
    assert response.status_code == 201
    return response.json()


@pytest.mark.django_db
def test_an_invalid_section_is_kept_and_explained(client, auth, draft, departments):
    data = {**helpers.EDUCATION, "graduated_on": "2012-13-45", "school": ""}
    response = put_json(
        client, "/me/submission/sections/education", {"version": draft["version"], "data": data}, **auth
    )
    body = assert_error(response, 400, "invalid")
    assert body["errors"]["graduated_on"] == ["请按“年-月-日”填写日期，例如 2015-07-01"]
    assert body["errors"]["school"] == ["请填写毕业院校"]
    assert body["version"] == draft["version"] + 1
    read = client.get(API + "/me/submission/sections/education", **auth).json()
    assert read["complete"] is False and read["data"]["graduated_on"] == "2012-13-45"
    assert set(read["errors"]) == {"graduated_on", "school"}
    states = client.get(API + "/me/submission", **auth).json()["sections"]
    assert states["education"] == "in_progress"

    rows = {**helpers.employer(departments["630102"].pk), "history-0-unit": "某单位"}
    response = put_json(
        client, "/me/submission/sections/employer", {"version": body["version"], "data": rows}, **auth
    )
    assert "history-0-started" in assert_error(response, 400)["errors"]


@pytest.mark.django_db
def test_a_stale_version_is_a_conflict_and_saves_nothing(client, auth, draft):
    version = draft["version"]
    assert (
        put_json(
            client,
            "/me/submission/sections/education",
            {"version": version, "data": helpers.EDUCATION},
            **auth,
        ).status_code
        == 200
    )
    stale = put_json(
        client, "/me/submission/sections/education", {"version": version, "data": {"school": "别处"}}, **auth
    )
    assert_error(stale, 409, "conflict")
    assert (
        client.get(API + "/me/submission/sections/education", **auth).json()["data"]["school"]
        == "虚构财经大学"
    )
    assert_error(post_json(client, "/me/submission/notice", {"version": version}, **auth), 409, "conflict")


@pytest.mark.django_db
def test_unknown_sections_slots_and_malformed_requests(client, auth, draft):
    assert_error(client.get(API + "/me/submission/sections/notes", **auth), 404)
    assert_error(client.delete(API + "/me/submission/attachments/not-a-uuid", **auth), 404, "not_found")
    assert_error(client.get(API + "/me/submission/attachments/not-a-uuid/file", **auth), 404, "not_found")
    assert_error(
        put_json(client, "/me/submission/sections/personal", {"version": "x", "data": {}}, **auth), 422
    )
    assert_error(
        put_json(client, "/me/submission/sections/personal", {"version": 1, "data": {"a": 1}}, **auth), 422
    )
    response = client.post(API + "/me/submission/attachments/nonsense", {"files": [photo()]}, **auth)
    assert assert_error(response, 400)["errors"]["files"][0].endswith("根据您填写的信息，不需要上传这类附件")
    response = client.post(
        API + "/me/submission/portrait", {"portrait": photo("p.png", b"\x89PNG broken")}, **auth
    )
    assert assert_error(response, 400)["errors"]["portrait"]
    assert_error(
        client.post(
            API + "/me/submission/change",
            json.dumps({"kind": "transfer"}),
            content_type="application/json",
            **auth,
        ),
        400,
        "open_submission",
    )
    assert_error(
        post_json(
            client,
            "/me/submission/submit",
            {"version": draft["version"], "commitment_accepted": True},
            **auth,
        ),
        400,
        "incomplete",
    )


@pytest.mark.django_db
def test_an_upload_with_a_bad_image_keeps_none(client, applicant, auth, draft):
    response = client.post(
        API + "/me/submission/attachments/id_front",
        {"files": [helpers.image_upload("a.jpg", (320, 240)), photo("b.jpg", b"not an image")]},
        **auth,
    )
    assert assert_error(response, 400)["errors"]["files"][0].startswith("第 2 张（b.jpg）")
    assert not Attachment.objects.filter(owner=applicant).exists()


@pytest.mark.django_db
def test_another_applicants_files_and_submission_are_not_found(client, auth, draft, applicant):
    other = ApplicantFactory()
    other_headers = bearer(sign_in(client, other.document_number))
    assert client.post(API + "/me/submission", **other_headers).status_code == 201
    response = client.post(
        API + "/me/submission/attachments/id_front",
        {"files": [helpers.image_upload("a.jpg", (320, 240))]},
        **other_headers,
    )
    theirs = response.json()[0]["uuid"]
    assert_error(client.get(API + f"/me/submission/attachments/{theirs}/file", **auth), 404, "not_found")
    assert_error(client.delete(API + f"/me/submission/attachments/{theirs}", **auth), 404, "not_found")
    assert client.get(API + f"/me/submission/attachments/{theirs}/file", **other_headers).status_code == 200
    assert client.get(API + "/me/submission/attachments", **auth).json()["files"] == []
    assert client.delete(API + f"/me/submission/attachments/{theirs}", **other_headers).status_code == 204
    assert Submission.objects.get(uuid=draft["uuid"]).applicant == applicant


@pytest.mark.django_db
def test_staff_tokens_do_not_reach_the_applicant_endpoints(client):
    from kuaiji.accounts.tests.factories import StaffFactory

    staff = StaffFactory()
    _, secret = ApiToken.issue(user=staff, lifetime=timedelta(hours=1))
    assert_error(client.get(API + "/me/submission", **bearer(secret)), 401)
    assert Submission.objects.filter(status=Status.DRAFT).count() == 0


@pytest.mark.django_db
def test_activation_and_reset_errors_name_their_field_as_on_the_pages(client, applicant):
    """The pages and the API share one step for each (accounts.services.*_with_code)."""
    from kuaiji.accounts.tests.factories import LegacyHolderFactory

    holder = LegacyHolderFactory(full_name="林晓芸", document_number=fake_resident_id(rng=rng))
    mobile = "13712340077"
    post_json(client, "/sms-codes", {"mobile": mobile, "purpose": "activate", **captcha(client)})
    payload = {
        "document_type": "resident_id",
        "document_number": holder.document_number,
        "full_name": "王五",
        "mobile": mobile,
        "sms_code": last_code_for(mobile),
        "password": NEW_PASSWORD,
    }
    errors = assert_error(post_json(client, "/accounts/activate", payload), 400)["errors"]
    assert "原持证人员名单中没有" in errors["document_number"][0]
    assert "<a" not in errors["document_number"][0]
    # A stranger's identity gets the same answer as a wrong code.
    stranger = {
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "full_name": "赵六",
    }
    errors = assert_error(
        post_json(
            client, "/accounts/password-reset", {**stranger, "sms_code": "123456", "password": NEW_PASSWORD}
        ),
        400,
    )["errors"]
    assert errors["sms_code"] == ["短信验证码不正确，请核对证件号码、姓名和验证码"]


# --- the checks of submit hold for the API too (defects 11 and 19) ----------------------------------------


def _api_submit(client, auth, submission, **extra):
    submission.refresh_from_db()
    return post_json(
        client,
        "/me/submission/submit",
        {"version": submission.version, "commitment_accepted": True, **extra},
        **auth,
    )


@pytest.mark.django_db
def test_the_api_cannot_submit_a_signed_form_of_other_answers(client, applicant, auth, departments):
    from kuaiji.collection import form_status, services
    from kuaiji.collection.tests.factories import SubmissionFactory

    submission = SubmissionFactory.create(complete=True, applicant=applicant)
    services.save_section(
        submission,
        section="personal",
        data={**helpers.PERSONAL, "mobile": applicant.mobile, "residence_address": "虚构路 2 号"},
        expected_version=submission.version,
    )

    # The API's task states are the task list's: the signed form needs doing again (not 已完成).
    assert (
        client.get("/api/v1/me/submission", **auth).json()["sections"]["basic_info_form"] == "needs_changes"
    )
    body = assert_error(_api_submit(client, auth, submission), 400)
    assert "重新下载信息表" in body["message"]
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT

    # Download the form again through the API, sign it and upload it: now it goes.
    response = client.get("/api/v1/me/submission/basic-info-form.pdf", **auth)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    submission.attachments.filter(slot=form_status.SIGNED_FORM_SLOT).delete()
    upload = SimpleUploadedFile("signed.jpg", jpeg_bytes(), content_type="image/jpeg")
    services.add_attachment(submission, slot=form_status.SIGNED_FORM_SLOT, upload=upload)
    response = _api_submit(client, auth, submission)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert response.json()["status"] == Status.PENDING


@pytest.mark.django_db
def test_the_api_asks_to_confirm_plausibility_warnings(client, applicant, auth, departments):
    from kuaiji.collection import form_status, services
    from kuaiji.collection.tests.factories import SubmissionFactory

    submission = SubmissionFactory.create(complete=True, applicant=applicant)
    submission.refresh_from_db()
    employer = {**submission.answers["employer"], "started_accounting_on": "1960-01"}
    services.save_section(submission, section="employer", data=employer, expected_version=submission.version)
    # The form signed must be of these answers, so only the warning stands in the way.
    form_status.record_form_generated(submission)
    for attachment in submission.attachments.filter(slot=form_status.SIGNED_FORM_SLOT):
        form_status.stamp_signed_form(submission, attachment)

    body = assert_error(_api_submit(client, auth, submission), 400)
    assert "未满 16 周岁" in body["message"]
    response = _api_submit(client, auth, submission, plausibility_confirmed=True)
    assert response.status_code == 200, response.content.decode()[:2000]

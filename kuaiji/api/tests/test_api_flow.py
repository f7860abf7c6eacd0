"""The whole journey through the API alone, as a mobile app and another system would make it.

An applicant registers (SMS code from the outbox, the picture captcha passed in test mode, an ID photo),
signs in for a token, starts the information collection, accepts the notice, fills each section, uploads
the 1-inch photo and an image for every attachment the answers need, downloads the basic information
form and submits. A reviewer of the province (630000, 审核员) signs in with password and TOTP code, finds
the submission in the queue and returns it with a reason and a flagged section; the applicant sees the
reason and the flag, fixes the section and resubmits; the reviewer approves. Exam registration, with an
integration key, then learns the person has completed the collection.
"""

import json
import random

from django.contrib.auth.models import Group

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import PASSWORD, StaffFactory, current_token
from kuaiji.accounts.tests.helpers import jpeg_bytes, last_code_for
from kuaiji.api.models import IntegrationKey
from kuaiji.collection.tests import helpers
from kuaiji.core.fakes import fake_mobile, fake_resident_id

API = "/api/v1"
APPLICANT_PASSWORD = "Qh2026Kuaiji"
RETURN_REASON = "学历证书编号与学信网记录不一致，请核对后重新填写"

rng = random.Random(2026)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def send_json(client, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    return getattr(client, method)(
        API + path, json.dumps(body or {}), content_type="application/json", headers=headers or {}
    )


def expect(response, status: int) -> dict:
    assert response.status_code == status, (
        f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']}: {response.status_code} "
        f"{response.content.decode(errors='replace')[:2000]}"
    )
    if response.content and response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return {}


# --- the steps -------------------------------------------------------------------------------------------


def register(client) -> dict:
    person = {
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "full_name": "林晓芸",
        "mobile": fake_mobile(rng=rng),
    }
    answer = expect(
        send_json(
            client,
            "post",
            "/sms-codes",
            {
                "purpose": "register",
                "mobile": person["mobile"],
                "captcha_key": "test",
                "captcha_answer": "PASSED",
            },
        ),
        202,
    )
    assert answer["message"]
    code = last_code_for(person["mobile"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        API + "/accounts",
        {
            **person,
            "sms_code": code,
            "password": APPLICANT_PASSWORD,
            "agreement": "true",
            "id_photo": SimpleUploadedFile("front.jpg", jpeg_bytes(), content_type="image/jpeg"),
        },
    )
    assert expect(response, 201)["uuid"]
    return person


def sign_in(client, person) -> str:
    answer = expect(
        send_json(
            client, "post", "/tokens", {"login": person["document_number"], "password": APPLICANT_PASSWORD}
        ),
        200,
    )
    assert answer["token"] and answer["expires_at"]
    return answer["token"]


def my_submission(client, token) -> dict:
    return expect(client.get(API + "/me/submission", headers=bearer(token)), 200)


def save_section(client, token, section: str, data: dict) -> dict:
    version = my_submission(client, token)["version"]
    answer = expect(
        send_json(
            client,
            "put",
            f"/me/submission/sections/{section}",
            {"version": version, "data": data},
            bearer(token),
        ),
        200,
    )
    assert answer["complete"] is True, answer
    return answer


def fill_and_submit(client, token, person, departments) -> dict:
    started = expect(client.post(API + "/me/submission", headers=bearer(token)), 201)
    assert started["status"] == "draft" and started["kind"] == "initial"

    notice = expect(client.get(API + "/me/submission/notice", headers=bearer(token)), 200)
    assert notice["title"] and notice["paragraphs"]
    expect(
        send_json(client, "post", "/me/submission/notice", {"version": started["version"]}, bearer(token)),
        200,
    )

    # A section read back before it is filled: empty, not complete.
    empty = expect(client.get(API + "/me/submission/sections/education", headers=bearer(token)), 200)
    assert empty["complete"] is False and empty["data"] == {}

    save_section(client, token, "personal", {**helpers.PERSONAL, "mobile": person["mobile"]})
    save_section(client, token, "employer", helpers.employer(departments["630102"].pk))
    save_section(client, token, "education", helpers.EDUCATION)
    save_section(client, token, "qualification", helpers.QUALIFICATION_NONE)
    stored = expect(client.get(API + "/me/submission/sections/education", headers=bearer(token)), 200)
    assert stored["complete"] is True and stored["data"]["school"] == "虚构财经大学"

    portrait = expect(
        client.post(
            API + "/me/submission/portrait",
            {"portrait": helpers.image_upload(size=(1500, 2000))},
            headers=bearer(token),
        ),
        200,
    )
    assert portrait["width"] > 0 and portrait["height"] > portrait["width"] * 0.9

    # The form to print and sign, once the sections and the photo are complete.
    pdf = client.get(API + "/me/submission/basic-info-form.pdf", headers=bearer(token))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")

    listing = expect(client.get(API + "/me/submission/attachments", headers=bearer(token)), 200)
    slots = [requirement["slot"] for requirement in listing["required"]]
    assert {"id_front", "id_back", "basic_info_form"} <= set(slots), slots
    # The ID photo given at registration is already in its slot (defect 13): only the others are sent.
    given = {item["slot"] for item in listing["files"] if item["from_registration"]}
    assert given == {"id_front"}
    for slot in [slot for slot in slots if slot not in given]:
        uploaded = expect(
            client.post(
                API + f"/me/submission/attachments/{slot}",
                {"files": helpers.image_upload(name=f"{slot}.jpg", size=(1000, 700))},
                headers=bearer(token),
            ),
            201,
        )
        assert [item["slot"] for item in uploaded] == [slot]
    listing = expect(client.get(API + "/me/submission/attachments", headers=bearer(token)), 200)
    assert {item["slot"] for item in listing["files"]} >= {*slots, "portrait"}

    before = my_submission(client, token)
    assert set(before["sections"].values()) == {"completed"}, before["sections"]
    submitted = expect(
        send_json(
            client,
            "post",
            "/me/submission/submit",
            {"version": before["version"], "commitment_accepted": True},
            bearer(token),
        ),
        200,
    )
    assert submitted["status"] == "pending"
    assert submitted["submitted_at"] and submitted["due_on"]
    return submitted


def re_sign(client, token) -> None:
    """After a fix the signed form shows old answers: download it again, replace the signed photo."""
    headers = bearer(token)
    assert client.get(API + "/me/submission/basic-info-form.pdf", headers=headers).status_code == 200
    listing = expect(client.get(API + "/me/submission/attachments", headers=headers), 200)
    for item in listing["files"]:
        if item["slot"] == "basic_info_form":
            response = client.delete(API + f"/me/submission/attachments/{item['uuid']}", headers=headers)
            assert response.status_code in (200, 204), response.content.decode()[:500]
    expect(
        client.post(
            API + "/me/submission/attachments/basic_info_form",
            {"files": helpers.image_upload(name="signed.jpg", size=(1000, 700))},
            headers=headers,
        ),
        201,
    )


def staff_sign_in(client, departments) -> str:
    staff = StaffFactory.create(department=departments["630000"])
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    answer = expect(
        send_json(
            client,
            "post",
            "/staff/tokens",
            {"username": staff.username, "password": PASSWORD, "totp": current_token(staff)},
        ),
        200,
    )
    return answer["token"]


def pending_detail(client, staff_token, submission_uuid: str) -> dict:
    queue = expect(
        client.get(API + "/staff/submissions", {"status": "pending"}, headers=bearer(staff_token)), 200
    )
    assert submission_uuid in [item["uuid"] for item in queue["items"]], queue
    detail = expect(
        client.get(API + f"/staff/submissions/{submission_uuid}", headers=bearer(staff_token)), 200
    )
    assert detail["status"] == "pending" and detail["can_decide"] is True
    return detail


def decide(client, staff_token, detail: dict, **decision) -> dict:
    return expect(
        send_json(
            client,
            "post",
            f"/staff/submissions/{detail['uuid']}/decision",
            {"version": detail["version"], **decision},
            bearer(staff_token),
        ),
        200,
    )


# --- the tests -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_register_sign_in_and_sign_out(client):
    person = register(client)
    token = sign_in(client, person)
    # Signed in, but nothing started yet.
    assert expect(client.get(API + "/me/submission", headers=bearer(token)), 404)["code"] == "not_found"
    expect(client.delete(API + "/tokens/current", headers=bearer(token)), 204)
    gone = expect(client.get(API + "/me/submission", headers=bearer(token)), 401)
    assert gone["code"] == "unauthenticated"


@pytest.mark.django_db
def test_wizard_to_submitted_through_the_api(client, departments):
    person = register(client)
    token = sign_in(client, person)
    submitted = fill_and_submit(client, token, person, departments)
    assert submitted["department"]  # the province reviews a first collection
    history = expect(client.get(API + "/me/submission/history", headers=bearer(token)), 200)
    assert history["events"] and history["decision_reason"] == ""


@pytest.mark.django_db
def test_return_resubmit_approve_and_integration_status(client, departments):
    person = register(client)
    token = sign_in(client, person)
    submitted = fill_and_submit(client, token, person, departments)
    staff_token = staff_sign_in(client, departments)

    # Returned with a reason and the education section flagged.
    detail = pending_detail(client, staff_token, submitted["uuid"])
    assert detail["full_name"] == "林晓芸"
    returned = decide(
        client, staff_token, detail, outcome="return", reason=RETURN_REASON, flagged_sections=["education"]
    )
    assert returned["status"] == "returned" and returned["outcome"] == "return"

    # The applicant sees the reason and what to fix.
    mine = my_submission(client, token)
    assert mine["status"] == "returned"
    assert mine["decision_reason"] == RETURN_REASON
    assert mine["sections"]["education"] == "needs_changes"
    history = expect(client.get(API + "/me/submission/history", headers=bearer(token)), 200)
    assert history["decision_reason"] == RETURN_REASON

    # Fixed and resubmitted.
    save_section(
        client, token, "education", {**helpers.EDUCATION, "certificate_number": "106001201205000124"}
    )
    mine = my_submission(client, token)
    assert mine["sections"]["education"] == "completed"
    # The signed form showed the old certificate number: submit refuses it until it is signed again.
    refused = send_json(
        client,
        "post",
        "/me/submission/submit",
        {"version": mine["version"], "commitment_accepted": True},
        bearer(token),
    )
    assert refused.status_code == 400 and refused.json()["code"] == "signed_form_out_of_date"
    re_sign(client, token)
    mine = my_submission(client, token)
    resubmitted = expect(
        send_json(
            client,
            "post",
            "/me/submission/submit",
            {"version": mine["version"], "commitment_accepted": True},
            bearer(token),
        ),
        200,
    )
    assert resubmitted["status"] == "pending"

    # Approved.
    detail = pending_detail(client, staff_token, submitted["uuid"])
    assert detail["revision"] == 2
    approved = decide(client, staff_token, detail, outcome="approve", reason="", flagged_sections=[])
    assert approved["status"] == "approved"
    assert my_submission(client, token)["status"] == "approved"

    # Another system learns the collection is completed.
    _, secret = IntegrationKey.issue(name="考试报名系统", scopes=["collection_status"])
    status = expect(
        client.get(
            API + "/integration/collection-status",
            {"document_number": person["document_number"]},
            headers={"X-Api-Key": secret},
        ),
        200,
    )
    assert status["completed"] is True
    assert status["status"] == "approved"
    assert status["department"]["code"]
    assert status["last_approved_at"]
    assert person["document_number"] not in status["document_number"]  # masked

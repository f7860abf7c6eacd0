"""人员档案证明 (archive extracts).

Requirements covered:
- the person issues an extract: a PDF signed with PAdES by the platform's certificate, intact and trusted
  under pyHanko's validation; the snapshot is what the PDF printed (name, masked number, qualification,
  education, unit, department, credit entries in effect, dates); the QR code encodes the verification
  address of exactly that extract; a name with a character beyond the BMP prints as that character;
- a byte changed after signing makes the signature check fail;
- verification by code (typed any way: case, dashes, O/I/L) says 有效; after the expiry 已过期; revoked
  已撤销; after a new approved version or a credit entry published, 档案已更新;
- each verification is audited with how and from where, and the holder sees who verified and when;
- someone else's extract is 404 on download and revoke; a person without a record is told why;
- the public page: bad codes get a Chinese message beside the field, unknown codes too, and typed codes
  are limited per address; the QR page's queries are bounded;
- the integration API: with the scope, the state and the masked snapshot; without it 403; audited;
  documented in the OpenAPI schema;
- production without a signing key refuses to issue with a clear message.
"""

import hashlib
import io
import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pypdf
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaiji.api.models import IntegrationKey
from kuaiji.audit.models import AuditEvent
from kuaiji.collection.basic_info_form import fallback_font_path
from kuaiji.core.validators import mask_document_number
from kuaiji.extracts import codes, services, signing
from kuaiji.extracts.constants import ExtractState, VerificationChannel
from kuaiji.extracts.models import ArchiveExtract
from kuaiji.extracts.selectors import verify_extract

from .helpers import publish_credit_entry, qr_url_of, signature_status

pytestmark = pytest.mark.django_db

VERIFY_API = "/api/v1/integration/extracts/verify"


def issue(record) -> ArchiveExtract:
    return services.issue_extract(record.person)


def pdf_bytes(extract: ArchiveExtract) -> bytes:
    with extract.pdf.open("rb") as stored:
        return stored.read()


def text_of(pdf: bytes) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


# Issuing ------------------------------------------------------------------------------------------------


def test_an_issued_extract_is_signed_and_prints_the_archive(person_client, record):
    award = publish_credit_entry(record)
    response = person_client.post(reverse("extracts:mine"))
    assert response.status_code == 302
    extract = ArchiveExtract.objects.get(record=record)

    pdf = pdf_bytes(extract)
    status = signature_status(pdf)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.bottom_line
    assert extract.pdf_sha256 == hashlib.sha256(pdf).hexdigest()

    snapshot = extract.snapshot
    masked = mask_document_number(record.document_number)
    assert snapshot["full_name"] == record.full_name
    assert snapshot["document_number"] == masked
    assert snapshot["employer"] == record.employer_name
    assert snapshot["department"] == record.department.name
    assert snapshot["issued_on"] == timezone.localdate().isoformat()
    assert extract.expires_on == timezone.localdate() + timedelta(days=90)
    assert [award.title in line for line in snapshot["credit_lines"]] == [True]

    text = text_of(pdf).replace(" ", "").replace("\n", "")
    for value in (record.full_name, masked, record.employer_name, award.title, extract.display_code):
        assert value.replace(" ", "") in text
    assert record.document_number not in text
    url = services.verification_url(extract)
    assert url == f"http://127.0.0.1:8000/verify/{extract.uuid}/"
    assert url in text
    assert qr_url_of(pdf) == url

    assert re.fullmatch(
        r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", extract.display_code
    )
    [event] = AuditEvent.objects.filter(action="extract.issued")
    assert event.actor == record.person and event.target_id == str(extract.uuid)


def test_the_person_downloads_only_their_own_extract(person_client, record, make_record, client):
    extract = issue(record)
    response = person_client.get(reverse("extracts:download", args=[extract.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes(extract)

    other = make_record()
    client.force_login(other.person)
    assert client.get(reverse("extracts:download", args=[extract.uuid])).status_code == 404
    assert client.get(reverse("extracts:revoke", args=[extract.uuid])).status_code == 404
    assert client.post(reverse("extracts:revoke", args=[extract.uuid])).status_code == 404
    extract.refresh_from_db()
    assert extract.revoked_at is None


def test_a_person_without_a_record_is_told_why(client):
    from kuaiji.accounts.tests.factories import ApplicantFactory

    person = ApplicantFactory()
    client.force_login(person)
    page = client.get(reverse("extracts:mine")).content.decode()
    assert "您还没有审核通过的人员档案" in page
    assert "开具人员档案证明</button>" not in page
    response = client.post(reverse("extracts:mine"), follow=True)
    assert "您还没有审核通过的人员档案" in response.content.decode()
    assert not ArchiveExtract.objects.exists()


@pytest.mark.skipif(fallback_font_path() is None, reason="no fallback CJK font (fonts-hanazono)")
def test_a_name_beyond_the_bmp_prints_as_itself(make_record):
    record = make_record(full_name="李𪚥")
    extract = issue(record)
    pdf = pdf_bytes(extract)
    assert "李𪚥" in text_of(pdf)
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = [str(font.get_object()["/BaseFont"]) for font in page["/Resources"]["/Font"].values()]
    assert any("HanaMinB" in font for font in fonts)
    assert signature_status(pdf).intact


def test_a_byte_changed_after_signing_fails_the_signature_check(record):
    pdf = pdf_bytes(issue(record))
    assert signature_status(pdf).intact
    altered = bytearray(pdf)
    position = pdf.index(b"/Title")  # inside the first signed byte range (the document's information)
    altered[position + 10] ^= 0x01
    status = signature_status(bytes(altered))
    assert not status.intact
    assert not status.bottom_line


def test_production_without_a_signing_key_refuses_to_issue(record, settings):
    from django.core.exceptions import ValidationError

    settings.IS_PRODUCTION, settings.IS_TEST = True, False
    settings.KUAIJI_EXTRACT_SIGNING_KEY = settings.KUAIJI_EXTRACT_SIGNING_CERT = ""
    with pytest.raises(ValidationError) as error:
        issue(record)
    assert error.value.code == "signing_unavailable"
    assert not ArchiveExtract.objects.exists()


def test_the_configured_key_and_certificate_sign(record, settings, tmp_path):
    key_pem, cert_pem = signing._self_signed("虚构省财政厅")
    (tmp_path / "key.pem").write_bytes(key_pem)
    (tmp_path / "cert.pem").write_bytes(cert_pem)
    settings.KUAIJI_EXTRACT_SIGNING_KEY = str(tmp_path / "key.pem")
    settings.KUAIJI_EXTRACT_SIGNING_CERT = str(tmp_path / "cert.pem")
    assert signing.signing_certificate().subject.native["common_name"] == "虚构省财政厅"
    assert signature_status(pdf_bytes(issue(record))).bottom_line


# Codes --------------------------------------------------------------------------------------------------


def test_typed_codes_are_normalised():
    assert codes.normalise_code("k7qm-3xhp-2a") == "K7QM3XHP2A"
    assert codes.normalise_code(" K7QM 3XHP 2A ") == "K7QM3XHP2A"
    assert codes.normalise_code("ko1l-iiii-oo") == "K011111100"
    assert codes.normalise_code("Ｋ７ＱＭ－３ＸＨＰ－２Ａ") == "K7QM3XHP2A"  # full width
    assert codes.normalise_code("K7QM-3XHP") is None
    assert codes.normalise_code("K7QM-3XHP-2U") is None  # U is not in Crockford's alphabet
    assert codes.format_code("K7QM3XHP2A") == "K7QM-3XHP-2A"
    assert all(codes.normalise_code(code) == code for code in (codes.new_code() for _ in range(50)))


@given(
    code=st.text(alphabet=codes.ALPHABET, min_size=10, max_size=10),
    separators=st.lists(st.sampled_from(["", "-", " ", "－", "  "]), min_size=10, max_size=10),
    lower=st.booleans(),
)
def test_any_code_typed_with_separators_and_any_case_normalises_back(code, separators, lower):
    typed = "".join(sep + ch for sep, ch in zip(separators, code, strict=True))
    assert codes.normalise_code(typed.lower() if lower else typed) == code


# Verifying ----------------------------------------------------------------------------------------------


def test_a_typed_code_verifies_and_the_holder_sees_it(client, record):
    extract = issue(record)
    typed = extract.display_code.lower().replace("0", "o").replace("-", " ")
    response = client.post(reverse("extracts:verify"), {"code": typed}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    page = response.content.decode()
    assert "有效" in page and "extract-verdict-valid" in page
    assert record.full_name in page and mask_document_number(record.document_number) in page
    assert record.document_number not in page

    [event] = AuditEvent.objects.filter(action="extract.verified")
    assert event.target_id == str(extract.uuid) and event.client_ip == "203.0.113.7"
    assert event.details == {"channel": "page", "state": "valid"}

    client.force_login(record.person)
    mine = client.get(reverse("extracts:mine")).content.decode()
    assert "网页查验（来自 203.0.113.*）" in mine
    assert "203.0.113.7" not in mine


def test_the_qr_address_verifies(client, record):
    extract = issue(record)
    response = client.get(f"/verify/{extract.uuid}/")
    assert response.status_code == 200
    assert "extract-verdict-valid" in response.content.decode()
    assert AuditEvent.objects.get(action="extract.verified").details["channel"] == "qr"


def test_an_expired_extract(client, record):
    extract = issue(record)
    ArchiveExtract.objects.filter(pk=extract.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    verification = verify_extract(extract.code, channel=VerificationChannel.PAGE, ip=None)
    assert verification is not None
    assert verification.state == ExtractState.EXPIRED and verification.expired
    assert "已过期" in client.get(f"/verify/{extract.uuid}/").content.decode()
    # The last day still counts.
    ArchiveExtract.objects.filter(pk=extract.pk).update(expires_on=timezone.localdate())
    assert verify_extract(extract.code, channel=VerificationChannel.PAGE, ip=None).state == ExtractState.VALID


def test_a_revoked_extract(person_client, record):
    extract = issue(record)
    confirm = person_client.get(reverse("extracts:revoke", args=[extract.uuid]))
    assert confirm.status_code == 200 and "确认撤销" in confirm.content.decode()
    response = person_client.post(reverse("extracts:revoke", args=[extract.uuid]), {"reason": "已不再需要"})
    assert response.status_code == 302
    extract.refresh_from_db()
    assert extract.revoked_at is not None and extract.revoked_reason == "已不再需要"
    assert extract.revoked_by == record.person
    verification = verify_extract(extract.display_code, channel=VerificationChannel.PAGE, ip=None)
    assert verification is not None and verification.state == ExtractState.REVOKED
    assert "已撤销" in person_client.get(f"/verify/{extract.uuid}/").content.decode()
    # A second revocation changes nothing.
    person_client.post(reverse("extracts:revoke", args=[extract.uuid]), {"reason": "again"})
    extract.refresh_from_db()
    assert extract.revoked_reason == "已不再需要"
    assert AuditEvent.objects.filter(action="extract.revoked").count() == 1


def test_a_credit_entry_published_after_issuing_changes_the_record(record):
    extract = issue(record)
    assert verify_extract(extract.code, channel=VerificationChannel.PAGE, ip=None).state == ExtractState.VALID
    publish_credit_entry(record, title="虚构通报表扬")
    verification = verify_extract(extract.code, channel=VerificationChannel.PAGE, ip=None)
    assert verification.state == ExtractState.RECORD_CHANGED and verification.record_changed
    assert verification.snapshot["credit_lines"] == []  # what the extract showed on its day


def test_an_approved_change_after_issuing_changes_the_record(record, departments):
    from kuaiji.collection import services as collection_services
    from kuaiji.collection.constants import SubmissionKind
    from kuaiji.collection.tests import helpers as collection_helpers
    from kuaiji.collection.tests.factories import fill, province_reviewer
    from kuaiji.review import services as review_services

    extract = issue(record)
    change = collection_services.start_change(record.person, kind=SubmissionKind.CHANGE)
    employer = {**collection_helpers.employer(departments["630102"].pk), "employer_name": "虚构变更有限公司"}
    fill(change, department_id=departments["630102"].pk, sections={"employer": employer})
    collection_helpers.re_sign_submission(change)
    change = collection_services.submit(change, expected_version=change.version, commitment_accepted=True)
    review_services.decide(
        reviewer=province_reviewer(),
        submission=change,
        expected_version=change.version,
        outcome="approve",
        reason="",
    )
    record.refresh_from_db()
    assert record.employer_name == "虚构变更有限公司"

    verification = verify_extract(extract.code, channel=VerificationChannel.PAGE, ip=None)
    assert verification is not None and verification.state == ExtractState.RECORD_CHANGED
    assert verification.snapshot["employer"] != "虚构变更有限公司"  # what it printed on its day
    # A new extract shows the change and is valid.
    fresh = issue(record)
    assert fresh.snapshot["employer"] == "虚构变更有限公司"
    assert verify_extract(fresh.code, channel=VerificationChannel.PAGE, ip=None).state == ExtractState.VALID


def test_bad_and_unknown_codes_are_told_beside_the_field(client, record):
    response = client.post(reverse("extracts:verify"), {"code": "12345"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "查验码应为 10 位字母或数字" in page and 'id="id_code_error"' in page
    response = client.post(reverse("extracts:verify"), {"code": ""})
    assert response.status_code == 400 and "请输入查验码" in response.content.decode()
    response = client.post(reverse("extracts:verify"), {"code": "0000-0000-00"})
    assert response.status_code == 404
    assert "没有找到这个查验码对应的证明" in response.content.decode()
    response = client.post(reverse("extracts:verify"), {"code": "\x00" * 20})
    assert response.status_code == 400 and "不能包含控制字符" in response.content.decode()
    assert client.get("/verify/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert not AuditEvent.objects.filter(action="extract.verified").exists()


def test_typed_codes_are_limited_per_address(client, record, settings):
    settings.KUAIJI_EXTRACT_VERIFICATIONS_PER_ADDRESS_HOURLY = 3
    extract = issue(record)
    for _ in range(3):
        assert client.post(reverse("extracts:verify"), {"code": "0000-0000-00"}).status_code == 404
    response = client.post(reverse("extracts:verify"), {"code": extract.code})
    assert response.status_code == 429
    assert "查验次数过多" in response.content.decode()
    # Another address still verifies.
    other = client.post(reverse("extracts:verify"), {"code": extract.code}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200


def test_the_verification_page_reads_little(client, record, django_assert_max_num_queries):
    extract = issue(record)
    for index in range(3):
        publish_credit_entry(record, title=f"虚构表彰 {index}")
    with django_assert_max_num_queries(4):
        response = client.get(f"/verify/{extract.uuid}/")
    assert response.status_code == 200


def test_the_list_page_reads_little(person_client, record, django_assert_max_num_queries):
    for _ in range(3):
        extract = issue(record)
        verify_extract(extract.code, channel=VerificationChannel.PAGE, ip="203.0.113.1")
    with django_assert_max_num_queries(9) as three:
        response = person_client.get(reverse("extracts:mine"))
    assert response.content.decode().count("查验记录") == 3
    for _ in range(3):
        issue(record)
    with django_assert_max_num_queries(len(three.captured_queries)):
        response = person_client.get(reverse("extracts:mine"))
    assert response.content.decode().count("查验记录") == 6


# The integration API ------------------------------------------------------------------------------------


def test_the_api_verifies_with_the_scope(client, record):
    extract = issue(record)
    _key, secret = IntegrationKey.issue(name="考试报名系统", scopes=["extract_verification"])
    response = client.post(
        VERIFY_API,
        {"code": extract.display_code.lower()},
        content_type="application/json",
        headers={"X-Api-Key": secret},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "valid" and body["valid"] is True and body["code"] == extract.display_code
    assert body["snapshot"]["document_number"] == mask_document_number(record.document_number)
    assert record.document_number not in response.content.decode()
    [event] = AuditEvent.objects.filter(action="extract.verified")
    assert event.details == {"channel": "api", "state": "valid", "key": "考试报名系统"}

    client.force_login(record.person)
    assert "对接系统：考试报名系统" in client.get(reverse("extracts:mine")).content.decode()


def test_the_api_refuses_without_the_scope_and_bad_codes(client, record):
    extract = issue(record)
    _key, secret = IntegrationKey.issue(name="另一系统", scopes=["collection_status"])
    response = client.post(
        VERIFY_API, {"code": extract.code}, content_type="application/json", headers={"X-Api-Key": secret}
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden_scope"
    assert client.post(VERIFY_API, {"code": extract.code}, content_type="application/json").status_code == 401

    _key, secret = IntegrationKey.issue(name="考试报名系统", scopes=["extract_verification"])
    ask = lambda code: client.post(  # noqa: E731
        VERIFY_API, {"code": code}, content_type="application/json", headers={"X-Api-Key": secret}
    )
    assert ask("123").status_code == 400
    assert ask("0000000000").status_code == 404
    outcomes = sorted(
        e.details.get("outcome", "") for e in AuditEvent.objects.filter(action="extract.verified")
    )
    assert outcomes == ["forbidden", "invalid", "not_found"]


def test_the_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/integration/extracts/verify"]["post"]
    assert operation["summary"] == "查验人员档案证明"
    assert "extract_verification" in operation["description"]
    assert {"200", "400", "401", "403", "404", "429"} <= set(operation["responses"])
    out = schema["components"]["schemas"]["ExtractVerificationOut"]
    assert "record_changed" in out["properties"]


def test_a_person_issues_a_limited_number_a_day(person_client, record, monkeypatch):
    from kuaiji.extracts import views

    monkeypatch.setattr(views, "ISSUES_PER_DAY", 2)
    for _ in range(3):
        response = person_client.post(reverse("extracts:mine"), follow=True)
    assert ArchiveExtract.objects.filter(record=record).count() == 2
    assert "请明天再开具" in response.content.decode()


def test_the_deploy_check_warns_without_the_signing_key(settings):
    from kuaiji.extracts.apps import signing_configured

    assert signing_configured(None) == []
    settings.IS_PRODUCTION = True
    settings.KUAIJI_EXTRACT_SIGNING_KEY = settings.KUAIJI_EXTRACT_SIGNING_CERT = (
        settings.KUAIJI_PUBLIC_URL
    ) = ""
    assert [message.id for message in signing_configured(None)] == ["extracts.W001", "extracts.W002"]


def test_the_demo_makes_its_certificate_once(tmp_path):
    first = signing._demo_material(tmp_path / "extract-signing")
    again = signing._demo_material(tmp_path / "extract-signing")
    assert first == again
    assert (tmp_path / "extract-signing" / "key.pem").stat().st_mode & 0o077 == 0
    assert b"BEGIN CERTIFICATE" in first.cert_pem

"""The SMS delivery log (docs/decisions/0032-sms-delivery-log.md).

Requirements covered:
- every code and notice sent gets a log row in the same transaction (a rolled-back request leaves none);
  a code message keeps no text, a notice keeps its words;
- the sending task marks a row sent (with the provider's id) or, after its last retry, failed with the
  error as reason; every attempt is counted;
- the outbox simulates the provider: a number ending in 00 fails (空号) every time, one ending in another 0
  fails its first message (用户关机或不在服务区), every other number is delivered;
- delivery reports through ``POST /sms/delivery-reports/``: a good secret applies them (audited), a bad or
  missing secret (or none configured) gets 403 JSON and changes nothing; unknown ids and repeated reports
  are ignored with 200; ``poll_sms_reports`` applies a polling backend's reports;
- ``/support/sms/`` is for 客服人员 and platform administrators (others 403); the number must be typed in
  full (a partial or wrong one finds nothing and says so); the page shows the number masked, never whole,
  and never a code; each search is audited with the masked number; the page's queries are bounded;
- support resends a code message that did not arrive once (a second resend is refused), as a new code
  through ``request_sms_code``, so the 60-second limit holds (and says so); audited, the code never shown;
- ``prune_sms_texts`` deletes rows past the retention and blanks any code text.
"""

from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import SmsKind, SmsPurpose, SmsState, StaffRole
from kuaiji.accounts.models import SmsDelivery
from kuaiji.accounts.services.notices import notify
from kuaiji.accounts.sms import DeliveryReport
from kuaiji.accounts.verification import request_sms_code
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent
from kuaiji.core.task_retry import MAX_ATTEMPTS

from .factories import ApplicantFactory, StaffFactory, sign_in_staff
from .helpers import last_code_for

pytestmark = pytest.mark.django_db

DELIVERED = "13912345678"  # the outbox delivers
SWITCHED_OFF = "13912345670"  # the outbox fails the first message, delivers later ones
EMPTY = "13912345600"  # the outbox fails every message (空号)
IP = "198.51.100.20"
SECRET = "provider-shared-secret"
HEADER = "HTTP_X_KUAIJI_REPORT_SECRET"
URL = "/support/sms/"


def ask(mobile, *, purpose=SmsPurpose.REGISTER, ip=IP):
    return request_sms_code(mobile=mobile, purpose=purpose, client_ip=ip)


@pytest.fixture
def staff_client(departments):
    def make(*roles):
        staff = StaffFactory(department=departments["630000"])
        for role in roles:
            staff.groups.add(Group.objects.get_or_create(name=role)[0])
        client = Client()
        sign_in_staff(client, staff)
        client.staff = staff
        return client

    return make


@pytest.fixture
def support(staff_client):
    return staff_client(StaffRole.SUPPORT)


# --- the log rows ------------------------------------------------------------------------------------------


def test_a_code_message_is_logged_without_its_text_and_delivered_by_the_outbox():
    delivery = ask(DELIVERED)
    delivery.refresh_from_db()
    assert delivery.kind == SmsKind.REGISTER
    assert delivery.text == ""
    assert delivery.description == "验证码短信（注册）"
    assert delivery.state == SmsState.DELIVERED
    assert delivery.attempts == 1
    assert delivery.provider_message_id.startswith("outbox-")
    assert delivery.sent_at is not None and delivery.reported_at is not None
    assert last_code_for(DELIVERED) not in str(SmsDelivery.objects.values_list().get(pk=delivery.pk))
    # The outbox's simulated report came from nowhere outside: not audited.
    assert not AuditEvent.objects.filter(action=AuditAction.SMS_DELIVERY_REPORTED).exists()


def test_a_notice_keeps_its_words():
    user = ApplicantFactory(mobile=DELIVERED)
    notify(user=user, text="您的信息已审核通过。")
    delivery = SmsDelivery.objects.get(mobile=DELIVERED)
    assert delivery.kind == SmsKind.NOTICE
    assert "您的信息已审核通过。" in delivery.text
    assert delivery.description == delivery.text


def test_a_rolled_back_request_leaves_no_row(monkeypatch):
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(DELIVERED)
        raise RuntimeError
    assert not SmsDelivery.objects.exists()


def test_the_outbox_simulates_failures():
    first = ask(SWITCHED_OFF)
    first.refresh_from_db()
    assert (first.state, first.provider_reason) == (SmsState.FAILED, "用户关机或不在服务区")

    empty = ask(EMPTY)
    empty.refresh_from_db()
    assert (empty.state, empty.provider_reason) == (SmsState.FAILED, "空号")


class BrokenProvider:
    calls = 0

    def send(self, *, mobile, text):
        type(self).calls += 1
        if type(self).calls < 3:
            raise ConnectionError("服务商超时")
        return "provider-42"


class DeadProvider:
    def send(self, *, mobile, text):
        raise ConnectionError("服务商拒绝：余额不足")


def test_the_task_counts_retries_and_marks_sent(settings):
    settings.KUAIJI_SMS_BACKEND = f"{__name__}.BrokenProvider"
    BrokenProvider.calls = 0
    delivery = ask(DELIVERED)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.provider_message_id) == (
        SmsState.SENT,
        3,
        "provider-42",
    )


def test_the_task_marks_failed_after_the_last_attempt(settings):
    settings.KUAIJI_SMS_BACKEND = f"{__name__}.DeadProvider"
    delivery = ask(DELIVERED)
    delivery.refresh_from_db()
    assert delivery.state == SmsState.FAILED
    assert delivery.attempts == MAX_ATTEMPTS
    assert delivery.provider_reason == "服务商拒绝：余额不足"


# --- delivery reports ----------------------------------------------------------------------------------------


def sent_by_provider(mobile=DELIVERED, message_id="p-1"):
    return SmsDelivery.objects.create(
        mobile=mobile, kind=SmsKind.REGISTER, state=SmsState.SENT, provider_message_id=message_id, attempts=1
    )


def post_reports(client, reports, secret=SECRET):
    headers = {HEADER: secret} if secret is not None else {}
    return client.post(
        "/sms/delivery-reports/", {"reports": reports}, content_type="application/json", **headers
    )


def test_a_report_with_the_right_secret_is_applied_and_audited(client, settings):
    settings.KUAIJI_SMS_REPORT_SECRET = SECRET
    delivery = sent_by_provider()
    response = post_reports(client, [{"message_id": "p-1", "state": "failed", "reason": "空号"}])
    assert response.status_code == 200
    assert response.json() == {"applied": 1, "ignored": 0}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.provider_reason) == (SmsState.FAILED, "空号")
    event = AuditEvent.objects.get(action=AuditAction.SMS_DELIVERY_REPORTED)
    assert event.details["source"] == "callback"


@pytest.mark.parametrize("secret", ["wrong", "", None])
def test_a_bad_or_missing_secret_is_refused(client, settings, secret):
    settings.KUAIJI_SMS_REPORT_SECRET = SECRET
    delivery = sent_by_provider()
    response = post_reports(client, [{"message_id": "p-1", "state": "delivered"}], secret=secret)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    delivery.refresh_from_db()
    assert delivery.state == SmsState.SENT
    assert not AuditEvent.objects.filter(action=AuditAction.SMS_DELIVERY_REPORTED).exists()


def test_no_secret_configured_refuses_every_call(client, settings):
    settings.KUAIJI_SMS_REPORT_SECRET = ""
    sent_by_provider()
    assert post_reports(client, [{"message_id": "p-1", "state": "delivered"}], secret="").status_code == 403


def test_unknown_ids_and_repeated_reports_are_ignored(client, settings):
    settings.KUAIJI_SMS_REPORT_SECRET = SECRET
    delivery = sent_by_provider()
    assert post_reports(client, [{"message_id": "p-1", "state": "delivered"}]).json()["applied"] == 1
    reported_at = SmsDelivery.objects.get(pk=delivery.pk).reported_at
    response = post_reports(
        client,
        [
            {"message_id": "p-1", "state": "failed", "reason": "late"},
            {"message_id": "nobody", "state": "delivered"},
            {"message_id": "p-1", "state": "bogus"},
            "not a report",
        ],
    )
    assert response.status_code == 200
    assert response.json() == {"applied": 0, "ignored": 4}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.provider_reason, delivery.reported_at) == (
        SmsState.DELIVERED,
        "",
        reported_at,
    )


def test_the_callback_takes_posts_only(client, settings):
    settings.KUAIJI_SMS_REPORT_SECRET = SECRET
    assert client.get("/sms/delivery-reports/", **{HEADER: SECRET}).status_code == 405


def test_a_malformed_body_is_a_400(client, settings):
    settings.KUAIJI_SMS_REPORT_SECRET = SECRET
    response = client.post(
        "/sms/delivery-reports/", "nonsense", content_type="application/json", **{HEADER: SECRET}
    )
    assert response.status_code == 400


class PollingProvider:
    def send(self, *, mobile, text):
        return "poll-1"

    def fetch_reports(self):
        return [DeliveryReport(provider_message_id="poll-1", state="delivered")]


def test_poll_sms_reports_applies_a_polling_backends_reports(settings):
    settings.KUAIJI_SMS_BACKEND = f"{__name__}.PollingProvider"
    delivery = ask(DELIVERED)
    assert SmsDelivery.objects.get(pk=delivery.pk).state == SmsState.SENT
    call_command("poll_sms_reports")
    assert SmsDelivery.objects.get(pk=delivery.pk).state == SmsState.DELIVERED
    assert AuditEvent.objects.get(action=AuditAction.SMS_DELIVERY_REPORTED).details["source"] == "poll"


# --- the support page ---------------------------------------------------------------------------------------


def test_only_support_and_platform_admins_open_the_page(staff_client, client):
    assert staff_client(StaffRole.REVIEWER).get(URL).status_code == 403
    assert staff_client(StaffRole.DEPARTMENT_ADMIN).post(URL, {"mobile": DELIVERED}).status_code == 403
    assert staff_client(StaffRole.SUPPORT).get(URL).status_code == 200
    assert staff_client(StaffRole.PLATFORM_ADMIN).get(URL).status_code == 200
    assert client.get(URL).status_code == 302
    client.force_login(ApplicantFactory())
    assert client.post(URL, {"mobile": DELIVERED}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.SMS_LOG_SEARCHED).exists()


def test_the_menu_shows_the_log_to_support_only(staff_client):
    assert "短信记录" in staff_client(StaffRole.SUPPORT).get("/review/").content.decode()
    assert "短信记录" not in staff_client(StaffRole.REVIEWER).get("/review/").content.decode()


def test_the_full_number_finds_its_messages_masked_and_without_codes(support):
    ask(SWITCHED_OFF)
    code = last_code_for(SWITCHED_OFF)
    notify(user=ApplicantFactory(mobile=SWITCHED_OFF), text="您的账号申诉已通过。")
    response = support.post(URL, {"mobile": SWITCHED_OFF})
    page = response.content.decode()
    assert response.status_code == 200
    assert "139****5670" in page
    assert SWITCHED_OFF not in page
    assert code not in page
    assert "验证码短信（注册）" in page
    assert "失败" in page and "用户关机或不在服务区" in page
    assert "您的账号申诉已通过。" in page
    assert page.count("重发</button>") == 1
    event = AuditEvent.objects.get(action=AuditAction.SMS_LOG_SEARCHED)
    assert event.actor == support.staff
    assert event.details == {"mobile": "139****5670", "count": 2}
    assert SWITCHED_OFF not in str(event.details)


@pytest.mark.parametrize("typed", ["1391234", "5670", "13912345", "23912345670"])
def test_a_partial_or_wrong_number_finds_nothing_and_says_so(support, typed):
    ask(SWITCHED_OFF)
    page = support.post(URL, {"mobile": typed}).content.decode()
    assert "手机号码有误，未查询" in page
    assert "验证码短信" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.SMS_LOG_SEARCHED).exists()


def test_a_number_without_messages_says_so(support):
    page = support.post(URL, {"mobile": DELIVERED}).content.decode()
    assert "没有发往 139****5678 的短信记录" in page


def test_the_search_page_reads_a_bounded_number_of_queries(support, django_assert_max_num_queries):
    user = ApplicantFactory(mobile=DELIVERED)
    for _ in range(10):
        notify(user=user, text="提醒")
    ask(DELIVERED)
    with django_assert_max_num_queries(12):
        response = support.post(URL, {"mobile": DELIVERED})
    assert response.content.decode().count('<tr class="queue-card">') == 11


# --- resending ------------------------------------------------------------------------------------------------


def resend(client, delivery):
    return client.post(f"/support/sms/{delivery.uuid}/resend/")


def an_hour_ago(delivery):
    # The person asked long enough ago that the 60-second limit no longer holds.
    SmsDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - timedelta(hours=1))
    from django.core.cache import cache

    from kuaiji.accounts.models import SmsCode

    SmsCode.objects.update(created_at=timezone.now() - timedelta(hours=1))
    cache.clear()


def test_support_resends_once_a_code_that_did_not_arrive(support):
    failed = ask(SWITCHED_OFF)
    first_code = last_code_for(SWITCHED_OFF)
    an_hour_ago(failed)

    response = resend(support, failed)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已重新发送验证码短信" in page
    new = SmsDelivery.objects.get(resent_from=failed)
    assert (new.kind, new.state, new.resent_by) == (SmsKind.REGISTER, SmsState.DELIVERED, support.staff)
    new_code = last_code_for(SWITCHED_OFF)
    assert first_code  # the person's first code never arrived; the new one did
    assert new_code not in page and SWITCHED_OFF not in page
    event = AuditEvent.objects.get(action=AuditAction.SMS_RESENT)
    assert (event.actor, event.target_id) == (support.staff, str(failed.uuid))
    assert event.details["mobile"] == "139****5670"
    assert new_code not in str(event.details)

    an_hour_ago(new)
    page = resend(support, failed).content.decode()
    assert "每条短信只能重发一次" in page
    assert "不能再次重发" in resend(support, new).content.decode()
    assert SmsDelivery.objects.filter(mobile=SWITCHED_OFF).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.SMS_RESENT).count() == 1


def test_a_resend_is_held_by_the_sixty_second_limit(support):
    failed = ask(SWITCHED_OFF)
    page = resend(support, failed).content.decode()
    assert "未能重发：获取验证码过于频繁" in page
    assert SmsDelivery.objects.filter(mobile=SWITCHED_OFF).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.SMS_RESENT).exists()


def test_delivered_messages_and_notices_are_not_resent(support):
    delivered = ask(DELIVERED)
    an_hour_ago(delivered)
    assert "已经送达" in resend(support, delivered).content.decode()
    notify(user=ApplicantFactory(mobile=EMPTY), text="提醒")
    notice = SmsDelivery.objects.get(mobile=EMPTY)
    assert "通知短信不能重发" in resend(support, notice).content.decode()


def test_a_reviewer_cannot_resend(staff_client):
    failed = ask(SWITCHED_OFF)
    an_hour_ago(failed)
    assert resend(staff_client(StaffRole.REVIEWER), failed).status_code == 403
    assert SmsDelivery.objects.count() == 1


# --- pruning --------------------------------------------------------------------------------------------------


def test_prune_sms_texts_deletes_old_rows(settings):
    settings.KUAIJI_SMS_LOG_RETENTION_DAYS = 180
    old = ask(DELIVERED)
    SmsDelivery.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=181))
    recent = SmsDelivery.objects.create(mobile=EMPTY, kind=SmsKind.NOTICE, text="提醒")
    call_command("prune_sms_texts")
    assert list(SmsDelivery.objects.values_list("pk", flat=True)) == [recent.pk]

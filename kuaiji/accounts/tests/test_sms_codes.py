"""SMS verification codes.

Requirements covered:
- a code is 6 digits, sent by SMS and stored only as a keyed hash; it is valid for 5 minutes, can be
  used once, only the newest code of a purpose counts, and after 5 wrong tries it is refused even when
  right;
- at most 1 code per 60 s per phone (the message says how many seconds to wait), 10 a day per phone
  and 200 an hour per client address, each refused with its own Chinese message; from 20 an hour an
  address is asked for a harder (6-character) picture captcha instead of being refused;
- a page asks for the picture captcha before sending: a wrong or missing one sends nothing.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import SmsPurpose, StaffRole
from kuaiji.accounts.models import SmsCode
from kuaiji.accounts.sms import read_outbox
from kuaiji.accounts.verification import check_sms_code, consume_sms_code, request_sms_code

from .helpers import last_code_for

MOBILE = "13912345678"
IP = "198.51.100.20"
REGISTER = SmsPurpose.REGISTER
# A fixed morning (Beijing time), so a series of requests never straddles midnight.
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def ask(*, mobile=MOBILE, ip=IP, now=T0, purpose=REGISTER):
    request_sms_code(mobile=mobile, purpose=purpose, client_ip=ip, now=now)


def check(code, *, mobile=MOBILE, now=T0, purpose=REGISTER):
    return check_sms_code(mobile=mobile, purpose=purpose, code=code, now=now)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# --- the code itself ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_code_is_six_digits_sent_by_sms_and_stored_only_hashed():
    ask()

    (message,) = read_outbox()
    assert message["mobile"] == MOBILE
    code = last_code_for(MOBILE)
    assert re.fullmatch(r"\d{6}", code)
    assert "5 分钟内有效" in message["text"]
    row = SmsCode.objects.get()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    assert code not in str(list(SmsCode.objects.values_list()))


@pytest.mark.django_db
def test_codes_are_not_predictable():
    codes = set()
    for number in range(5):
        mobile = f"1391234{number:04d}"
        ask(mobile=mobile)
        codes.add(last_code_for(mobile))

    assert len(codes) > 1


@pytest.mark.django_db
def test_code_is_valid_for_five_minutes():
    ask()
    code = last_code_for(MOBILE)

    assert check(code, now=T0 + timedelta(minutes=4, seconds=59)).mobile == MOBILE
    error = refused(lambda: check(code, now=T0 + timedelta(minutes=5)))
    assert error.code == "expired"
    assert error.messages == ["短信验证码已失效，请重新获取"]


@pytest.mark.django_db
def test_code_is_used_once():
    ask()
    code = last_code_for(MOBILE)
    row = check(code)

    consume_sms_code(row, now=T0)
    error = refused(lambda: consume_sms_code(row, now=T0))

    assert error.code == "used"
    assert refused(lambda: check(code)).code == "expired"


@pytest.mark.django_db
def test_code_belongs_to_its_phone_and_purpose():
    ask()
    code = last_code_for(MOBILE)

    assert refused(lambda: check(code, purpose=SmsPurpose.RESET_PASSWORD)).code == "expired"
    assert refused(lambda: check(code, mobile="13912345679")).code == "expired"
    assert check(code).mobile == MOBILE


@pytest.mark.django_db
def test_only_the_newest_code_counts():
    ask()
    first = last_code_for(MOBILE)
    cache.clear()  # the 60 s guard in the cache runs on real time; the database check uses ``now``
    later = T0 + timedelta(seconds=61)
    ask(now=later)
    second = last_code_for(MOBILE)

    older, newer = SmsCode.objects.order_by("created_at")
    assert older.used_at == later
    assert newer.used_at is None
    assert check(second, now=later) == newer
    if first != second:  # two random codes are equal once in a million
        assert refused(lambda: check(first, now=later)).code == "wrong"


@pytest.mark.django_db
def test_five_wrong_tries_use_the_code_up():
    ask()
    code = last_code_for(MOBILE)
    wrong = other_code(code)

    messages = [refused(lambda: check(wrong)).messages[0] for _ in range(4)]
    assert messages == [f"短信验证码不正确，还可以尝试 {left} 次" for left in (4, 3, 2, 1)]
    fifth = refused(lambda: check(wrong))
    assert fifth.code == "too_many_tries"

    right = refused(lambda: check(code))
    assert right.code == "too_many_tries"
    assert right.messages == ["短信验证码错误次数过多，请重新获取"]
    assert SmsCode.objects.get().failed_attempts == 5


@pytest.mark.django_db
def test_code_with_spaces_around_is_accepted():
    ask()

    assert check(f" {last_code_for(MOBILE)} ").mobile == MOBILE


# --- rate limits ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_code_per_minute_per_phone():
    ask()

    error = refused(lambda: ask(now=T0 + timedelta(seconds=30)))

    assert error.code == "rate_limited"
    assert error.messages == ["获取验证码过于频繁，请 30 秒后再试"]
    assert SmsCode.objects.count() == 1
    assert len(read_outbox()) == 1
    # Another phone is not held up.
    ask(mobile="13912345679", now=T0 + timedelta(seconds=30))
    # A minute on, the phone may ask again (the cache guard expires on real time, so clear it).
    cache.clear()
    ask(now=T0 + timedelta(seconds=61))
    assert SmsCode.objects.filter(mobile=MOBILE).count() == 2


@pytest.mark.django_db
def test_cache_guard_refuses_a_simultaneous_second_request():
    # The database shows no code yet (the first request is still running); the cache says one is.
    cache.add(f"sms-interval:{MOBILE}", 1, 60)

    error = refused(ask)

    assert error.code == "rate_limited"
    assert "60 秒后再试" in error.messages[0]
    assert not SmsCode.objects.exists()


@pytest.mark.django_db
def test_ten_codes_a_day_per_phone():
    for number in range(10):
        cache.clear()  # the 60 s cache guard runs on real time; the requests here are 61 s apart
        ask(now=T0 + timedelta(seconds=61 * number))
    cache.clear()

    error = refused(lambda: ask(now=T0 + timedelta(hours=2)))

    assert error.code == "rate_limited"
    assert error.messages == ["该手机号今日获取验证码的次数已达上限，请明天再试"]
    assert SmsCode.objects.count() == 10
    # The next (Beijing) day the phone may ask again. The refused request above took the 60 s cache
    # slot (real time), so clear it.
    cache.clear()
    ask(now=datetime(2026, 3, 3, 0, 1, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert SmsCode.objects.count() == 11


@pytest.mark.django_db
def test_an_office_behind_one_address_is_not_refused_at_twenty_codes_an_hour():
    for number in range(25):
        ask(mobile=f"1380000{number:04d}", now=T0 + timedelta(minutes=number))

    assert SmsCode.objects.filter(client_ip=IP).count() == 25


@pytest.mark.django_db
def test_two_hundred_codes_an_hour_per_client_address(settings):
    settings.KUAIJI_SMS_PER_ADDRESS_HOURLY = 200
    _codes_from(IP, 200, now=T0)

    error = refused(lambda: ask(mobile="13800009999", now=T0 + timedelta(minutes=59)))

    assert error.code == "rate_limited"
    assert error.messages == ["当前网络获取验证码过于频繁，请一小时后再试"]
    assert not SmsCode.objects.filter(mobile="13800009999").exists()
    # Another address is not held up, and an hour after the first code this one may ask again.
    ask(mobile="13800009998", ip="198.51.100.21", now=T0 + timedelta(minutes=59))
    cache.clear()  # the refused request above took the phone's 60 s cache slot (real time)
    ask(mobile="13800009999", now=T0 + timedelta(minutes=60, seconds=1))
    assert SmsCode.objects.filter(mobile="13800009999").count() == 1


def _codes_from(ip, count, *, now):
    SmsCode.objects.bulk_create(
        SmsCode(
            mobile=f"1390000{number:04d}",
            purpose=REGISTER,
            code_hash="x",
            client_ip=ip,
            created_at=now,
            expires_at=now + timedelta(minutes=5),
        )
        for number in range(count)
    )


def _captcha_of_length(length):
    from captcha.models import CaptchaStore

    store = CaptchaStore.objects.create(challenge="A" * length, response="a" * length)
    return {"captcha_0": store.hashkey, "captcha_1": "PASSED"}


def _send_code(client, captcha, mobile="13812345678"):
    return client.post("/register/", {"mobile": mobile, "action": "send_code", **captcha})


@pytest.mark.django_db
def test_a_busy_address_is_asked_for_a_harder_captcha_instead_of_being_refused(client):
    from django.utils import timezone

    # Below the threshold: the usual 4-character captcha.
    assert "请输入图中的 4 个字符" in client.get("/register/").content.decode()
    assert _send_code(client, _captcha_of_length(4), mobile="13812345670").status_code == 200
    assert SmsCode.objects.filter(mobile="13812345670").exists()

    _codes_from("127.0.0.1", 20, now=timezone.now())

    page = client.get("/register/").content.decode()
    assert "请输入图中的 6 个字符" in page
    refused_page = _send_code(client, _captcha_of_length(4)).content.decode()
    assert "请输入图中的 6 个字符" in refused_page
    assert not SmsCode.objects.filter(mobile="13812345678").exists()
    # The harder one, answered, sends the code.
    _send_code(client, _captcha_of_length(6))
    assert SmsCode.objects.filter(mobile="13812345678").exists()


@pytest.mark.django_db
def test_the_harder_captcha_is_the_one_the_captcha_endpoints_make_for_a_busy_address(client):
    from django.utils import timezone

    from captcha.models import CaptchaStore

    _codes_from("127.0.0.1", 20, now=timezone.now())
    client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    client.get("/api/v1/captcha")

    assert {len(store.response) for store in CaptchaStore.objects.all()} == {6}


@pytest.mark.django_db
def test_the_refreshed_captcha_tells_the_page_its_length(client):
    """看不清，换一张 fetches a new picture without reloading; when the address has become busy meanwhile the
    new one is longer, and the JSON says how long so the script can correct the hint."""
    from django.utils import timezone

    page = client.get("/register/").content.decode()
    assert 'data-captcha-refresh="/captcha/refresh/"' in page
    assert client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()["length"] == 4
    _codes_from("127.0.0.1", 20, now=timezone.now())
    refreshed = client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
    assert refreshed["length"] == 6
    assert set(refreshed) >= {"key", "image_url", "length"}
    assert client.get("/captcha/refresh/").status_code == 404


# --- on the page ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("captcha", "message"),
    [
        ({"captcha_0": "nosuchkey", "captcha_1": "ABCD"}, "图片验证码不正确"),
        ({}, "请输入图片验证码"),
    ],
    ids=["wrong", "missing"],
)
def test_page_sends_no_code_without_the_picture_captcha(client, captcha, message):
    response = client.post(reverse("accounts:register"), {"mobile": MOBILE, "action": "send_code", **captcha})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SmsCode.objects.exists()
    assert read_outbox() == []


@pytest.mark.django_db
def test_page_sends_a_code_and_says_when_to_ask_again(client):
    url = reverse("accounts:register")
    data = {"mobile": MOBILE, "captcha_0": "x", "captcha_1": "PASSED", "action": "send_code"}

    first = client.post(url, data)
    second = client.post(url, data)

    assert "短信验证码已发送" in first.content.decode()
    assert re.search(r"获取验证码过于频繁，请 (60|59) 秒后再试", second.content.decode())
    assert len(read_outbox()) == 1
    assert SmsCode.objects.count() == 1


# --- the outbox is no staff page ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.AUDITOR])
def test_no_staff_page_shows_or_links_sms_codes(client, departments, role):
    """Staff (the read-only auditor too) must never read another person's reset code."""
    from django.contrib.auth.models import Group

    from kuaiji.accounts.tests.factories import StaffFactory, sign_in_staff

    ask(purpose=SmsPurpose.RESET_PASSWORD)
    code = last_code_for(MOBILE)
    staff = StaffFactory(department=departments["630000"])
    staff.groups.add(Group.objects.get_or_create(name=role)[0])
    sign_in_staff(client, staff)

    for path in ["/", "/review/", "/review/appeals/", "/archive/", "/audit/"]:
        response = client.get(path)
        page = response.content.decode()
        assert response.status_code in {200, 403}, path
        assert code not in page, path
        assert "短信发件箱" not in page, path
        assert "/sms-outbox/" not in page, path

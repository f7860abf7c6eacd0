"""The appeal status page from the sign-in page (item 19): document number + lookup code, not only a UUID.

Requirements covered:
- the sign-in page links to 查询申诉进度;
- the number and the 8-character code shown after filing open the status page; a wrong code or number gets
  one message (400), typed values kept; control characters get their own message, never a 500;
- lookups are limited per number (10 an hour, the right code included) and per address (30 an hour);
- after a decision the page tells the truth: refused shows 未通过 with the reason and no "将核实".
"""

import random

from django.urls import reverse

import pytest

from kuaiji.accounts.constants import AppealReason, AppealStatus
from kuaiji.accounts.models import AccountAppeal
from kuaiji.accounts.services import appeal_lookup_code
from kuaiji.core.fakes import fake_resident_id

pytestmark = pytest.mark.django_db


def make_appeal(**extra) -> AccountAppeal:
    return AccountAppeal.objects.create(
        reason=AppealReason.NUMBER_TAKEN,
        document_type="resident_id",
        document_number=fake_resident_id(rng=random.Random(31), region_code="630102"),
        full_name="郑雨桐",
        new_mobile="13612349999",
        client_ip="127.0.0.1",
        **extra,
    )


def test_the_sign_in_page_links_to_the_lookup(client):
    page = client.get(reverse("accounts:sign_in")).content.decode()
    assert f'href="{reverse("accounts:appeal_lookup")}"' in page


def test_number_and_code_open_the_status_page(client):
    appeal = make_appeal()
    code = appeal_lookup_code(appeal)
    assert code in client.get(reverse("accounts:appeal_status", args=[appeal.uuid])).content.decode()

    found = client.get(
        reverse("accounts:appeal_lookup"), {"document_number": appeal.document_number.lower(), "code": code}
    )
    assert found.status_code == 302
    assert found["Location"] == reverse("accounts:appeal_status", args=[appeal.uuid])

    wrong = client.get(
        reverse("accounts:appeal_lookup"), {"document_number": appeal.document_number, "code": "ZZZZZZZZ"}
    )
    assert wrong.status_code == 400
    assert "未找到对应的申诉" in wrong.content.decode()
    assert 'value="ZZZZZZZZ"' in wrong.content.decode()
    control = client.get(reverse("accounts:appeal_lookup"), {"document_number": "1\x00", "code": code})
    # The one rule for page queries (core.middleware.ControlCharacterQueryMiddleware) answers first.
    assert control.status_code == 400
    assert "控制字符" in control.content.decode()


def test_after_a_refusal_the_page_says_so(client):
    appeal = make_appeal(status=AppealStatus.REFUSED, decision_reason="证件照片与证件号码不符")
    page = client.get(reverse("accounts:appeal_status", args=[appeal.uuid])).content.decode()
    assert "未通过" in page
    assert "证件照片与证件号码不符" in page
    assert "将核实" not in page


def test_guessing_the_code_of_one_number_is_stopped(client):
    """The 11th lookup of one number within the hour is refused — the right code too, so guessing gains
    nothing — whatever address it comes from."""
    appeal = make_appeal()
    url = reverse("accounts:appeal_lookup")
    for attempt in range(10):
        guess = client.get(
            url,
            {"document_number": appeal.document_number, "code": f"{attempt:08d}"},
            REMOTE_ADDR=f"10.0.0.{attempt}",
        )
        assert guess.status_code == 400
    refused = client.get(
        url,
        {"document_number": appeal.document_number, "code": appeal_lookup_code(appeal)},
        REMOTE_ADDR="10.0.1.1",
    )
    assert refused.status_code == 429
    assert "查询过于频繁，请一小时后再试" in refused.content.decode()
    assert f'value="{appeal.document_number}"' in refused.content.decode()


def test_probing_many_numbers_from_one_address_is_stopped(client):
    url = reverse("accounts:appeal_lookup")
    rng = random.Random(5)
    answers = [
        client.get(url, {"document_number": fake_resident_id(rng=rng), "code": "ABCDEFGH"}).status_code
        for _ in range(31)
    ]
    assert answers[:30] == [400] * 30
    assert answers[30] == 429

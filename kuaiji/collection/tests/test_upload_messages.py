"""A refused upload says why, next to its slot (defect 8).

Requirements covered:
- without JavaScript: the upload redirects back to the page it came from (附件上传 or 个人基本信息表) and the
  refusal stands inside that slot's panel, once (a reload does not show it again);
- with the script's background request (``X-Requested-With: XMLHttpRequest``): the answer is JSON with the
  messages (status 400) and nothing is consumed by a redirect the script follows; a success answers with
  the address to go to.
"""

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from PIL import Image

from kuaiji.collection import services
from kuaiji.collection.models import Attachment

from .conftest import small_image

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def draft(applicant_client):
    return services.start_collection(applicant_client.applicant)


def gif_named(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "GIF")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def slot_panel(page: str, slot: str) -> str:
    match = re.search(rf'<section[^>]*id="slot-{slot}".*?</section>', page, re.S)
    assert match, f"no panel for {slot}"
    return match.group(0)


@pytest.mark.parametrize(
    ("slot", "page_name"),
    [("id_front", "collection:attachments"), ("basic_info_form", "collection:basic_info_form")],
)
def test_without_javascript_the_refusal_stands_in_the_slot(applicant_client, draft, slot, page_name):
    page_url = reverse(page_name)
    response = applicant_client.post(
        reverse("collection:upload_attachment", args=[slot]),
        {"files": gif_named("正面.png"), "next": page_url},
        follow=True,
    )

    assert response.redirect_chain[-1][0].startswith(page_url)
    panel = slot_panel(response.content.decode(), slot)
    assert "正面.png：" in panel
    assert 'role="alert"' in panel
    assert not Attachment.objects.exists()
    again = applicant_client.get(page_url).content.decode()
    assert "正面.png：" not in again


def test_the_background_request_gets_the_refusal_as_json(applicant_client, draft):
    response = applicant_client.post(
        reverse("collection:upload_attachment", args=["id_front"]),
        {"files": gif_named("正面.png"), "next": reverse("collection:attachments")},
        **XHR,
    )

    assert response.status_code == 400
    body = response.json()
    assert body["slot"] == "id_front"
    assert any(message.startswith("正面.png：") for message in body["errors"])
    # Nothing left behind for the next page to show a second time.
    assert "正面.png：" not in applicant_client.get(reverse("collection:attachments")).content.decode()


def test_the_background_request_is_told_where_to_go_after_a_success(applicant_client, draft):
    response = applicant_client.post(
        reverse("collection:upload_attachment", args=["id_front"]),
        {"files": small_image(), "next": reverse("collection:attachments")},
        **XHR,
    )

    assert response.status_code == 200
    assert response.json()["next"] == reverse("collection:attachments") + "#slot-id_front"
    assert Attachment.objects.filter(slot="id_front").count() == 1


def test_asking_for_a_code_comes_back_at_the_code_field(applicant_client, draft):
    # Issue 8, 19: after 获取短信验证码 the page opens at the code field, not at the top.
    page = applicant_client.get(reverse("collection:section", args=["personal"])).content.decode()

    button = re.search(r'<button[^>]*value="send_code"[^>]*>', page)
    assert button and 'formaction="#sms-code-field"' in button.group(0)
    assert 'id="sms-code-field"' in page

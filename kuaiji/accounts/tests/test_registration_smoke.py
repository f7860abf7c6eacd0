from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from kuaiji.accounts.models import User

from .helpers import jpeg_bytes, last_code_for


@pytest.mark.django_db
def test_smoke(client):
    url = reverse("accounts:register")
    assert client.get(url).status_code == 200
    base = {
        "document_type": "resident_id",
        "document_number": "11010519491231002x",
        "full_name": "阿依古丽·买买提",
        "mobile": "13800138000",
        "captcha_0": "x",
        "captcha_1": "PASSED",
        "password1": "Qh2026Kuaiji",
        "password2": "Qh2026Kuaiji",
        "agreement": "on",
    }
    response = client.post(url, {**base, "action": "send_code"})
    assert response.status_code == 200, response.content.decode()
    code = last_code_for("13800138000")
    photo = SimpleUploadedFile("front.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = client.post(url, {**base, "sms_code": code, "id_photo": photo, "action": "submit"})
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get().document_number == "11010519491231002X"

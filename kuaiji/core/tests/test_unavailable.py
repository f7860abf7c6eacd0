"""While the database or the file storage is down, people read a clear Chinese answer, never a 500.

Requirements covered (DEBUG off, as in production):
- a page whose database query fails with OperationalError or InterfaceError (PostgreSQL restarting,
  a pool that cannot connect) answers the site's 503 page with Retry-After; the API its JSON 503;
- another exception is still a 500;
- an upload the storage cannot take is refused next to its slot (page and API), no row is written and
  no file is left; reading a stored file while the storage is down is a 503, not a 500;
- /readyz/ names the storage when it fails.
"""

from unittest import mock

from django.core.files.storage import FileSystemStorage
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.collection import services
from kuaiji.collection.models import Attachment
from kuaiji.collection.tests.helpers import image_upload
from kuaiji.core.storage import STORAGE_UNAVAILABLE_MESSAGE


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False


@pytest.fixture
def signed_in(client, db, no_debug):
    applicant = ApplicantFactory()
    client.force_login(applicant, backend="kuaiji.accounts.backends.ApplicantBackend")
    client.applicant = applicant
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_while_the_database_is_down(signed_in, error):
    with mock.patch.object(CursorWrapper, "execute", side_effect=error("connection refused")):
        response = signed_in.get("/account/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "服务暂时不可用" in page and "请稍等片刻后刷新页面重试" in page
    assert "connection refused" not in page and "Traceback" not in page


def test_the_api_answers_json_503_while_the_database_is_down(client, db, no_debug):
    client.raise_request_exception = False
    with mock.patch.object(CursorWrapper, "execute", side_effect=OperationalError("server closed")):
        response = client.get("/api/v1/captcha")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert "server closed" not in response.content.decode()


def test_another_error_is_still_a_500(signed_in):
    with mock.patch.object(CursorWrapper, "execute", side_effect=ValueError("a bug")):
        response = signed_in.get("/account/")
    assert response.status_code == 500


class DeadStorage:
    """The default storage with its endpoint gone: every call raises as botocore does."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __call__(self, *args, **kwargs):
        raise self.error


def storage_class() -> type:
    return FileSystemStorage  # the tests' default storage (the root conftest)


@pytest.fixture
def dead_endpoint():
    from botocore.exceptions import EndpointConnectionError  # type: ignore[import-untyped]

    return EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")


def test_an_upload_the_storage_cannot_take_is_refused_next_to_its_slot(signed_in, departments, dead_endpoint):
    services.start_collection(signed_in.applicant)
    with mock.patch.object(storage_class(), "_save", DeadStorage(dead_endpoint)):
        response = signed_in.post(
            reverse("collection:upload_attachment", args=["id_front"]),
            {"files": image_upload(name="front.jpg", size=(320, 240))},
            follow=True,
        )
    assert response.status_code == 200
    assert f"front.jpg：{STORAGE_UNAVAILABLE_MESSAGE}" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_upload_through_the_api_while_the_storage_is_down_is_a_400_not_a_500(
    client, departments, no_debug, dead_endpoint
):
    from kuaiji.accounts.tests.factories import PASSWORD
    from kuaiji.api.tests.test_applicant_api import bearer, sign_in

    applicant = ApplicantFactory(password=PASSWORD)
    headers = bearer(sign_in(client, applicant.document_number))
    client.raise_request_exception = False
    assert client.post("/api/v1/me/submission", **headers).status_code == 201
    with mock.patch.object(storage_class(), "_save", DeadStorage(dead_endpoint)):
        response = client.post(
            "/api/v1/me/submission/attachments/id_front",
            {"files": image_upload(name="front.jpg", size=(320, 240))},
            **headers,
        )
    assert response.status_code in {400, 422}, response.content
    assert STORAGE_UNAVAILABLE_MESSAGE in response.json()["errors"]["files"][0]
    assert not Attachment.objects.exists()


def test_reading_a_file_while_the_storage_is_down_is_a_503(signed_in, departments, dead_endpoint):
    submission = services.start_collection(signed_in.applicant)
    attachment = services.add_attachment(
        submission, slot="id_front", upload=image_upload(name="front.jpg", size=(320, 240))
    )
    with mock.patch.object(storage_class(), "open", DeadStorage(dead_endpoint)):
        response = signed_in.get(reverse("collection:attachment_file", args=[attachment.uuid]))
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()


def test_readyz_names_the_storage_when_it_fails(client, db):
    with mock.patch("kuaiji.core.views._storage_ready", side_effect=OSError("gone")):
        from kuaiji.core import views

        with mock.patch.dict(views.READINESS_CHECKS, {"storage": views._storage_ready}):
            response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["storage"]

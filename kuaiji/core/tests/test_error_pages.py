"""Error pages.

Requirements covered (with DEBUG off, as in production):
- 400, 403, 404, 405, 413, 500 and a CSRF failure each answer a page in Chinese, in the site's layout
  (templates/base.html), with a link home, never Django's technical or blank page;
- under /api/ the same errors answer the API's JSON error form (see the API tests for its endpoints).
"""

from django.test import Client

import pytest

from kuaiji.accounts.tests.factories import ApplicantFactory

DJANGO_TEXTS = ["Not Found", "Forbidden", "Bad Request", "Server Error", "CSRF", "Django", "Traceback"]


def assert_site_error_page(response, status: int, words: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'class="site-header"' in page  # the site's layout
    assert words in page
    assert 'href="/">返回首页</a>' in page
    for text in DJANGO_TEXTS:
        assert text not in page, text


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_404_page(client, no_debug):
    assert_site_error_page(client.get("/no-such-page/"), 404, "页面不存在")


@pytest.mark.django_db
def test_403_page(client, no_debug):
    client.force_login(ApplicantFactory(), backend="kuaiji.accounts.backends.ApplicantBackend")
    assert_site_error_page(client.get("/review/"), 403, "没有访问权限")


@pytest.mark.django_db
def test_405_page(client, no_debug):
    client.force_login(ApplicantFactory(), backend="kuaiji.accounts.backends.ApplicantBackend")
    response = client.get("/collection/start/")
    assert_site_error_page(response, 405, "不支持的操作")
    assert "POST" in response["Allow"]


@pytest.mark.django_db
def test_400_page(client, no_debug):
    assert_site_error_page(client.get("/", HTTP_HOST="evil.example"), 400, "请求有误")


@pytest.mark.django_db
def test_413_page(client, no_debug, settings):
    settings.KUAIJI_MAX_REQUEST_BYTES = 1000
    assert_site_error_page(client.post("/sign-in/", {"padding": "x" * 2000}), 413, "上传的内容过大")


@pytest.mark.django_db
@pytest.mark.urls("kuaiji.core.tests.error_urls")
def test_500_page(no_debug):
    client = Client(raise_request_exception=False)
    assert_site_error_page(client.get("/broken/"), 500, "系统出错了")


@pytest.mark.django_db
def test_csrf_failure_page(no_debug):
    client = Client(enforce_csrf_checks=True)
    assert_site_error_page(client.post("/sign-in/", {"login": "x", "password": "y"}), 403, "页面已过期")


@pytest.mark.django_db
@pytest.mark.urls("kuaiji.core.tests.error_urls")
def test_api_errors_outside_endpoints_are_json(no_debug, settings):
    client = Client(raise_request_exception=False)
    broken = client.get("/api/v1/broken/")
    assert broken.status_code == 500
    assert broken.json()["code"] == "server_error"
    settings.KUAIJI_MAX_REQUEST_BYTES = 1000
    too_large = client.post("/api/v1/tokens", {"padding": "x" * 2000})
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "request_too_large"

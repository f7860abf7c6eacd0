"""The API's frame: served under /api/v1/, its OpenAPI schema and docs page from our own static files,
errors as JSON with a stable code and a Chinese message."""

import pytest


def test_health_and_schema(client):
    assert client.get("/api/v1/health").json() == {"status": "ok"}
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/health" in schema["paths"]


def test_docs_page_uses_no_cdn(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger" in page.lower()
    assert "cdn" not in page and "https://" not in page


@pytest.mark.django_db
def test_unknown_path_is_a_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "接口不存在", "errors": {}}


def test_unmatched_api_paths_answer_in_json(client):
    response = client.get("/api/v1/no/such/endpoint")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "接口不存在", "errors": {}}


@pytest.mark.django_db
def test_a_password_change_on_the_pages_revokes_api_tokens(client):
    from datetime import timedelta

    from kuaiji.accounts.services import change_password
    from kuaiji.accounts.tests.factories import ApplicantFactory
    from kuaiji.api.models import ApiToken

    user = ApplicantFactory()
    _, secret = ApiToken.issue(user=user, lifetime=timedelta(days=1))
    # The token works (no submission yet: the route's own 404, not an unknown path's).
    before = client.get("/api/v1/me/submission", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert before.status_code == 404 and before.json()["message"] != "接口不存在"
    change_password(user=user, new_password="Changed2026pw", current_session_key=None, client_ip="127.0.0.1")
    assert client.get("/api/v1/me/submission", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


# --- JSON always -------------------------------------------------------------------------------------------


def test_a_wrong_method_answers_json(client):
    response = client.put("/api/v1/health", {}, content_type="application/json")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_an_oversize_body_answers_json(client, settings):
    settings.KUAIJI_MAX_REQUEST_BYTES = 1000
    response = client.post("/api/v1/tokens", {"login": "x" * 2000}, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


@pytest.mark.django_db
def test_a_body_over_djangos_field_limit_answers_json(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(
        "/api/v1/tokens", {"login": "x" * 2000, "password": "y"}, content_type="application/json"
    )
    assert response.status_code in {400, 413}
    assert response.json()["code"] in {"bad_request", "request_too_large"}


def test_every_operation_documents_its_error_statuses_with_the_error_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"405", "413", "422", "500"} | ({"401"} if operation.get("security") else set())
            missing = expected - set(responses)
            assert not missing, (method, path, missing)
            for status, response in responses.items():
                if int(status) >= 400:
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    error_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
                    # The error form (an operation may add fields to it, e.g. a section's field errors).
                    assert {"code", "message"} <= set(error_schema["properties"]), (method, path, status, ref)

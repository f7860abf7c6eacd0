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

"""The wizard's notice (阅读须知) can be read before signing in.

Requirements covered (issue 8, defect 19): an anonymous visitor reads the current notice at /notices/;
the sign-in page and the applicant's home link to it; with no notice published the page says so.
"""

from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.collection.models import Notice


@pytest.mark.django_db
def test_an_anonymous_visitor_reads_the_current_notice(client):
    Notice.objects.create(version=90, title="旧须知", body="旧的第一段")
    Notice.objects.create(
        version=91, title="二〇二六年信息登记须知", body="第一段：请如实填写。\n\n第二段：附件须清晰。"
    )

    response = client.get("/notices/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "二〇二六年信息登记须知" in page
    assert "<p>第一段：请如实填写。</p>" in page and "<p>第二段：附件须清晰。</p>" in page
    assert "旧的第一段" not in page


@pytest.mark.django_db
def test_without_a_notice_the_page_says_so(client):
    Notice.objects.all().delete()

    response = client.get("/notices/")

    assert response.status_code == 200
    assert "须知尚未发布" in response.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_and_the_applicant_home_link_to_the_notices(applicant_client):
    link = 'href="/notices/"'

    assert link in Client().get(reverse("accounts:sign_in")).content.decode()
    assert link in applicant_client.get(reverse("collection:overview")).content.decode()

"""通知公告: sanitised HTML, the scope of who publishes for whom, the public list that drops an expired
or withdrawn notice by itself, and the audit of each step."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.announcements.models import Announcement
from kuaiji.announcements.sanitising import clean_notice_html, editable_notice_text
from kuaiji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_data(departments, code="630102", **overrides):
    data = {
        "title": "关于开展2027年度会计人员信息采集的通知",
        "body": "<p>请于<strong>3月31日</strong>前完成。</p><script>alert(1)</script>",
        "department": departments[code].pk,
        "publish_at": (timezone.localtime() - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "expire_at": "",
    }
    return {**data, **overrides}


def test_the_html_keeps_what_a_notice_needs_and_nothing_else():
    html = (
        '<h3 onclick="steal()">标题</h3><p style="color:red">正文<a href="javascript:alert(1)">坏链接</a>'
        '<a href="https://czt.qinghai.gov.cn/">好链接</a></p><script>alert(1)</script><iframe src="x"></iframe>'
        '<img src=x onerror="alert(1)">'
    )
    cleaned = clean_notice_html(html)
    assert "<script" not in cleaned and "alert" not in cleaned and "onclick" not in cleaned
    assert "<iframe" not in cleaned and "<img" not in cleaned and "style=" not in cleaned
    assert "<h3>标题</h3>" in cleaned and 'href="https://czt.qinghai.gov.cn/"' in cleaned
    # Plain text (no tag) becomes paragraphs, escaped.
    assert clean_notice_html("第一段\n\n第二段 & 更多") == "<p>第一段</p><p>第二段 &amp; 更多</p>"


def test_a_body_typed_as_lines_is_edited_as_lines_and_html_as_html():
    typed = "各会计人员：\n请于 3月31日 前完成“信息采集” & 核对。\n李𪚥 负责答疑"
    stored = clean_notice_html(typed)
    assert "<p>" in stored
    assert editable_notice_text(stored) == typed.replace("\n\n", "\n")
    assert clean_notice_html(editable_notice_text(stored)) == stored  # saving again changes nothing
    rich = clean_notice_html("<p>见<strong>附件</strong></p><ul><li>一</li></ul>")
    assert editable_notice_text(rich) == rich


def test_a_department_admin_publishes_for_their_scope_and_the_public_reads_it(
    reviewer_for, departments, client
):
    admin = reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)
    refused = admin.post(reverse("announcements:create"), form_data(departments, code="630000"))
    assert refused.status_code == 400  # the province is above 城东区: not in the list to choose from
    assert not Announcement.objects.exists()

    response = admin.post(reverse("announcements:create"), form_data(departments))
    assert response.status_code == 302
    notice = Announcement.objects.get()
    assert "<script" not in notice.body and "<strong>3月31日</strong>" in notice.body
    assert AuditEvent.objects.filter(action="announcement.published", actor=admin.staff).exists()

    listing = client.get(reverse("announcements:list")).content.decode()
    assert notice.title in listing
    page = client.get(reverse("announcements:detail", args=[notice.uuid])).content.decode()
    assert "<strong>3月31日</strong>" in page and "alert(1)" not in page
    assert notice.title in client.get(reverse("accounts:sign_in")).content.decode()

    other = reviewer_for("632801", role=StaffRole.DEPARTMENT_ADMIN)
    assert other.get(reverse("announcements:edit", args=[notice.uuid])).status_code == 404
    reviewer = reviewer_for("630102")
    assert reviewer.get(reverse("announcements:manage")).status_code == 403


def test_an_expired_or_withdrawn_notice_drops_off_by_itself(reviewer_for, departments, client):
    admin = reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)
    soon = (timezone.localtime() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    admin.post(reverse("announcements:create"), form_data(departments, title="很快截止", expire_at=soon))
    admin.post(reverse("announcements:create"), form_data(departments, title="将被撤下"))
    bad = admin.post(
        reverse("announcements:create"),
        form_data(
            departments,
            title="截止早于发布",
            expire_at=(timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert "截止时间应晚于发布时间" in bad.content.decode()
    assert {"很快截止", "将被撤下"} <= set(
        client.get(reverse("announcements:list")).context["announcements"].values_list("title", flat=True)
    )

    Announcement.objects.filter(title="很快截止").update(expire_at=timezone.now() - timedelta(seconds=1))
    withdrawn = Announcement.objects.get(title="将被撤下")
    admin.post(reverse("announcements:withdraw", args=[withdrawn.uuid]))
    listing = client.get(reverse("announcements:list")).content.decode()
    assert "很快截止" not in listing and "将被撤下" not in listing
    assert client.get(reverse("announcements:detail", args=[withdrawn.uuid])).status_code == 404
    assert AuditEvent.objects.filter(action="announcement.withdrawn").count() == 1

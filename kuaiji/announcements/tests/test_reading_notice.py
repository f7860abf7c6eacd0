"""The wizard's notice (阅读须知) edited on the announcements pages.

Requirements covered:
- a platform administrator, or a department administrator of the province, sees the current version,
  its history (version, who, when), previews an edit and saves it as a NEW version, audited
  (``notice.version_published``) and recorded with who made it; the earlier version is unchanged;
- anyone else (a city's administrator, a reviewer of the province) gets 403, and the announcements
  page links to it only for those who may edit it;
- two tabs editing the same version: the second save is refused (须知已被他人更新…), what it typed stays
  in the form, and only one new version exists; saving again after that is deliberate and works;
- a new version does not change the version an existing draft or submitted revision records; a new
  applicant's wizard shows the new version, and accepting it records it;
- the body is plain text: markup typed into it is shown as text in the wizard, never run.
"""

from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.audit.models import AuditEvent
from kuaiji.collection import services as collection_services
from kuaiji.collection.models import Notice
from kuaiji.collection.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

URL = "/announcements/manage/reading-notice/"


@pytest.fixture
def province_admin(reviewer_for):
    return reviewer_for("630000", role=StaffRole.DEPARTMENT_ADMIN)


def current() -> Notice:
    notice = collection_services.current_notice()
    assert notice is not None, "the migrations publish a first notice"
    return notice


def edit(client, *, based_on, title="信息登记须知（2027年版）", body="第一段。\n第二段。", action="save"):
    return client.post(URL, {"title": title, "body": body, "based_on": based_on, "action": action})


def test_the_province_saves_a_new_version_with_its_history_and_audit(province_admin):
    first = current()
    page = province_admin.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"当前版本：第 {first.version} 版" in text and first.paragraphs[0] in text
    assert f'name="based_on" value="{first.version}"' in text

    response = edit(province_admin, based_on=first.version, body="一、请如实填写。\r\n\r\n二、附件须清晰。  ")
    assert response.status_code == 302
    new = current()
    assert new.version == first.version + 1 and new.pk != first.pk
    assert new.body == "一、请如实填写。\n\n二、附件须清晰。" and new.paragraphs == [
        "一、请如实填写。",
        "二、附件须清晰。",
    ]
    assert new.created_by == province_admin.staff
    unchanged = Notice.objects.get(pk=first.pk)
    assert (unchanged.title, unchanged.body, unchanged.version) == (first.title, first.body, first.version)
    event = AuditEvent.objects.get(action="notice.version_published")
    assert event.actor == province_admin.staff and event.target_id == str(new.pk)
    assert event.details == {"version": new.version, "title": new.title, "previous_version": first.version}

    history = province_admin.get(URL).content.decode()
    assert f"第 {new.version} 版" in history and f"第 {first.version} 版" in history
    assert province_admin.staff.full_name in history and "系统" in history  # the migration's version


def test_a_preview_shows_the_wizard_rendering_and_saves_nothing(province_admin):
    first = current()
    response = edit(
        province_admin, based_on=first.version, body="预览的第一段\n<b>不是标签</b>", action="preview"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "预览（尚未保存）" in text and "<p>预览的第一段</p>" in text
    assert "<p>&lt;b&gt;不是标签&lt;/b&gt;</p>" in text
    assert (
        current().pk == first.pk and not AuditEvent.objects.filter(action="notice.version_published").exists()
    )


def test_the_second_tab_is_refused_and_keeps_what_it_typed(province_admin):
    first = current()
    assert edit(province_admin, based_on=first.version, body="第一个标签页的内容").status_code == 302

    refused = edit(province_admin, based_on=first.version, body="第二个标签页的内容")
    assert refused.status_code == 400
    text = refused.content.decode()
    assert f"须知已被他人更新（现为第 {first.version + 1} 版），您的修改还没有保存" in text
    assert "第二个标签页的内容</textarea>" in text
    assert "第一个标签页的内容" in text  # the version saved meanwhile is shown to compare with
    assert Notice.objects.filter(version__gt=first.version).count() == 1
    assert f'name="based_on" value="{first.version + 1}"' in text

    # Having read the other version, saving again is deliberate.
    assert edit(province_admin, based_on=first.version + 1, body="第二个标签页的内容").status_code == 302
    assert current().version == first.version + 2 and current().body == "第二个标签页的内容"


def test_an_unchanged_or_empty_text_is_refused(province_admin):
    first = current()
    same = edit(province_admin, based_on=first.version, title=first.title, body=first.body)
    assert same.status_code == 400 and f"内容与当前第 {first.version} 版相同" in same.content.decode()
    empty = edit(province_admin, based_on=first.version, body="   \n  ")
    assert empty.status_code == 400 and "请填写须知内容" in empty.content.decode()
    control = edit(province_admin, based_on=first.version, body="含控制字符\x1b")
    assert control.status_code == 400 and "无法显示的字符" in control.content.decode()
    assert current().pk == first.pk


def test_only_platform_admins_and_the_provinces_administrators_may_edit(reviewer_for, province_admin):
    first = current()
    city_admin = reviewer_for("630100", role=StaffRole.DEPARTMENT_ADMIN)
    province_reviewer = reviewer_for("630000")
    for client in (city_admin, province_reviewer):
        assert client.get(URL).status_code == 403
        assert edit(client, based_on=first.version).status_code == 403
    assert current().pk == first.pk
    assert Client().get(URL).status_code == 302  # to the staff sign-in

    platform_admin = reviewer_for("630102", role=StaffRole.PLATFORM_ADMIN)
    assert platform_admin.get(URL).status_code == 200

    link = f'href="{URL}"'
    assert link in province_admin.get(reverse("announcements:manage")).content.decode()
    assert link not in city_admin.get(reverse("announcements:manage")).content.decode()


def test_a_new_version_leaves_existing_submissions_on_theirs_and_reaches_new_applicants(
    province_admin, departments
):
    first = current()
    draft = SubmissionFactory(draft=True)
    submitted = SubmissionFactory(submitted=True)
    revision = submitted.revisions.get()
    assert draft.notice_id == first.pk and revision.notice_id == first.pk

    body = "新版须知第一段\n<script>alert(1)</script>"
    assert edit(province_admin, based_on=first.version, body=body).status_code == 302
    new = current()

    draft.refresh_from_db()
    submitted.refresh_from_db()
    revision.refresh_from_db()
    assert draft.notice_id == first.pk and submitted.notice_id == first.pk and revision.notice_id == first.pk

    applicant = ApplicantFactory()
    client = Client()
    client.force_login(applicant)
    submission = collection_services.start_collection(applicant)
    page = client.get(reverse("collection:notice"))
    text = page.content.decode()
    assert "<p>新版须知第一段</p>" in text and f"第 {new.version} 版" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "新版须知第一段" in Client().get("/notices/").content.decode()

    response = client.post(reverse("collection:notice"), {"read": "1", "version": submission.version})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.notice_id == new.pk


def test_the_service_refuses_a_stale_base_without_saving():
    first = current()
    collection_services.publish_notice_version(
        staff=None, title="甲", body="甲的内容", based_on=first.version
    )
    with pytest.raises(collection_services.NoticeConflict) as conflict:
        collection_services.publish_notice_version(
            staff=None, title="乙", body="乙的内容", based_on=first.version
        )
    assert conflict.value.current is not None and conflict.value.current.version == first.version + 1
    assert Notice.objects.count() == 2

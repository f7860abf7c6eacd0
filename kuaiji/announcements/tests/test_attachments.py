"""通知公告's attachments (附件).

Requirements covered:
- a department administrator attaches files (PDF, Word, Excel, ZIP, JPG/PNG) when publishing or editing;
  each is stored privately, audited (``announcement.attachment_added`` / ``attachment_removed``) and
  shown with its name and size on the public page and in the staff form, where it can be removed;
- the type is decided by the bytes: an ``.exe`` renamed ``.pdf``, a ZIP renamed ``.docx`` and a type
  not on the list are refused next to the field, as is a file over the size limit or one too many; the
  title and body stay in the form and nothing is stored;
- a storage that cannot take a file is a Chinese message next to the field; nothing is kept (no row,
  no file, not even the files stored before the failing one), and a failing row write leaves no file;
- the public download is a 404 unless the notice is shown now (expired, withdrawn, future, another
  notice's attachment); it is an attachment under the original name (RFC 5987 for Chinese names) with
  ``nosniff``; staff of the notice's scope may download it in any state, others may not;
- a request carrying attachments may be larger than the site's usual limit, only under
  /announcements/manage/; check_consistency knows these files.
"""

from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import quote

from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.announcements import services
from kuaiji.announcements.files import check_upload, display_name
from kuaiji.announcements.models import Announcement, AnnouncementAttachment
from kuaiji.audit.models import AuditEvent
from kuaiji.core.consistency import file_problems
from kuaiji.core.middleware import RequestSizeLimitMiddleware
from kuaiji.core.storage import FILE_STORAGE_UNAVAILABLE_MESSAGE

from .factories import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    AnnouncementFactory,
    docx_upload,
    pdf_upload,
    xlsx_upload,
    zip_bytes,
)
from .test_announcements import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.STORAGES["default"]["OPTIONS"]["location"])


def stored_files(media: Path) -> list[Path]:
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []


@pytest.fixture
def admin(reviewer_for):
    return reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)


def attached(announcement: Announcement, upload: SimpleUploadedFile, staff) -> AnnouncementAttachment:
    services.update_announcement(
        announcement,
        staff=staff,
        title=announcement.title,
        body=announcement.body,
        department=announcement.department,
        publish_at=announcement.publish_at,
        expire_at=announcement.expire_at,
        attachments=[check_upload(upload)],
    )
    return announcement.attachments.latest("id")


def test_files_attached_when_publishing_are_stored_audited_listed_and_downloaded(
    admin, departments, client, media
):
    response = admin.post(
        reverse("announcements:create"),
        {**form_data(departments), "attachments": [pdf_upload("2027年信息采集通知.pdf"), docx_upload()]},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    notice = Announcement.objects.get()
    pdf, docx = notice.attachments.order_by("id")
    assert (pdf.original_name, pdf.content_type, pdf.size) == (
        "2027年信息采集通知.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert docx.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert pdf.file.name.startswith("announcements/") and pdf.file.name.endswith(".pdf")
    assert len(stored_files(media)) == 2
    actions = list(
        AuditEvent.objects.filter(target_id=str(notice.uuid)).order_by("id").values_list("action", flat=True)
    )
    assert actions == [
        "announcement.published",
        "announcement.attachment_added",
        "announcement.attachment_added",
    ]
    added = AuditEvent.objects.filter(action="announcement.attachment_added").order_by("id").first()
    assert (
        added is not None and added.details["name"] == "2027年信息采集通知.pdf" and added.actor == admin.staff
    )

    page = client.get(reverse("announcements:detail", args=[notice.uuid])).content.decode()
    link = reverse("announcements:attachment", args=[notice.uuid, pdf.uuid])
    assert link in page and "2027年信息采集通知.pdf" in page and "报名表.docx" in page

    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('2027年信息采集通知.pdf')}"
    )
    assert "sandbox" in download["Content-Security-Policy"]


def test_an_ascii_name_is_quoted_and_a_path_or_control_character_is_dropped(admin, departments, client):
    assert display_name('C:\\Users\\张三\\Desktop\\通知"\x07.pdf') == "通知.pdf"
    assert display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert len(display_name("长" * 300 + ".pdf")) == 100 and display_name("长" * 300 + ".pdf").endswith(
        ".pdf"
    )
    admin.post(
        reverse("announcements:create"), {**form_data(departments), "attachments": [pdf_upload("notice.pdf")]}
    )
    attachment = AnnouncementAttachment.objects.get()
    download = client.get(
        reverse("announcements:attachment", args=[attachment.announcement.uuid, attachment.uuid])
    )
    assert download["Content-Disposition"] == 'attachment; filename="notice.pdf"'


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf_upload("通知.pdf", EXE_BYTES), "“通知.pdf”的内容不是真正的 PDF 文件（与扩展名 .pdf 不符）"),
        (
            SimpleUploadedFile("名单.docx", zip_bytes("readme.txt")),
            "“名单.docx”的内容不是真正的 Word 文件（与扩展名 .docx 不符）",
        ),
        (SimpleUploadedFile("图片.png", b"\xff\xd8\xff\xe0JFIF"), "“图片.png”的内容不是真正的 PNG 文件"),
        (SimpleUploadedFile("setup.exe", EXE_BYTES), "“setup.exe”不是可以上传的文件类型"),
        (SimpleUploadedFile("空.pdf", b""), "“空.pdf”是空文件"),
    ],
)
def test_a_refused_file_is_said_next_to_the_field_and_keeps_what_was_typed(
    admin, departments, media, upload, message
):
    data = form_data(departments, title="关于报送材料的通知", body="请各单位于月底前报送。")
    response = admin.post(
        reverse("announcements:create"), {**data, "attachments": [pdf_upload("好的.pdf"), upload]}
    )
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('id="id_attachments-group"') :]
    assert message in field[: field.index("</div>")]  # beside the input, not only in the summary
    assert message in page[: page.index('id="id_attachments-group"')]  # and in the summary at the top
    assert 'value="关于报送材料的通知"' in page and "请各单位于月底前报送。</textarea>" in page
    assert not Announcement.objects.exists() and not AnnouncementAttachment.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_the_limit_and_one_file_too_many_are_refused(admin, departments, media, settings):
    settings.KUAIJI_ANNOUNCEMENT_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = pdf_upload("大文件.pdf", PDF_BYTES + b"0" * (1024 * 1024))
    response = admin.post(reverse("announcements:create"), {**form_data(departments), "attachments": [big]})
    assert response.status_code == 400
    assert "“大文件.pdf”超过 1 MB，请压缩或拆分后再上传" in response.content.decode()

    settings.KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS = 2
    uploads = [pdf_upload(f"第{n}份.pdf") for n in range(3)]
    response = admin.post(reverse("announcements:create"), {**form_data(departments), "attachments": uploads})
    assert response.status_code == 400
    assert "每条通知最多 2 个附件（已有 0 个）" in response.content.decode()
    assert not Announcement.objects.exists() and stored_files(media) == []


def test_a_storage_that_cannot_take_a_file_keeps_nothing(admin, departments, media):
    from botocore.exceptions import EndpointConnectionError  # type: ignore[import-untyped]

    real_save = FileSystemStorage._save
    calls = []

    def save_once_then_fail(storage, name, content):
        calls.append(name)
        if len(calls) > 1:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")
        return real_save(storage, name, content)

    with mock.patch.object(FileSystemStorage, "_save", save_once_then_fail):
        response = admin.post(
            reverse("announcements:create"),
            {
                **form_data(departments, title="存储故障"),
                "attachments": [pdf_upload("一.pdf"), xlsx_upload("二.xlsx")],
            },
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"“二.xlsx”：{FILE_STORAGE_UNAVAILABLE_MESSAGE}" in page and 'value="存储故障"' in page
    assert len(calls) == 2
    assert not Announcement.objects.exists() and not AnnouncementAttachment.objects.exists()
    assert stored_files(media) == []  # the first file, stored before the failure, was deleted


def test_a_row_that_cannot_be_written_leaves_no_file(admin, departments, media):
    with (
        mock.patch.object(AnnouncementAttachment.objects, "create", side_effect=RuntimeError("db gone")),
        pytest.raises(RuntimeError),
    ):
        services.publish_announcement(
            staff=admin.staff,
            title="行写入失败",
            body="正文",
            department=departments["630102"],
            publish_at=timezone.now(),
            expire_at=None,
            attachments=[check_upload(pdf_upload())],
        )
    assert not Announcement.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize("state", ["expired", "future", "withdrawn"])
def test_an_attachment_of_a_notice_not_shown_now_is_a_404_to_the_public(admin, client, state):
    notice = AnnouncementFactory(**{state: True}, created_by=admin.staff)
    attachment = attached(notice, pdf_upload(), admin.staff)
    url = reverse("announcements:attachment", args=[notice.uuid, attachment.uuid])
    assert client.get(url).status_code == 404
    # Its department's administrator can still check the file.
    managed = admin.get(reverse("announcements:managed_attachment", args=[notice.uuid, attachment.uuid]))
    assert managed.status_code == 200 and b"".join(managed.streaming_content) == PDF_BYTES


def test_an_attachment_is_reached_only_through_its_own_notice_and_scope(admin, client, reviewer_for):
    notice = AnnouncementFactory(created_by=admin.staff)
    other = AnnouncementFactory(created_by=admin.staff)
    attachment = attached(notice, pdf_upload(), admin.staff)
    assert (
        client.get(reverse("announcements:attachment", args=[notice.uuid, attachment.uuid])).status_code
        == 200
    )
    assert (
        client.get(reverse("announcements:attachment", args=[other.uuid, attachment.uuid])).status_code == 404
    )

    staff_url = reverse("announcements:managed_attachment", args=[notice.uuid, attachment.uuid])
    assert reviewer_for("632801", role=StaffRole.DEPARTMENT_ADMIN).get(staff_url).status_code == 404
    assert reviewer_for("630102").get(staff_url).status_code == 403  # a reviewer, not an administrator
    assert admin.get(staff_url).status_code == 200


def test_editing_shows_removes_and_adds_attachments(admin, departments, client, media):
    notice = AnnouncementFactory(created_by=admin.staff, department=departments["630102"])
    first = attached(notice, pdf_upload("旧附件.pdf"), admin.staff)
    edit_url = reverse("announcements:edit", args=[notice.uuid])
    page = admin.get(edit_url).content.decode()
    assert (
        "旧附件.pdf" in page
        and 'name="remove_attachments"' in page
        and 'enctype="multipart/form-data"' in page
    )
    assert reverse("announcements:managed_attachment", args=[notice.uuid, first.uuid]) in page
    old_file = media / first.file.name
    assert old_file.exists()

    data = {
        **form_data(departments, title=notice.title),
        "remove_attachments": [str(first.uuid)],
        "attachments": [SimpleUploadedFile("新图片.png", PNG_BYTES)],
    }
    assert admin.post(edit_url, data).status_code == 302
    (kept,) = notice.attachments.all()
    assert kept.original_name == "新图片.png" and kept.content_type == "image/png"
    assert not old_file.exists() and len(stored_files(media)) == 1
    assert AuditEvent.objects.filter(
        action="announcement.attachment_removed", details__name="旧附件.pdf"
    ).exists()
    public = client.get(reverse("announcements:detail", args=[notice.uuid])).content.decode()
    assert "新图片.png" in public and "旧附件.pdf" not in public


def test_the_limit_counts_the_attachments_a_notice_already_has(admin, departments, settings, media):
    settings.KUAIJI_ANNOUNCEMENT_MAX_ATTACHMENTS = 1
    notice = AnnouncementFactory(created_by=admin.staff, department=departments["630102"])
    attached(notice, pdf_upload("已有.pdf"), admin.staff)
    response = admin.post(
        reverse("announcements:edit", args=[notice.uuid]),
        {**form_data(departments, title="改了标题"), "attachments": [pdf_upload("再一个.pdf")]},
    )
    assert response.status_code == 400
    assert "每条通知最多 1 个附件（已有 1 个）" in response.content.decode()
    notice.refresh_from_db()
    assert notice.title != "改了标题" and notice.attachments.count() == 1 and len(stored_files(media)) == 1


def test_a_large_request_is_let_through_only_to_the_announcement_pages(settings):
    settings.KUAIJI_MAX_REQUEST_BYTES = 1000
    settings.KUAIJI_MAX_ANNOUNCEMENT_REQUEST_BYTES = 5000
    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    assert middleware(factory.post("/announcements/manage/new/", CONTENT_LENGTH="4000")).status_code == 200
    assert middleware(factory.post("/announcements/manage/new/", CONTENT_LENGTH="6000")).status_code == 413
    assert middleware(factory.post("/account/", CONTENT_LENGTH="4000")).status_code == 413


def test_check_consistency_knows_the_attachments(admin, media):
    notice = AnnouncementFactory(created_by=admin.staff)
    attachment = attached(notice, pdf_upload(), admin.staff)
    assert file_problems(orphan_grace=timedelta(0)) == []
    (media / attachment.file.name).unlink()
    (problem,) = file_problems(orphan_grace=timedelta(0))
    assert problem.kind == "missing_file" and str(attachment.uuid) in problem.ref

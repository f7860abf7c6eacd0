"""The import pages: who may use them, upload, confirm the columns, the report with masked numbers, the
refused-rows download (audited), the progress the bar polls, and refusals next to the field."""

import io
import random

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.models import LegacyHolder
from kuaiji.accounts.tests.factories import StaffFactory, sign_in_staff
from kuaiji.audit.models import AuditEvent
from kuaiji.core.fakes import fake_resident_id
from kuaiji.core.validators import mask_document_number
from kuaiji.imports.constants import BatchState
from kuaiji.imports.models import ImportBatch
from kuaiji.regions.demo import ensure_demo_departments

rng = random.Random(7)


def staff_with(role: str | None, *, division: str = "630000"):
    departments = ensure_demo_departments()
    staff = StaffFactory.create(department=departments[division])
    if role:
        staff.groups.add(Group.objects.get_or_create(name=role)[0])
    return staff


@pytest.fixture
def officer_client(client):
    sign_in_staff(client, staff_with(StaffRole.DATA_OFFICER))
    return client


def register(text: str, name: str = "名册.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "division", "status"),
    [
        (StaffRole.REVIEWER, "630000", 403),
        (StaffRole.DATA_OFFICER, "630102", 403),
        (StaffRole.DATA_OFFICER, "630000", 200),
    ],
)
def test_only_a_provincial_data_officer_imports(client, role, division, status):
    sign_in_staff(client, staff_with(role, division=division))
    assert client.get("/imports/").status_code == status


@pytest.mark.django_db
def test_upload_confirm_check_import_and_download(officer_client, django_capture_on_commit_callbacks):
    good, other = fake_resident_id(rng=rng), fake_resident_id(rng=rng)
    text = f"身份证号,名字,证号\n{good},赵文彬,001\n6.30102E+17,钱多多,002\n{other},孙红,003\n"
    response = officer_client.post("/imports/", {"file": register(text)})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{batch.uuid}/"

    page = officer_client.get(f"/imports/{batch.uuid}/").content.decode()
    assert "确认各列的内容" in page
    assert mask_document_number(good) in page and good not in page  # the preview masks the numbers
    assert 'value="1" selected' in page  # 名字 proposed for 姓名

    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            f"/imports/{batch.uuid}/", {"full_name": "1", "document_number": "0", "certificate_number": "2"}
        )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED and batch.rows_to_import == 2
    page = officer_client.get(f"/imports/{batch.uuid}/").content.decode()
    assert "导入 2 名人员" in page and "钱多多" in page and "Excel" in page

    progress = officer_client.get(f"/imports/{batch.uuid}/progress/").json()
    assert progress["state"] == "checked"

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(f"/imports/{batch.uuid}/import/")
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and LegacyHolder.objects.count() == 2
    assert officer_client.get(f"/imports/{batch.uuid}/progress/").json()["percent"] == 100

    download = officer_client.get(f"/imports/{batch.uuid}/refused.xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert "attachment" in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="legacy.import_report_downloaded", details__rows=1).exists()
    assert AuditEvent.objects.filter(action="legacy.import_viewed").count() == 2  # the two page views


@pytest.mark.django_db
def test_a_mapping_without_the_number_column_is_refused_with_a_message(officer_client):
    response = officer_client.post(
        "/imports/", {"file": register(f"姓名,号码\n赵文彬,{fake_resident_id(rng=rng)}\n")}
    )
    batch = ImportBatch.objects.get()
    response = officer_client.post(f"/imports/{batch.uuid}/", {"full_name": "0"})
    assert response.status_code == 400
    assert "请指定“证件号码”所在的列" in response.content.decode()
    batch.refresh_from_db()
    assert batch.state == BatchState.UPLOADED


@pytest.mark.django_db
def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(officer_client):
    upload = SimpleUploadedFile("名册.xlsx", io.BytesIO(b"not a workbook").getvalue())
    response = officer_client.post("/imports/", {"file": upload})
    assert response.status_code == 400
    assert "无法读取该文件" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_a_check_that_stopped_can_be_started_again(officer_client, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    officer_client.post(
        "/imports/", {"file": register(f"姓名,证件号码\n赵文彬,{fake_resident_id(rng=rng)}\n")}
    )
    batch = ImportBatch.objects.get()
    # The worker died while checking: the batch stays CHECKING with no progress.
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=BatchState.CHECKING, progress_at=timezone.now() - timedelta(minutes=5)
    )
    page = officer_client.get(f"/imports/{batch.uuid}/").content.decode()
    assert "检查已中断" in page and "确认并检查每一行" in page  # the mapping form, to check again
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(f"/imports/{batch.uuid}/", {"full_name": "0", "document_number": "1"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED and batch.rows_to_import == 1


@pytest.mark.django_db
def test_an_upload_the_storage_refuses_is_said_next_to_the_field(officer_client, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    from botocore.exceptions import EndpointConnectionError  # type: ignore[import-untyped]

    def refuse(*args, **kwargs):
        raise EndpointConnectionError(endpoint_url="http://127.0.0.1:9/")  # as an S3 endpoint that is gone

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)
    response = officer_client.post(
        "/imports/", {"file": register(f"姓名,证件号码\n赵文彬,{fake_resident_id(rng=rng)}\n")}
    )
    assert response.status_code == 400
    assert "文件存储服务暂时不可用" in response.content.decode()
    assert not ImportBatch.objects.exists()

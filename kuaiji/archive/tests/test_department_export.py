"""部门人员导出: a staff member exports the personnel of their own department or of one below it, from the
archive search page, as XLSX or CSV through the one export flow (``core.exporting``): the search's rows
filtered by that department, masked unless a department or platform administrator asks for whole numbers,
audited with the department and the row count, in the background past ``KUAIJI_EXPORT_INLINE_ROWS``; another
region's department is the same 404 as one that does not exist."""

import csv
import io

from django.urls import reverse

import pytest
from python_calamine import CalamineWorkbook

from kuaiji.accounts.constants import StaffRole
from kuaiji.audit.models import AuditEvent
from kuaiji.core.validators import mask_document_number
from kuaiji.exports.constants import ExportState
from kuaiji.exports.models import ExportJob

pytestmark = pytest.mark.django_db

URL = reverse("archive:department_export")
RARE_NAME = "王𪚥"  # 𪚥 (U+2A6A5) is outside the Basic Multilingual Plane


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def xlsx_rows(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


@pytest.fixture
def people(make_record):
    """Two people of 城东区, one of 城中区 (both below 西宁), one of 格尔木 (another branch)."""
    return {
        "own": [make_record(full_name=RARE_NAME), make_record(full_name="林晓芸")],
        "sibling": make_record("630103", full_name="马海军"),
        "elsewhere": make_record("632801", full_name="才让卓玛"),
    }


def test_a_county_exports_its_own_people_masked_and_audited(people, reviewer_for, departments):
    county = reviewer_for("630102")
    response = county.get(URL, {"department": departments["630102"].pk, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "department-personnel-" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["姓名", "证件号码", "会计管理部门"]
    assert sorted(row[0] for row in rows[1:]) == sorted([RARE_NAME, "林晓芸"])
    numbers = {row[1] for row in rows[1:]}
    assert numbers == {mask_document_number(record.document_number) for record in people["own"]}

    event = AuditEvent.objects.get(action="archive.exported", actor=county.staff)
    assert event.details == {
        "filters": {"department_id": departments["630102"].pk, "department": "西宁市城东区财政局会计股"},
        "rows": 2,
        "format": "csv",
        "document_numbers": "masked",
    }


def test_another_regions_department_is_404_and_nothing_is_exported(people, reviewer_for, departments):
    county = reviewer_for("630102")
    for value in (
        departments["632801"].pk,
        departments["630103"].pk,
        departments["630100"].pk,
        999_999,
        "x",
        "",
    ):
        assert county.get(URL, {"department": value, "format": "xlsx"}).status_code == 404, value
    assert not AuditEvent.objects.filter(action="archive.exported").exists()


def test_a_city_exports_a_department_below_it_only_that_departments_people(people, reviewer_for, departments):
    city = reviewer_for("630100")
    rows = csv_rows(city.get(URL, {"department": departments["630103"].pk, "format": "csv"}))
    assert [row[0] for row in rows[1:]] == ["马海军"]
    rows = csv_rows(city.get(URL, {"department": departments["630100"].pk, "format": "csv"}))
    assert rows[1:] == []  # 西宁 itself manages nobody here: those below are not included
    assert city.get(URL, {"department": departments["632801"].pk}).status_code == 404


def test_whole_numbers_only_with_the_permission_and_when_asked(people, reviewer_for, departments):
    own = {"department": departments["630102"].pk, "format": "xlsx"}
    reviewer = reviewer_for("630102")
    assert reviewer.get(URL, {**own, "document_numbers": "full"}).status_code == 403

    admin = reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)
    masked = xlsx_rows(b"".join(admin.get(URL, own).streaming_content))
    whole = {record.document_number for record in people["own"]}
    assert {row[1] for row in masked[1:]} == {mask_document_number(number) for number in whole}
    full = xlsx_rows(b"".join(admin.get(URL, {**own, "document_numbers": "full"}).streaming_content))
    assert {row[1] for row in full[1:]} == whole
    assert list(
        AuditEvent.objects.filter(action="archive.exported", actor=admin.staff)
        .order_by("id")
        .values_list("details__document_numbers", flat=True)
    ) == ["masked", "full"]


def test_a_name_outside_the_bmp_survives_in_csv_and_xlsx(people, reviewer_for, departments):
    county = reviewer_for("630102")
    own = {"department": departments["630102"].pk}
    assert RARE_NAME in [row[0] for row in csv_rows(county.get(URL, {**own, "format": "csv"}))]
    response = county.get(URL, {**own, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert RARE_NAME in [row[0] for row in xlsx_rows(b"".join(response.streaming_content))]


def test_a_large_department_is_made_in_the_background_with_the_scope_of_then(
    people, reviewer_for, departments, settings, django_capture_on_commit_callbacks
):
    settings.KUAIJI_EXPORT_INLINE_ROWS = 1
    county = reviewer_for("630102")
    department = departments["630102"]
    page = county.get(URL, {"department": department.pk, "format": "xlsx"}).content.decode()
    assert "共 <strong>2</strong> 条" in page and 'name="kind" value="department_personnel"' in page
    assert f'name="param_department" value="{department.pk}"' in page
    assert not AuditEvent.objects.filter(action="archive.exported").exists()

    data = {"kind": "department_personnel", "format": "xlsx", "param_department": str(department.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        assert county.post(reverse("exports:request"), data).status_code == 302
    job = ExportJob.objects.get()
    assert (job.state, job.row_count) == (ExportState.DONE, 2)
    assert "部门人员" in county.get(reverse("exports:list")).content.decode()
    download = county.get(reverse("exports:download", args=[job.uuid]))
    assert RARE_NAME in [row[0] for row in xlsx_rows(b"".join(download.streaming_content))]
    completed = AuditEvent.objects.get(action="export.completed")
    assert completed.details["filters"] == {"department_id": department.pk, "department": department.name}
    assert completed.details["rows"] == 2

    # Asked for another region's department (by hand): the worker refuses it, nothing is written.
    data["param_department"] = str(departments["632801"].pk)
    with django_capture_on_commit_callbacks(execute=True):
        county.post(reverse("exports:request"), data)
    refused = ExportJob.objects.exclude(pk=job.pk).get()
    assert refused.state == ExportState.FAILED and "本部门或下级部门" in refused.error and not refused.file


def test_the_search_page_offers_the_departments_in_scope_own_first_chosen(people, reviewer_for, departments):
    city = reviewer_for("630100")
    page = city.get(reverse("archive:search")).content.decode()
    form = page[page.index('id="department-export"') :]
    assert f'action="{URL}"' in form and "导出本部门人员" in form
    assert f'<option value="{departments["630100"].pk}" selected>' in form
    assert "西宁市城中区财政局会计股" in form and "格尔木市财政局会计股" not in form
    assert 'id="d-full"' not in form  # a reviewer may not ask for whole numbers
    admin = reviewer_for("630100", role=StaffRole.DEPARTMENT_ADMIN)
    assert 'id="d-full"' in admin.get(reverse("archive:search")).content.decode()

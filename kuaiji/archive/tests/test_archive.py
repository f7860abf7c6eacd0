"""The personnel archive (人员档案) for staff.

Covers: an approval writes version 1 and a later approved change writes version 2, keeping 1; the record
page shows the current version by section with the whole document number and phone, its versions, and a
comparison of two versions with the changed rows marked; any version can be viewed and printed as the
one-page personal basic information form; search by each filter, 50 a page, with a bounded number of
queries; document numbers and phones masked in the list and (by default) in the CSV export, which has a
BOM, a row cap and whole numbers only for 平台管理员/部门管理员 who ask; every archive URL gives the same 404
outside the staff member's scope; each search, view, comparison, print and export is audited, and a
typed document number is audited masked.
"""

import csv
import io
import uuid
from datetime import timedelta

from django.contrib.auth.models import Group
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

import pypdf
import pytest

from kuaiji.accounts.constants import StaffRole
from kuaiji.archive import selectors
from kuaiji.archive.models import ArchiveRecord, ArchiveVersion
from kuaiji.audit.models import AuditEvent
from kuaiji.core.validators import mask_document_number, mask_mobile

pytestmark = pytest.mark.django_db


def csv_rows(response) -> tuple[str, list[list[str]]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return text, list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def record_urls(record) -> list[str]:
    return [
        reverse("archive:detail", args=[record.uuid]),
        reverse("archive:compare", args=[record.uuid]),
        reverse("archive:version", args=[record.uuid, 1]),
        reverse("archive:version_pdf", args=[record.uuid, 1]),
    ]


# --- versions ---------------------------------------------------------------------------------------------


def test_approval_writes_version_1_and_an_approved_change_version_2(approved, approve_change):
    record, applicant = approved()
    assert record.current_version.number == 1
    assert record.versions.count() == 1
    first_uuid = record.uuid

    approve_change(applicant, employer_name="西宁虚构科技有限公司")

    record.refresh_from_db()
    assert record.uuid == first_uuid
    assert record.current_version.number == 2
    assert record.employer_name == "西宁虚构科技有限公司"
    first, second = ArchiveVersion.objects.filter(record=record).order_by("number")
    assert first.answers["employer"]["employer_name"] == "西宁虚构商贸有限公司"  # kept as approved
    assert second.answers["employer"]["employer_name"] == "西宁虚构科技有限公司"
    assert first.revision.submission != second.revision.submission


def test_the_record_page_shows_everything_and_is_audited(approved, reviewer_for):
    record, _ = approved()
    county = reviewer_for("630102")
    page = county.get(reverse("archive:detail", args=[record.uuid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert record.document_number in html  # whole on the record page
    assert record.mobile in html
    for title in ("个人信息", "工作单位与会计管理部门", "学历信息", "专业技术资格"):
        assert title in html
    version = record.current_version
    assert version.revision.submission.reference in html
    assert version.approved_by.full_name in html
    assert reverse("archive:version_pdf", args=[record.uuid, 1]) in html
    event = AuditEvent.objects.get(action="staff.viewed_archive_record")
    assert event.actor == county.staff
    assert event.target_id == str(record.uuid)
    assert event.details == {"version": 1}


def test_compare_marks_the_changed_row_old_against_new(approved, approve_change, reviewer_for):
    record, applicant = approved()
    approve_change(applicant, employer_name="西宁虚构科技有限公司")
    county = reviewer_for("630102")
    detail = county.get(reverse("archive:detail", args=[record.uuid])).content.decode()
    assert "第 2 版（当前）" in detail and reverse("archive:compare", args=[record.uuid]) in detail

    response = county.get(reverse("archive:compare", args=[record.uuid]), {"old": "2", "new": "1"})
    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)  # older on the left
    changed = [
        (label, before, after)
        for part in response.context["sections"]
        for label, before, after, is_changed in part.rows
        if is_changed
    ]
    assert changed == [("单位名称", "西宁虚构商贸有限公司", "西宁虚构科技有限公司")]
    html = response.content.decode()
    assert html.count('class="is-changed"') == 1
    assert '<span class="old-value">西宁虚构商贸有限公司</span>' in html
    event = AuditEvent.objects.get(action="staff.compared_archive_versions")
    assert event.details == {"old": 1, "new": 2} and event.target_id == str(record.uuid)


def test_compare_matches_repeated_rows_entry_by_entry(approved):
    record, _ = approved()
    old = record.current_version
    answers = {**old.answers, "employer": {**old.answers["employer"], "history": []}}
    new = ArchiveVersion(answers=answers)
    old_with_history = ArchiveVersion(
        answers={
            **old.answers,
            "employer": {
                **old.answers["employer"],
                "history": [
                    {"unit": "甲公司", "started": "2010-01", "ended": "2011-01", "post": ""},
                    {"unit": "乙公司", "started": "2011-02", "ended": "2012-01", "post": ""},
                ],
            },
        }
    )
    rows = [
        row
        for part in selectors.compare_versions(old_with_history, new)
        for row in part.rows
        if row.label == "工作经历"
    ]
    assert rows == [
        ("工作经历", "2010-01 至 2011-01 甲公司", None, True),
        ("工作经历", "2011-02 至 2012-01 乙公司", None, True),
    ]


def test_any_version_can_be_viewed_and_is_audited(approved, approve_change, reviewer_for):
    record, applicant = approved()
    approve_change(applicant)
    county = reviewer_for("630102")
    response = county.get(reverse("archive:version", args=[record.uuid, 1]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "历史版本" in html and "西宁虚构商贸有限公司" in html
    assert AuditEvent.objects.filter(
        action="staff.viewed_archive_version", actor=county.staff, details={"version": 1}
    ).exists()
    assert county.get(reverse("archive:version", args=[record.uuid, 3])).status_code == 404


def test_a_version_prints_as_a_one_page_form_and_is_audited(approved, reviewer_for):
    record, _ = approved()
    county = reviewer_for("630102")
    response = county.get(reverse("archive:version_pdf", args=[record.uuid, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert record.current_version.revision.submission.reference in text
    assert len(reader.pages[0].images) == 1  # the 1-inch photo of the approved revision
    assert AuditEvent.objects.filter(
        action="staff.printed_archive_version", actor=county.staff, target_id=str(record.uuid)
    ).exists()


# --- search and list --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"name": "晓"}, {"林晓芸"}),
        ({"document_number": "FILLED-IN-TEST"}, {"林晓芸"}),
        ({"employer": "科技"}, {"王建国"}),
        ({"credit_code": "91630100MA0000001X"}, {"王建国"}),
        ({"qualification_level": "intermediate"}, {"王建国"}),
        ({"education_level": "master"}, {"林晓芸"}),
        ({"department": "630103"}, {"赵雪"}),
        ({}, {"林晓芸", "王建国", "赵雪"}),
    ],
)
def test_search_by_each_filter(make_record, reviewer_for, departments, filters, expected):
    lin = make_record(full_name="林晓芸", education_level="master")
    make_record(
        full_name="王建国",
        employer_name="西宁虚构科技有限公司",
        credit_code="91630100MA0000001X",
        qualification_level="intermediate",
    )
    make_record("630103", full_name="赵雪")
    make_record("632801", full_name="钱多多")  # 格尔木: outside 西宁's scope
    if filters.get("document_number"):
        filters = {"document_number": lin.document_number.lower()}  # typed in lower case
    if filters.get("department"):
        filters = {"department": departments[filters["department"]].pk}
    city = reviewer_for("630100")
    response = city.get(reverse("archive:search"), filters)
    assert response.status_code == 200
    assert {row["record"].full_name for row in response.context["rows"]} == expected


def test_the_selector_orders_newest_first_and_matches_numbers_exactly(make_record, reviewer_for):
    older = make_record(full_name="甲", updated_at=timezone.now() - timedelta(days=1))
    newer = make_record(full_name="乙")
    staff = reviewer_for("630000").staff
    assert list(selectors.search_archive(staff=staff)) == [newer, older]
    assert not selectors.search_archive(staff=staff, document_number=older.document_number[:10]).exists()
    assert not selectors.search_archive(staff=staff, credit_code=older.credit_code[:10]).exists()


def test_the_list_masks_numbers_and_phones(make_record, reviewer_for):
    record = make_record(full_name="林晓芸", mobile="13812341234")
    html = reviewer_for("630102").get(reverse("archive:search")).content.decode()
    assert "林晓芸" in html
    assert record.document_number not in html
    assert mask_document_number(record.document_number) in html
    assert record.document_number[:6] + "********" + record.document_number[-4:] in html
    assert "13812341234" not in html and "138****1234" in html
    assert mask_mobile("13812341234") == "138****1234"


def test_a_department_outside_the_scope_cannot_be_chosen(make_record, reviewer_for, departments):
    make_record("632801", full_name="钱多多")
    response = reviewer_for("630100").get(reverse("archive:search"), {"department": departments["632801"].pk})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "请从列表中选择会计管理部门" in response.content.decode()


def test_the_list_pages_by_50_with_a_bounded_number_of_queries(
    make_record, reviewer_for, django_assert_max_num_queries
):
    for _ in range(60):
        make_record()
    county = reviewer_for("630102")
    with django_assert_max_num_queries(15) as captured:
        response = county.get(reverse("archive:search"))
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 60
    # No query per row: the count does not depend on the rows shown.
    with django_assert_max_num_queries(len(captured)):
        assert len(county.get(reverse("archive:search"), {"page": "2"}).context["rows"]) == 10


def test_a_search_is_audited_with_the_typed_number_masked(make_record, reviewer_for):
    record = make_record(full_name="林晓芸")
    county = reviewer_for("630102")
    county.get(reverse("archive:search"), {"document_number": record.document_number, "name": "林"})
    event = AuditEvent.objects.get(action="archive.searched")
    assert event.actor == county.staff
    assert event.details["count"] == 1
    assert event.details["filters"] == {
        "name": "林",
        "document_number": mask_document_number(record.document_number),
    }
    assert record.document_number not in str(event.details)


# --- export -----------------------------------------------------------------------------------------------


def test_the_export_is_masked_by_default_with_a_bom_and_audited(make_record, reviewer_for):
    record = make_record(full_name="林晓芸", employer_name="=HYPERLINK(1)")
    make_record("632801", full_name="钱多多")
    county = reviewer_for("630102")
    response = county.get(reverse("archive:export"), {"name": "林"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="archive-')
    text, rows = csv_rows(response)
    assert text.startswith("\ufeff姓名,证件号码,")
    assert rows[0] == list(selectors.EXPORT_HEADER)
    assert len(rows) == 2
    name, number, department, employer, credit_code, qualification, education, approved_at = rows[1]
    assert (name, number) == ("林晓芸", mask_document_number(record.document_number))
    assert record.document_number not in text
    assert department == record.department.name
    assert credit_code == record.credit_code
    assert employer == "'=HYPERLINK(1)"  # never a formula in Excel
    assert (qualification, education) == ("无", "大学本科")
    assert approved_at
    event = AuditEvent.objects.get(action="archive.exported")
    assert event.actor == county.staff
    assert event.details == {
        "filters": {"name": "林"},
        "rows": 1,
        "format": "csv",
        "document_numbers": "masked",
    }


def test_whole_numbers_only_for_department_and_platform_admins_who_ask(make_record, reviewer_for):
    record = make_record(full_name="林晓芸")
    reviewer = reviewer_for("630102")
    assert reviewer.get(reverse("archive:export"), {"document_numbers": "full"}).status_code == 403
    assert not AuditEvent.objects.filter(action="archive.exported").exists()
    admin = reviewer_for("630102", role=StaffRole.DEPARTMENT_ADMIN)
    _, rows = csv_rows(admin.get(reverse("archive:export")))
    assert rows[1][1] == mask_document_number(record.document_number)  # masked unless asked
    assert 'name="document_numbers" value="full"' in admin.get(reverse("archive:search")).content.decode()
    _, rows = csv_rows(admin.get(reverse("archive:export"), {"document_numbers": "full"}))
    assert rows[1][1] == record.document_number
    assert AuditEvent.objects.filter(
        action="archive.exported", actor=admin.staff, details__document_numbers="full"
    ).exists()
    platform = reviewer_for("630000")
    platform.staff.groups.add(Group.objects.get_or_create(name=StaffRole.PLATFORM_ADMIN)[0])
    _, rows = csv_rows(platform.get(reverse("archive:export"), {"document_numbers": "full"}))
    assert rows[1][1] == record.document_number


def test_the_search_pages_export_form_carries_its_filters(make_record, reviewer_for):
    make_record(full_name="林晓芸")
    county = reviewer_for("630102")
    page = county.get(reverse("archive:search"), {"name": "林", "education_level": "bachelor", "page": "1"})
    form = page.content.decode()
    form = form[form.index('aria-label="导出"') : form.index("</form>", form.index('aria-label="导出"'))]
    assert '<input type="hidden" name="name" value="林">' in form
    assert '<input type="hidden" name="education_level" value="bachelor">' in form
    assert 'name="page"' not in form


def test_a_large_export_is_offered_in_the_background(make_record, reviewer_for, settings):
    settings.KUAIJI_EXPORT_INLINE_ROWS = 2
    for _ in range(3):
        make_record()
    county = reviewer_for("630102")
    response = county.get(reverse("archive:export"), {"format": "xlsx", "qualification_level": ""})
    page = response.content.decode()
    assert response.status_code == 200 and "共 <strong>3</strong> 条" in page
    assert 'action="/exports/new/"' in page and 'name="format" value="xlsx"' in page
    assert not AuditEvent.objects.filter(action="archive.exported").exists()  # nothing was exported yet


# --- scope and access -------------------------------------------------------------------------------------


def test_another_regions_staff_get_404_everywhere(approved, reviewer_for):
    record, _ = approved()  # managed by 城东区 630102
    golmud = reviewer_for("632801")  # 格尔木: another branch of the tree
    for url in record_urls(record):
        assert golmud.get(url).status_code == 404, url
    missing = ArchiveRecord(uuid=uuid.uuid4())
    for url in record_urls(missing):
        assert golmud.get(url).status_code == 404, url
    assert record.full_name not in golmud.get(reverse("archive:search")).content.decode()
    _, rows = csv_rows(golmud.get(reverse("archive:export")))
    assert rows == [list(selectors.EXPORT_HEADER)]
    assert not AuditEvent.objects.filter(
        actor=golmud.staff,
        action__in=[
            "staff.viewed_archive_record",
            "staff.viewed_archive_version",
            "staff.compared_archive_versions",
            "staff.printed_archive_version",
        ],
    ).exists()
    # The scope covers the departments above: 西宁 (city) and the province see the record.
    for code in ("630100", "630000"):
        assert reviewer_for(code).get(reverse("archive:detail", args=[record.uuid])).status_code == 200


def test_the_gate_takes_a_uuid_or_a_primary_key(approved, reviewer_for):
    record, _ = approved()
    staff = reviewer_for("630102").staff
    assert selectors.get_record_for_staff(staff, record.uuid) == record
    assert selectors.get_record_for_staff(staff, str(record.uuid)) == record
    assert selectors.get_record_for_staff(staff, record.pk) == record
    golmud = reviewer_for("632801").staff
    for key in (record.uuid, record.pk, "not-a-uuid", uuid.uuid4()):
        with pytest.raises(Http404):
            selectors.get_record_for_staff(golmud, key)


def test_applicants_and_anonymous_people_are_kept_out(approved, client):
    record, applicant = approved()
    for url in [reverse("archive:search"), reverse("archive:export"), *record_urls(record)]:
        assert applicant.get(url).status_code == 403, url
        response = client.get(url)
        assert response.status_code == 302 and "/staff/sign-in/" in response["Location"]


def test_the_search_filters_keep_what_was_chosen(departments, reviewer_for):
    county = departments["630102"]
    html = (
        reviewer_for("630000")
        .get(reverse("archive:search"), {"department": county.pk, "qualification_level": "senior"})
        .content.decode()
    )
    department = html.split('id="f-department"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{county.pk}" selected>{county.name}</option>' in department
    assert department.count(" selected") == 1
    qualification = html.split('id="f-qualification_level"', 1)[1].split("</select>", 1)[0]
    assert qualification.count(" selected") == 1 and 'value="senior" selected' in qualification


def test_a_result_row_shows_what_the_search_needs_escaped_and_masked(make_record, reviewer_for):
    record = make_record(full_name="李𪚥<b>", employer_name="虚构<公司>&合伙", credit_code="")
    html = reviewer_for("630102").get(reverse("archive:search")).content.decode()
    row = html.split(f'<a href="{reverse("archive:detail", args=[record.uuid])}">', 1)[1].split("</tr>", 1)[0]
    assert row.startswith("李𪚥&lt;b&gt;</a>")
    assert f'<td class="nowrap">{mask_document_number(record.document_number)}</td>' in row
    assert record.document_number not in row and record.mobile not in row
    assert '<td class="wide">虚构&lt;公司&gt;&amp;合伙</td>' in row
    assert '<td class="nowrap">—</td>' in row  # no credit code
    assert "大学本科" in row and "城东" in row


def test_no_result_says_so(departments, reviewer_for):
    html = reviewer_for("630102").get(reverse("archive:search"), {"name": "没有这个人"}).content.decode()
    assert '<tr><td colspan="10">没有符合条件的档案。</td></tr>' in html

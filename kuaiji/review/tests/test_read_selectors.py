"""The review pages and the staff API read through the same selectors (``kuaiji.review.selectors``,
``kuaiji.collection.summary``), so they cannot drift:

- repeated rows (工作经历, 非全日制学历) are compared entry by entry, by position — not each against the
  last old entry (defect: an unchanged list of two entries showed one as changed);
- the attachment order (the 1-inch photo first, then the list order of ``required_attachments``) and
  labels are the same on the page and in the API;
- "overdue" is one rule; the history leaves out staff reads of images on both;
- no decision is pre-selected on the review page, on the next record or on an appeal (defect 12);
- the queue is cards on a phone (defect 17) and finds a submission by its 登记编号 (defect 19).
"""

import re

from django.test import Client
from django.urls import reverse

import pytest

from kuaiji.api.tests.test_staff_api import Api
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Revision, Submission
from kuaiji.collection.summary import difference, section_rows
from kuaiji.collection.tests import helpers

from .test_changes_and_transfers import approved, submit

HISTORY = [
    {"unit": "虚构甲公司", "started": "2010-01", "ended": "2011-12", "post": "出纳"},
    {"unit": "虚构乙公司", "started": "2012-01", "ended": "2015-06", "post": "会计"},
]


def _pending_change(submitted, reviewer_for, *, old_history, new_history):
    """A pending change whose approved version and new revision have these work histories."""
    _first, applicant = approved(submitted, reviewer_for)
    applicant.post(reverse("collection:start_change"))
    change = Submission.objects.get(applicant=applicant.applicant, status=Status.DRAFT)
    assert submit(applicant).status_code == 302
    change.refresh_from_db()
    assert change.status == Status.PENDING
    # Revisions are immutable through the model; the test writes the two histories directly.
    for revision, history in (
        (change.based_on, old_history),
        (change.revisions.order_by("-number").first(), new_history),
    ):
        answers = revision.answers
        answers["employer"]["history"] = history
        Revision.objects.filter(pk=revision.pk).update(answers=answers)
    return change


def _work_rows(sections):
    employer = next(part for part in sections if part.key == "employer")
    return [row for row in employer.rows if row.label == "工作经历"]


@pytest.mark.django_db  # the employer rows look up the department's name
def test_repeated_rows_are_matched_by_position_not_against_the_last_old_entry():
    old = {"employer": {"has_employer": False, "history": HISTORY}}
    same = difference(section_rows(old), section_rows(old))
    assert not any(row.changed for row in _work_rows(same))
    changed_first = {
        "employer": {"has_employer": False, "history": [{**HISTORY[0], "post": "会计"}, HISTORY[1]]}
    }
    rows = _work_rows(difference(section_rows(old), section_rows(changed_first)))
    assert [row.changed for row in rows] == [True, False]
    assert "出纳" in rows[0].before and "会计" in rows[0].after
    # An entry added at the end is new (nothing before it); one removed shows blank after.
    added = {"employer": {"has_employer": False, "history": [*HISTORY, HISTORY[0]]}}
    rows = _work_rows(difference(section_rows(old), section_rows(added)))
    assert [(row.changed, row.before) for row in rows][2] == (True, None)
    rows = _work_rows(difference(section_rows(added), section_rows(old)))
    assert [row.changed for row in rows] == [False, False, True] and rows[2].after is None


@pytest.mark.django_db
def test_review_page_and_api_show_an_unchanged_work_history_as_unchanged(submitted, reviewer_for):
    change = _pending_change(submitted, reviewer_for, old_history=HISTORY, new_history=HISTORY)
    city = reviewer_for("630100")
    page = city.get(reverse("review:detail", args=[change.uuid])).content.decode()
    assert "虚构甲公司" in page
    work = re.findall(r'<div class="([^"]*)"><dt>工作经历</dt>', page)
    assert work == ["", ""]
    body = Api(city.staff).get(f"/api/v1/staff/submissions/{change.uuid}").json()
    employer = next(part for part in body["sections"] if part["key"] == "employer")
    assert [row["changed"] for row in employer["rows"] if row["label"] == "工作经历"] == [False, False]


@pytest.mark.django_db
def test_a_changed_first_entry_shows_its_own_old_value(submitted, reviewer_for):
    new = [{**HISTORY[0], "unit": "虚构丙公司"}, HISTORY[1]]
    change = _pending_change(submitted, reviewer_for, old_history=HISTORY, new_history=new)
    city = reviewer_for("630100")
    page = city.get(reverse("review:detail", args=[change.uuid])).content.decode()
    changed = re.findall(
        r'<div class="is-changed"><dt>工作经历</dt><dd>([^<]*)<span class="old-value">原：([^<]*)<', page
    )
    assert len(changed) == 1
    assert "虚构丙公司" in changed[0][0] and "虚构甲公司" in changed[0][1]
    body = Api(city.staff).get(f"/api/v1/staff/submissions/{change.uuid}").json()
    employer = next(part for part in body["sections"] if part["key"] == "employer")
    rows = [row for row in employer["rows"] if row["label"] == "工作经历"]
    assert [row["changed"] for row in rows] == [True, False]
    assert "虚构甲公司" in rows[0]["previous"]


@pytest.mark.django_db
def test_page_and_api_list_the_attachments_in_the_same_order_with_the_same_labels(submitted, reviewer_for):
    submission, _ = submitted()
    province = reviewer_for("630000")
    page = province.get(reverse("review:detail", args=[submission.uuid])).content.decode()
    page_labels = re.findall(r"<figcaption>([^<]+)</figcaption>", page)
    body = Api(province.staff).get(f"/api/v1/staff/submissions/{submission.uuid}").json()
    assert [item["label"] for item in body["attachments"]] == page_labels
    assert page_labels[0] == "一寸照片"
    assert len(page_labels) >= 2


@pytest.mark.django_db
def test_history_leaves_out_image_reads_on_page_and_api(submitted, reviewer_for):
    submission, _ = submitted()
    province = reviewer_for("630000")
    api = Api(province.staff)
    body = api.get(f"/api/v1/staff/submissions/{submission.uuid}").json()
    attachment = body["attachments"][0]["uuid"]
    assert (
        api.get(f"/api/v1/staff/submissions/{submission.uuid}/attachments/{attachment}/file").status_code
        == 200
    )
    body = api.get(f"/api/v1/staff/submissions/{submission.uuid}").json()
    assert "staff.viewed_attachment" not in [item["action"] for item in body["history"]]


OUTCOME_RADIO = re.compile(r'<input type="radio" name="outcome" value="[a-z]+"( checked)?>')


@pytest.mark.django_db
def test_no_decision_is_preselected_on_the_review_page_nor_on_the_next_record(submitted, reviewer_for):
    first, _ = submitted()
    second, _ = submitted()
    province = reviewer_for("630000")
    page = province.get(reverse("review:detail", args=[first.uuid])).content.decode()
    radios = OUTCOME_RADIO.findall(page)
    assert len(radios) == 3 and not any(radios)
    response = province.post(
        reverse("review:decide", args=[first.uuid]), {"outcome": "approve", "version": first.version}
    )
    assert response["Location"] == reverse("review:detail", args=[second.uuid])
    radios = OUTCOME_RADIO.findall(province.get(response["Location"]).content.decode())
    assert len(radios) == 3 and not any(radios)
    # Sent without a choice: nothing decided, a message, still nothing chosen for the reviewer.
    response = province.post(reverse("review:decide", args=[second.uuid]), {"version": second.version})
    second.refresh_from_db()
    assert second.status == Status.PENDING
    page = province.get(response["Location"]).content.decode()
    assert "请选择审核结论" in page and not any(OUTCOME_RADIO.findall(page))


@pytest.mark.django_db
def test_no_decision_is_preselected_on_an_appeal(reviewer_for):
    import random

    from kuaiji.accounts.constants import AppealReason, AppealStatus
    from kuaiji.core.fakes import fake_resident_id

    from .test_appeals import file_appeal

    number = fake_resident_id(rng=random.Random(11), region_code="630102")
    appeal = file_appeal(reason=AppealReason.PHONE_LOST, document_number=number)
    county = reviewer_for("630102")
    page = county.get(reverse("review:appeal_detail", args=[appeal.uuid])).content.decode()
    radios = OUTCOME_RADIO.findall(page)
    assert len(radios) == 2 and not any(radios)
    response = county.post(reverse("review:appeal_decide", args=[appeal.uuid]), {"reason": "照片不清晰"})
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.PENDING
    page = county.get(response["Location"]).content.decode()
    assert "请选择处理结论" in page and "照片不清晰" in page


@pytest.mark.django_db
def test_queue_is_one_card_per_submission_on_a_phone(submitted, reviewer_for):
    """Defect 17: on a phone (≤ 40rem) each row is a card (``queue-card``), each cell labelled by its
    column (``data-label``) so nothing depends on the header row; the stylesheet has the rule."""
    from pathlib import Path

    from django.conf import settings

    submitted()
    submitted()
    page = reviewer_for("630000").get(reverse("review:queue")).content.decode()
    assert page.count('class="queue-card') == 2
    cards = re.findall(r'<tr class="queue-card[^"]*">(.*?)</tr>', page, re.S)
    for card in cards:
        labels = re.findall(r'<td data-label="([^"]+)"', card)
        assert labels == ["截止日期", "类型", "姓名", "证件号码", "审核部门", "提交时间", "已等待", "状态"]
    css = (Path(settings.BASE_DIR) / "kuaiji/static/css/kuaiji.css").read_text()
    phone = css[css.index("/* Review queue as cards") :]
    assert "@media (max-width: 40rem)" in phone and "td::before" in phone and "attr(data-label)" in phone


@pytest.mark.django_db
def test_reviewer_finds_a_submission_by_its_reference(submitted, reviewer_for):
    """Defect 19: the 登记编号 the applicant is given (any case, full-width typed) finds the submission, on
    the page and in the API; another region's reviewer finds nothing."""
    submission, _ = submitted()
    other, _ = submitted()
    province = reviewer_for("630000")
    for typed in (submission.reference, submission.reference.lower(), f" {submission.reference} "):
        page = province.get(reverse("review:queue"), {"q": typed}).content.decode()
        assert reverse("review:detail", args=[submission.uuid]) in page
        assert reverse("review:detail", args=[other.uuid]) not in page
    full_width = submission.reference.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEF"})
    page = province.get(reverse("review:queue"), {"q": full_width}).content.decode()
    assert reverse("review:detail", args=[submission.uuid]) in page
    body = Api(province.staff).get("/api/v1/staff/submissions", {"q": submission.reference}).json()
    assert [item["uuid"] for item in body["items"]] == [str(submission.uuid)]
    assert body["items"][0]["reference"] == submission.reference
    elsewhere = reviewer_for("632800")
    page = elsewhere.get(reverse("review:queue"), {"q": submission.reference}).content.decode()
    assert reverse("review:detail", args=[submission.uuid]) not in page


@pytest.mark.django_db
def test_queue_search_with_control_characters_or_a_huge_department_is_no_error(submitted, reviewer_for):
    submitted()
    province = reviewer_for("630000")
    response = province.get(reverse("review:queue"), {"q": "张\x00三"})
    # One rule for every page query (core.middleware.ControlCharacterQueryMiddleware): a Chinese 400 page.
    assert response.status_code == 400 and "控制字符" in response.content.decode()
    assert province.get(reverse("review:queue"), {"department": "9" * 40}).status_code == 200


@pytest.mark.django_db
def test_a_resubmission_shows_the_return_reason_and_what_changed_since(submitted, reviewer_for, departments):
    """Defect 19: after a return, the reviewer sees why it was returned and which rows the applicant
    changed since the returned revision (page and API)."""
    from kuaiji.collection.tests.test_wizard import post_section

    from .test_review import decide

    submission, applicant = submitted()
    province = reviewer_for("630000")
    decide(province, submission, "return", reason="单位名称与营业执照不符", flagged=["employer"])
    response = post_section(
        applicant,
        "employer",
        {**helpers.employer(departments["630102"].pk), "employer_name": "西宁虚构物流有限公司"},
    )
    assert response.status_code == 302
    assert submit(applicant).status_code == 302
    page = province.get(reverse("review:detail", args=[submission.uuid])).content.decode()
    assert "单位名称与营业执照不符" in page
    since = page[page.index('id="since-return"') :]
    since = since[: since.index("</section>")]
    assert "西宁虚构物流有限公司" in since and "西宁虚构商贸有限公司" in since
    assert "毕业院校" not in since  # unchanged rows are not repeated there
    body = Api(province.staff).get(f"/api/v1/staff/submissions/{submission.uuid}").json()
    assert body["return_reason"] == "单位名称与营业执照不符"
    rows = [row for part in body["changed_since_return"] for row in part["rows"] if row["changed"]]
    assert [(row["label"], row["previous"], row["value"]) for row in rows] == [
        ("单位名称", "西宁虚构商贸有限公司", "西宁虚构物流有限公司")
    ]


@pytest.mark.django_db
def test_the_archive_record_shows_the_photo_and_approved_attachments_audited(submitted, reviewer_for):
    """Defect 19: the archive record page shows the 1-inch photo and the approved version's attachments,
    served through the archive's gate (scope, the version's own files) and audited."""
    from kuaiji.archive.models import ArchiveRecord
    from kuaiji.audit.models import AuditEvent

    from .test_review import decide

    submission, _ = submitted()
    decide(reviewer_for("630000"), submission, "approve")
    record = ArchiveRecord.objects.get(person=submission.applicant)
    county = reviewer_for("630102")
    page = county.get(reverse("archive:detail", args=[record.uuid])).content.decode()
    captions = re.findall(r"<figcaption>([^<]+)</figcaption>", page)
    assert captions[0] == "一寸照片" and len(captions) == submission.revisions.get().attachments.count()
    links = re.findall(r'src="(/archive/[^"]+/attachments/[^"]+)"', page)
    assert len(links) == len(captions)
    response = county.get(links[0])
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="staff.viewed_archive_attachment")
    assert event.target_id == str(record.uuid) and event.details["slot"] == "portrait"
    assert reviewer_for("632801").get(links[0]).status_code == 404  # another region
    other, _ = submitted()
    foreign = other.revisions.get().attachments.first()
    assert county.get(links[0].rsplit("/", 2)[0] + f"/{foreign.uuid}/").status_code == 404


@pytest.mark.django_db
def test_the_applicant_overview_and_the_api_show_the_same_status(submitted, reviewer_for):
    """``collection.selectors.applicant_status`` feeds the overview page and ``GET /me/submission``:
    after an approval both say it is decided, not editable, and a change may be started."""
    from kuaiji.api.tests.test_applicant_api import bearer, sign_in

    from .test_review import decide

    submission, applicant = submitted()
    decide(reviewer_for("630000"), submission, "approve")
    page = applicant.get(reverse("collection:overview")).content.decode()
    assert "已通过" in page
    token = sign_in(Client(), applicant.applicant.document_number)
    body = Client().get("/api/v1/me/submission", **bearer(token)).json()
    assert body["status"] == "approved" and body["editable"] is False and body["can_change"] is True
    labels = [item["label"] for item in body["history"]]
    assert labels and all(label in page for label in labels)
    assert reverse("collection:start_change") in page

"""An applicant meets a closed collection window (采集时间, issue 13), in a real browser at a phone and a
desktop size; axe-core audits every step.

- the overview says when first collections open; the check page says it too;
- pressing 提交审核 keeps the draft and answers with the same date, beside the button's summary;
- once the window is open, the same draft is submitted.
"""

import re
from datetime import timedelta

from django.utils import timezone

from playwright.sync_api import Page, expect

from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import CollectionWindow, Submission
from kuaiji.collection.tests.factories import SubmissionFactory

from .test_account_journeys import sign_in
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)
from .test_review_journeys import accented_upload, submit_on_check_page


def test_an_applicant_meets_a_closed_window(page: Page, shot, reference_data):  # noqa: F811
    person = ApplicantFactory()
    submission = SubmissionFactory.create(complete=True, applicant=person, upload_for=accented_upload)
    window = CollectionWindow.objects.create(
        department=reference_data["630000"],
        kind=SubmissionKind.INITIAL,
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=60),
        note="详见通知公告。",
    )
    page.goto("/sign-in/")
    sign_in(page, person.document_number, PASSWORD)
    page.goto("/collection/")
    expect(page.locator(".notice-warning")).to_contain_text("信息采集暂未开放，将于")
    shot(page, "overview")

    page.goto("/collection/check/")
    expect(page.locator(".notice-warning")).to_contain_text("您填写的内容已保存")
    page.get_by_label(re.compile("我已阅读并同意《关于本人信息真实准确承诺函》")).check()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".error-summary")).to_contain_text("信息采集暂未开放")
    shot(page, "refused")
    assert Submission.objects.get(pk=submission.pk).status == Status.DRAFT

    window.opens_at = timezone.now() - timedelta(minutes=1)
    window.save()  # this process forgets its cached windows at once
    page.goto("/collection/check/")
    expect(page.locator(".notice-warning")).to_have_count(0)
    submit_on_check_page(page)
    assert Submission.objects.get(pk=submission.pk).status == Status.PENDING

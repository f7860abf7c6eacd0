"""The reviewer's queue on a phone and the decision form (issue 8, defects 12 and 17), at a phone and a
desktop size; axe-core audits every step.

Helper "read" implements both; until that branch is merged these journeys are expected to fail.

Requirements covered:
- no decision is pre-selected on the review page (no radio of the decision form checked);
- at 375 px each submission in the queue is a card (no table wider than the screen), at 1280 px the
  dense table stays.
"""

from playwright.sync_api import Page, expect

from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.collection.tests.factories import SubmissionFactory

from .test_review_journeys import FULL_NAME, accented_upload, reference_data, staff_for, staff_sign_in  # noqa: F401


def submitted_person(reference_data):  # noqa: F811
    person = ApplicantFactory(full_name=FULL_NAME)
    return SubmissionFactory.create(submitted=True, applicant=person, upload_for=accented_upload)


def test_the_queue_and_an_undecided_review_page(page: Page, shot, viewport, reference_data, staff_for):  # noqa: F811
    submission = submitted_person(reference_data)
    staff_sign_in(page, staff_for("630000"))

    page.goto("/review/")
    if viewport == "phone":
        cards = page.locator(".queue-card", has_text=FULL_NAME)
        expect(cards).to_have_count(1)
        # The table's rows are laid out as cards, nothing wider than the screen.
        card = cards.first.bounding_box()
        assert card is not None and card["width"] <= 375, card
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the queue overflows the phone"
    else:
        expect(page.locator("table.queue tbody tr", has_text=FULL_NAME)).to_have_count(1)
    shot(page, "queue")

    page.goto(f"/review/{submission.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(FULL_NAME)
    expect(page.locator("#decision input[type=radio]:checked")).to_have_count(0)
    shot(page, "review-undecided")

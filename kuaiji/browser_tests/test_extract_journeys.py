"""人员档案证明 in a real browser, at a phone and a desktop size; axe-core audits every recorded step.

The journey: a person whose record was approved signs in, opens 人员档案证明 from their page, issues an
extract and downloads it; the QR code in the PDF (read back from its image) holds the verification address
of exactly that extract, which says 有效 and shows what the extract printed; the person sees that
verification in the extract's 查验记录, revokes the extract, and the same address and its typed code now
say 已撤销.
"""

from playwright.sync_api import Page, expect

from kuaiji.accounts.tests.factories import PASSWORD, ApplicantFactory
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.validators import mask_document_number
from kuaiji.extracts.models import ArchiveExtract
from kuaiji.extracts.services import verification_url
from kuaiji.extracts.tests.helpers import qr_url_of

from .test_account_journeys import sign_in
from .test_collection_journeys import reference_data  # noqa: F401  (fixture)

DOCUMENT_NUMBER = "630104199003141781"  # the collection helpers' person: 西宁市城西区
FULL_NAME = "林晓芸"


def test_the_person_downloads_an_extract_and_its_qr_address_verifies_it(
    page: Page,
    shot,
    reference_data,  # noqa: F811
    live_server,
    settings,
):
    settings.KUAIJI_PUBLIC_URL = live_server.url
    person = ApplicantFactory.create(document_number=DOCUMENT_NUMBER, full_name=FULL_NAME)
    SubmissionFactory.create(approved=True, applicant=person)

    page.goto("/sign-in/")
    sign_in(page, DOCUMENT_NUMBER, PASSWORD)
    page.get_by_role("link", name="人员档案证明").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("人员档案证明")
    shot(page, "extracts-empty")

    page.get_by_role("button", name="开具人员档案证明").click()
    expect(page.locator(".notice-success")).to_contain_text("已开具人员档案证明")
    extract = ArchiveExtract.objects.get(record__person=person)
    listed = page.locator("section.extract")
    expect(listed).to_have_count(1)
    expect(listed.locator("h3")).to_contain_text(extract.display_code)
    expect(listed.locator(".status")).to_have_text("有效")
    shot(page, "extract-issued")

    with page.expect_download() as download:
        listed.get_by_role("link", name="下载 PDF").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF") and pdf == extract.pdf.open("rb").read()
    url = qr_url_of(pdf)
    assert url == verification_url(extract) == f"{live_server.url}/verify/{extract.uuid}/"

    # The QR code's address, opened as a phone that scanned it would.
    page.goto(url)
    verdict = page.locator(".extract-verdict")
    expect(verdict.locator(".extract-verdict-word")).to_have_text("有效")
    main = page.get_by_role("main")
    expect(main).to_contain_text(FULL_NAME)
    expect(main).to_contain_text(mask_document_number(DOCUMENT_NUMBER))
    expect(main).not_to_contain_text(DOCUMENT_NUMBER)
    shot(page, "verified-valid")

    # The holder sees the verification, then revokes the extract.
    page.goto("/account/extracts/")
    expect(listed.locator(".verifications li")).to_have_count(1)
    expect(listed.locator(".verifications")).to_contain_text("扫码查验")
    listed.get_by_role("link", name="撤销").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("撤销人员档案证明")
    page.get_by_label("撤销原因（选填）").fill("证明已不再需要")
    shot(page, "revoke-confirm")
    page.get_by_role("button", name="确认撤销").click()
    expect(page.locator(".notice-success")).to_contain_text("已撤销")
    expect(listed.locator(".status")).to_have_text("已撤销")
    expect(listed.get_by_role("link", name="撤销")).to_have_count(0)
    shot(page, "revoked")

    page.goto(url)
    expect(page.locator(".extract-verdict-word")).to_have_text("已撤销")
    shot(page, "verified-revoked")

    # The typed code, from the public page (lower case, no dashes).
    page.goto("/verify/")
    page.get_by_label("查验码").fill("12345")
    page.get_by_role("button", name="查验").click()
    expect(page.locator("#id_code_error")).to_contain_text("查验码应为 10 位字母或数字")
    shot(page, "verify-bad-code")
    page.get_by_label("查验码").fill(extract.code.lower())
    page.get_by_role("button", name="查验").click()
    expect(page.locator(".extract-verdict-word")).to_have_text("已撤销")

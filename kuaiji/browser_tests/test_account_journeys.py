"""Account journeys in a real browser, at a phone and a desktop size, with a screenshot of every step.

Run alone with ``pytest kuaiji/browser_tests -p no:xdist`` (or ``-m browser``); screenshots land in
test-artifacts/screenshots/.
"""

import random
import re

import pytest
from playwright.sync_api import Page, expect

from kuaiji.accounts.sms import OutboxBackend
from kuaiji.accounts.tests.factories import (
    PASSWORD,
    ApplicantFactory,
    LegacyHolderFactory,
    StaffFactory,
    current_token,
)
from kuaiji.accounts.tests.helpers import jpeg_bytes, last_code_for
from kuaiji.core.fakes import fake_mobile, fake_resident_id
from kuaiji.core.validators import mask_document_number

MINORITY_NAME = "热依拉·阿不都热合曼"
NEW_PASSWORD = "Xining2026qh"


@pytest.fixture
def person():
    rng = random.Random(20260315)
    return {"document_number": fake_resident_id(rng=rng), "mobile": fake_mobile(rng=rng)}


@pytest.fixture
def id_photo(tmp_path):
    path = tmp_path / "id-front.jpg"
    path.write_bytes(jpeg_bytes(width=856, height=540, color=(214, 196, 170)))
    return path


def field(page: Page, label: str):
    """The input whose label reads ``label`` (the required-field star is not part of the name)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\*?$"))


def send_code(page: Page, mobile: str, *, countdown: bool = True) -> str:
    """Answer the picture captcha, ask for the SMS code and read it from the outbox."""
    field(page, "图片验证码").fill("PASSED")
    page.get_by_role("button", name="获取短信验证码").click()
    expect(page.locator(".notice-success")).to_contain_text("短信验证码")
    if countdown:
        # The page came back: the button counts down until another code may be asked for.
        button = page.locator("button[data-wait-seconds]")
        expect(button).to_be_disabled()
        expect(button).to_contain_text("秒后可重新获取")
    return last_code_for(mobile)


def sign_out(page: Page):
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.locator(".notice")).to_contain_text("您已安全退出")


def sign_in(page: Page, login: str, password: str):
    field(page, "证件号码或手机号码").fill(login)
    field(page, "密码").fill(password)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/$"))


def test_registration_sign_in_sign_out(page: Page, shot, person, id_photo):
    number, mobile = person["document_number"], person["mobile"]
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("会计人员登录")
    shot(page, "sign-in")

    page.get_by_role("link", name="新用户注册", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新用户注册")
    shot(page, "register-empty")

    field(page, "证件类型").select_option(label="居民身份证")
    field(page, "证件号码").fill(number)
    field(page, "姓名").fill(MINORITY_NAME)
    field(page, "手机号码").fill(mobile)
    # 看不清，换一张 fetches another picture without reloading the page.
    captcha_image = page.locator(".captcha-row img")
    first_image = captcha_image.get_attribute("src")
    page.get_by_role("button", name="看不清，换一张").click()
    expect(captcha_image).not_to_have_attribute("src", first_image)
    expect(field(page, "姓名")).to_have_value(MINORITY_NAME)
    code = send_code(page, mobile)
    # Everything typed came back with the page.
    expect(field(page, "证件号码")).to_have_value(number)
    expect(field(page, "姓名")).to_have_value(MINORITY_NAME)
    expect(field(page, "手机号码")).to_have_value(mobile)
    shot(page, "code-sent")

    field(page, "短信验证码").fill(code)
    field(page, "密码").fill(NEW_PASSWORD)
    field(page, "确认密码").fill(NEW_PASSWORD)
    field(page, "身份证件人像面照片").set_input_files(id_photo)
    preview = page.locator(".upload-preview")
    expect(preview).to_be_visible()
    assert preview.evaluate("image => image.complete && image.naturalWidth") == 856
    submit = page.get_by_role("button", name="注册", exact=True)
    expect(submit).to_be_disabled()
    expect(page.get_by_text("请先勾选上方的同意协议")).to_be_visible()
    shot(page, "filled-agreement-not-ticked")
    page.get_by_label(re.compile("我已阅读并同意")).check()
    expect(submit).to_be_enabled()
    expect(page.get_by_text("请先勾选上方的同意协议")).to_be_hidden()
    shot(page, "filled")
    submit.click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".notice-success")).to_contain_text("注册成功")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{MINORITY_NAME}")
    summary = page.locator(".summary-list")
    expect(summary).to_contain_text(MINORITY_NAME)
    expect(summary).to_contain_text(mask_document_number(number))
    expect(summary).not_to_contain_text(number)
    shot(page, "home")

    sign_out(page)
    shot(page, "signed-out")
    sign_in(page, number, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{MINORITY_NAME}")
    shot(page, "signed-in-again")
    sign_out(page)


def test_bad_input_keeps_what_was_typed(page: Page, shot, person, id_photo):
    number = person["document_number"]
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    page.goto("/register/")
    field(page, "证件号码").fill(wrong)
    field(page, "姓名").fill(MINORITY_NAME)
    field(page, "手机号码").fill(person["mobile"])
    field(page, "密码").fill(NEW_PASSWORD)
    field(page, "确认密码").fill(NEW_PASSWORD)
    page.get_by_label(re.compile("我已阅读并同意")).check()
    page.get_by_role("button", name="注册", exact=True).click()

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("请修改以下问题")
    link = summary.get_by_role("link", name="身份证号码最后一位校验不正确，请核对")
    expect(link).to_have_attribute("href", "#id_document_number")
    # The summary takes the focus, so a screen reader reads it out.
    expect(summary).to_be_focused()
    group = page.locator("#id_document_number-group")
    expect(group.locator(".error-message")).to_have_text("身份证号码最后一位校验不正确，请核对")
    expect(field(page, "证件号码")).to_have_attribute("aria-invalid", "true")
    described_by = field(page, "证件号码").get_attribute("aria-describedby") or ""
    assert "id_document_number_error" in described_by.split()
    # What was typed is still there (passwords aside, as browsers expect).
    expect(field(page, "证件号码")).to_have_value(wrong)
    expect(field(page, "姓名")).to_have_value(MINORITY_NAME)
    expect(field(page, "手机号码")).to_have_value(person["mobile"])
    shot(page, "errors")

    link.click()
    expect(field(page, "证件号码")).to_be_focused()
    # The field's label is in view, not scrolled off above the input.
    expect(page.locator("label[for=id_document_number]")).to_be_in_viewport()
    shot(page, "error-link-followed")


def test_forgotten_password(page: Page, shot):
    user = ApplicantFactory()
    page.goto("/sign-in/")
    page.get_by_role("main").get_by_role("link", name="忘记密码").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("忘记密码")
    shot(page, "reset-empty")

    field(page, "证件号码").fill(user.document_number)
    field(page, "姓名").fill(user.full_name)
    # The countdown shows whether or not the account exists, so it reveals nothing.
    code = send_code(page, user.mobile)
    expect(page.locator(".notice-success")).to_contain_text("绑定的手机号码")
    expect(page.locator("main")).not_to_contain_text(user.mobile)
    shot(page, "code-sent")

    field(page, "短信验证码").fill(code)
    field(page, "新密码").fill(NEW_PASSWORD)
    field(page, "确认新密码").fill(NEW_PASSWORD)
    shot(page, "filled")
    page.get_by_role("button", name="重设密码").click()

    expect(page).to_have_url(re.compile(r"/sign-in/$"))
    expect(page.locator(".notice-success")).to_contain_text("密码已重设")
    shot(page, "reset-done")
    field(page, "证件号码或手机号码").fill(user.document_number)
    field(page, "密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("证件号码（手机号码）或密码不正确")
    shot(page, "old-password-refused")
    sign_in(page, user.mobile, NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{user.full_name}")
    shot(page, "signed-in")
    sign_out(page)


def test_legacy_activation(page: Page, shot):
    holder = LegacyHolderFactory.create()
    mobile = fake_mobile(rng=random.Random(7))
    page.goto("/sign-in/")
    page.get_by_role("link", name="原持有会计从业资格证书人员：设置密码").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("原有用户设置密码")
    shot(page, "activate-empty")

    field(page, "姓名").fill(holder.full_name)
    field(page, "证件类型").select_option(label="居民身份证")
    field(page, "证件号码").fill(holder.document_number)
    field(page, "手机号码").fill(mobile)
    code = send_code(page, mobile)
    shot(page, "code-sent")

    field(page, "短信验证码").fill(code)
    field(page, "密码").fill(NEW_PASSWORD)
    field(page, "确认密码").fill(NEW_PASSWORD)
    shot(page, "filled")
    page.get_by_role("button", name="设置密码并启用账号").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".notice-success")).to_contain_text("您的账号已启用")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"您好，{holder.full_name}")
    expect(page.locator(".summary-list")).to_contain_text("原会计从业资格证书")
    shot(page, "home")
    sign_out(page)
    sign_in(page, holder.document_number, NEW_PASSWORD)
    shot(page, "signed-in-again")


def test_account_appeal(page: Page, shot, tmp_path):
    taken = ApplicantFactory()
    new_mobile = fake_mobile(rng=random.Random(11))
    photos = {}
    for name, color in {
        "front": (214, 196, 170),
        "back": (170, 190, 214),
        "in-hand": (200, 170, 160),
    }.items():
        photos[name] = tmp_path / f"{name}.jpg"
        photos[name].write_bytes(jpeg_bytes(width=640, height=480, color=color))
    page.goto("/sign-in/")
    page.get_by_role("link", name=re.compile("账号申诉")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("账号申诉")
    shot(page, "appeal-empty")

    page.get_by_label("证件号码已被他人注册").check()
    field(page, "姓名").fill(taken.full_name)
    field(page, "证件号码").fill(taken.document_number)
    field(page, "新手机号码").fill(new_mobile)
    field(page, "证件人像面照片").set_input_files(photos["front"])
    code = send_code(page, new_mobile)
    # The photo chosen before the code was asked for is kept on the server.
    expect(page.locator(".uploaded")).to_have_count(1)
    expect(page.get_by_label("证件号码已被他人注册")).to_be_checked()
    shot(page, "code-sent")

    field(page, "短信验证码").fill(code)
    field(page, "证件国徽面照片").set_input_files(photos["back"])
    field(page, "手持证件照片").set_input_files(photos["in-hand"])
    expect(page.locator(".upload-preview")).to_have_count(2)
    field(page, "情况说明").fill("本人从未在该平台注册，证件号码被他人占用。")
    shot(page, "filled")
    page.get_by_role("button", name="提交申诉").click()

    expect(page).to_have_url(re.compile(r"/appeals/[0-9a-f-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("申诉已提交")
    expect(page.locator(".summary-list")).to_contain_text(mask_document_number(taken.document_number))
    expect(page.locator("main")).not_to_contain_text(taken.document_number)
    shot(page, "appeal-filed")


def test_account_page_and_staff_pages(page: Page, shot):
    user = ApplicantFactory()
    page.goto("/account/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/account/$"))
    sign_in_fields = page.get_by_role("main")
    field(page, "证件号码或手机号码").fill(user.document_number)
    field(page, "密码").fill(PASSWORD)
    sign_in_fields.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("账号管理")
    shot(page, "account")

    field(page, "当前密码").fill(PASSWORD)
    field(page, "新密码").fill(NEW_PASSWORD)
    field(page, "确认新密码").fill(NEW_PASSWORD + "x")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("alert")).to_contain_text("两次输入的密码不一致")
    shot(page, "account-errors")
    field(page, "当前密码").fill(PASSWORD)
    field(page, "新密码").fill(NEW_PASSWORD)
    field(page, "确认新密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".notice-success")).to_contain_text("密码已修改")
    shot(page, "account-password-changed")
    sign_out(page)

    staff = StaffFactory.create()
    OutboxBackend().send(
        mobile=user.mobile, text="【会计人员信息管理平台】验证码 123456，您正在找回密码，5 分钟内有效。"
    )
    page.get_by_role("link", name="工作人员登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作人员登录")
    shot(page, "staff-sign-in")
    field(page, "用户名").fill(staff.username)
    field(page, "密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("输入动态验证码")
    shot(page, "staff-verify")
    field(page, "动态验证码").fill(current_token(staff))
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.locator(".lead")).to_contain_text("工作人员身份")
    shot(page, "staff-home")
    # Codes are on no staff page; the outbox is a page of the demo and test modes, for anyone there.
    expect(page.get_by_role("link", name="短信发件箱")).to_have_count(0)
    sign_out(page)
    page.goto("/sms-outbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("短信发件箱")
    expect(page.locator("table.data")).to_contain_text("验证码 123456")
    shot(page, "sms-outbox")

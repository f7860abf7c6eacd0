"""The four sections of the wizard (个人信息, 工作单位, 学历, 专业技术资格), the 1-inch photo and the new
mobile's verification on 个人信息, and the department suggested for a region."""

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render

from kuaiji.accounts.forms import SendCodeForm
from kuaiji.core.http import client_ip, posted_version
from kuaiji.regions.selectors import department_covering

from .. import services
from ..constants import EDITABLE_STATUSES
from ..sections import SECTION_FORMS
from ..selectors import initial_section_data, known_employer_fill, suggested_department
from .access import applicant_required, editable_submission, next_step_url, progress, warn_conflict

# Actions of the 个人信息 page that are not saving the section.
PERSONAL_ACTIONS = {"send_code", "verify_mobile", "refresh_captcha", "upload_portrait"}


def _form_data(request) -> dict:
    skip = {"csrfmiddlewaretoken", "action", "version", "captcha_0", "captcha_1", "sms_code"}
    return {key: value for key, value in request.POST.items() if key not in skip}


@applicant_required
def section(request, section):
    if section not in SECTION_FORMS:
        raise Http404
    submission = editable_submission(request)
    editable = submission.status in EDITABLE_STATUSES
    code_form = SendCodeForm() if section == "personal" else None
    status = 200
    if request.method == "POST" and editable:
        data = _form_data(request)
        action = request.POST.get("action", "save")
        version = posted_version(request)
        if section == "employer":
            filled = known_employer_fill(data)
            if filled is not None:
                data = filled
                messages.info(
                    request, "已根据统一社会信用代码填入该单位在平台登记过的名称、性质、地区和地址，请核对。"
                )
        if section == "personal" and request.FILES.get("portrait"):
            _accept_portrait(request, submission)
        if section == "personal" and action in PERSONAL_ACTIONS:
            if action != "upload_portrait":
                code_form = _mobile_step(request, submission, action=action)
            elif not request.FILES.get("portrait"):
                messages.error(request, "请先选择一张照片")
            # Keep what was typed on the page while the phone is verified.
            with contextlib.suppress(services.DraftConflict):
                services.save_section(
                    submission, section=section, data=data, expected_version=submission.version
                )
            # Shown again unbound-looking: no errors yet for a section the person is still typing.
            built = services.build_section(submission, section, data)
            built.form._errors = ErrorDict()  # type: ignore[attr-defined]  # Django's private error cache
            if built.formset is not None:
                built.formset._errors = []  # type: ignore[attr-defined]  # the formset's private error cache
        else:
            try:
                services.save_section(submission, section=section, data=data, expected_version=version)
            except services.DraftConflict:
                warn_conflict(request)
                submission.refresh_from_db()
                built = services.build_section(submission, section, data)
                status = 409
            else:
                if action == "save_and_exit":
                    # Saved as typed, complete or not: the task list says which.
                    messages.success(request, f"“{SECTION_FORMS[section].title}”已保存。")
                    return redirect("collection:tasks")
                built = services.build_section(submission, section, None)
                if built.complete:
                    return redirect(next_step_url(section))
                status = 400
    elif submission.answers.get(section):
        # Coming back to a section: show what is stored, with its problems (the task list said 进行中).
        built = services.build_section(submission, section, None)
    else:
        built = services.build_section(
            submission, section, initial_section_data(submission, section), bound=False
        )
    context = {
        "submission": submission,
        "section_key": section,
        "title": SECTION_FORMS[section].title,
        "form": built.form,
        "formset": built.formset,
        "formset_title": {"employer": "以往工作经历（可选）", "education": "非全日制学历（可选）"}.get(
            section, ""
        ),
        "code_form": code_form,
        "editable": editable,
        "error_summary": _summary(built),
        **progress(submission, section),
    }
    if section == "personal":
        context["portrait"] = services.portrait_of(submission)
    if section == "employer":
        context["suggestion"] = suggested_department(
            submission, built.form.data if built.form.is_bound else None
        )
    return render(request, f"collection/section_{section}.html", context, status=status)


def _summary(built) -> list[tuple[str, str]]:
    """The messages of the form and its formset, for the list at the top of the page."""
    if not built.form.is_bound:
        return []
    items = built.form.error_summary()
    if built.formset is not None and built.formset.is_bound:
        for form in built.formset.forms:
            for name, errors in form.errors.items():
                items.extend((form[name].auto_id, str(message)) for message in errors)
        items.extend(("", str(message)) for message in built.formset.non_form_errors())
    return items


def _mobile_step(request, submission, *, action: str) -> SendCodeForm:
    """Asking for a code to a new mobile, and verifying it, on the 个人信息 page."""
    code_form = SendCodeForm()
    if action == "send_code":
        bound = SendCodeForm(request.POST)
        if bound.is_valid():
            try:
                services.send_new_mobile_code(
                    mobile=bound.cleaned_data["mobile"], client_ip=client_ip(request)
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(
                    request, "短信验证码已发送至新手机号码，请查收后填写并点击“验证新手机号码”。"
                )
        else:
            code_form._errors = ErrorDict(
                {k: v for k, v in bound.errors.items() if k == "captcha"}, renderer=code_form.renderer
            )
            for key, errors in bound.errors.items():
                if key != "captcha":
                    messages.error(request, str(errors[0]))
    elif action == "verify_mobile":
        try:
            services.verify_new_mobile(
                submission,
                mobile=request.POST.get("mobile", ""),
                code=request.POST.get("sms_code", ""),
                expected_version=submission.version,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except services.DraftConflict:
            warn_conflict(request)
        else:
            messages.success(request, "新手机号码已验证。")
    return code_form


def _accept_portrait(request, submission) -> None:
    """Normalise an uploaded photo into the 1-inch photo and show the result for confirmation."""
    from kuaiji.core.portraits import normalise_portrait

    upload = request.FILES["portrait"]
    try:
        normalised = normalise_portrait(upload)
        services.set_portrait(submission, portrait=normalised, original_name=upload.name)
    except ValidationError as error:
        messages.error(request, f"照片未能使用：{error.messages[0]}")
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"照片已自动裁剪为 {normalised.width}×{normalised.height} 像素、{max(1, round(normalised.size / 1024))} KB 的一寸照片，"
            "请确认下方效果；不满意可重新上传。",
        )


@applicant_required
def department_suggestion(request):
    department = department_covering(request.GET.get("division", ""))
    if department is None:
        return JsonResponse({"department": None})
    return JsonResponse(
        {"department": {"id": department.pk, "name": department.name, "phones": department.phones}}
    )

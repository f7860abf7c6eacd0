"""The information-collection wizard (信息登记). Thin views over ``services``: every page works without
JavaScript, keeps what was typed, and saves the draft on every step."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kuaiji.accounts.constants import SmsPurpose
from kuaiji.accounts.forms import SendCodeForm
from kuaiji.accounts.verification import check_sms_code, consume_sms_code, request_sms_code
from kuaiji.core.http import client_ip, posted_version, safe_next
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number, mask_mobile
from kuaiji.regions.selectors import department_covering

from . import form_status, plausibility, services, upload_feedback
from .attachments import required_attachments
from .constants import EDITABLE_STATUSES, SectionState, Status, SubmissionKind
from .models import Attachment
from .pdf import download_basic_info_form
from .plausibility import plausibility_warnings
from .sections import SECTION_FORMS
from .selectors import applicant_status

STEPS = [(key, title) for key, title in services.SECTION_TITLES.items()] + [("check", "核对并提交")]


def applicant_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_applicant:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _draft_or_redirect(request):
    submission = services.open_submission(request.user)
    if submission is None:
        return None
    return submission


def _next_step(section: str) -> str:
    keys = [key for key, _ in STEPS]
    following = keys[keys.index(section) + 1]
    return _step_url(following)


def _step_url(key: str) -> str:
    if key in SECTION_FORMS:
        return reverse("collection:section", args=[key])
    return reverse(f"collection:{key}")


def _progress(submission, current: str) -> dict:
    states = services.section_states(submission, flagged=_flagged(submission))
    keys = [key for key, _ in STEPS]
    return {
        "steps": [
            {
                "key": key,
                "title": title,
                "url": _step_url(key),
                "state": states.get(key, ""),
                "current": key == current,
            }
            for key, title in STEPS
        ],
        "position": keys.index(current) + 1,
        "total": len(keys),
    }


def _flagged(submission) -> set[str]:
    return services.flagged_sections(submission)


# --- overview and task list ----------------------------------------------------------------------------------


@applicant_required
def overview(request):
    """The applicant's home: status, department, due date, history and reasons; or a start button."""
    user = request.user
    status = applicant_status(user)  # the same read as GET /api/v1/me/submission
    context = {
        "submission": status.submission if status else None,
        "masked_document_number": mask_document_number(user.document_number or ""),
        "masked_mobile": mask_mobile(user.mobile) if user.mobile else "",
    }
    context["notifications"] = list(user.notifications.all()[:5])
    if status is not None:
        context["history"] = [(entry.at, entry.label) for entry in status.history]
        context["editable"] = status.editable
        context["can_change"] = status.can_change
    return render(request, "collection/overview.html", context)


@applicant_required
@require_POST
def start(request):
    try:
        services.start_collection(request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("collection:overview")
    return redirect("collection:tasks")


@applicant_required
@require_POST
def start_change(request):
    kind = (
        SubmissionKind.TRANSFER
        if request.POST.get("kind") == SubmissionKind.TRANSFER
        else SubmissionKind.CHANGE
    )
    try:
        services.start_change(request.user, kind=kind)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("collection:overview")
    if kind == SubmissionKind.TRANSFER:
        messages.success(
            request,
            "已创建调转草稿：请在“工作单位与会计管理部门”中填写新的工作单位并选择调入的会计管理部门。",
        )
        return redirect("collection:section", section="employer")
    messages.success(request, "已根据您审核通过的信息创建变更草稿，请修改需要变更的部分后提交。")
    return redirect("collection:tasks")


@applicant_required
def tasks(request):
    submission = services.open_submission(request.user)
    if submission is None:
        return redirect("collection:overview")
    states = services.section_states(submission, flagged=_flagged(submission))
    sections = [
        {
            "key": key,
            "title": title,
            "url": _step_url(key),
            "state": states[key],
            "label": SectionState(states[key]).label,
        }
        for key, title in services.SECTION_TITLES.items()
    ]
    signed_form_out_of_date = form_status.signed_form_out_of_date(submission)
    for item in sections:
        if item["key"] == form_status.SIGNED_FORM_SLOT and signed_form_out_of_date:
            item["state"] = SectionState.NEEDS_CHANGES
            item["label"] = SectionState.NEEDS_CHANGES.label
    done = sum(1 for item in sections if item["state"] == SectionState.COMPLETED)
    return render(
        request,
        "collection/tasks.html",
        {
            "submission": submission,
            "sections": sections,
            "done": done,
            "total": len(sections),
            "signed_form_out_of_date": signed_form_out_of_date,
            "out_of_date_message": form_status.out_of_date_message(submission),
            "editable": submission.status in EDITABLE_STATUSES,
        },
    )


# --- steps -----------------------------------------------------------------------------------------------------


def _editable_submission(request):
    submission = services.open_submission(request.user)
    if submission is None:
        raise Http404
    return submission


def _conflict(request):
    messages.error(
        request,
        "这份草稿刚刚在其他窗口或设备上保存过。为避免互相覆盖，本次内容没有保存；请核对下方内容后再次保存。",
    )


@applicant_required
def notice(request):
    submission = _editable_submission(request)
    current = services.current_notice()
    error = ""
    if request.method == "POST" and submission.status in EDITABLE_STATUSES:
        if not request.POST.get("read"):
            error = "请阅读须知后勾选“我已阅读并知晓”"
        elif current is None:
            error = "须知尚未发布，请稍后再试"
        else:
            try:
                services.accept_notice(submission, notice=current, expected_version=posted_version(request))
            except services.DraftConflict:
                _conflict(request)
                submission.refresh_from_db()
            else:
                return redirect(_next_step("notice"))
    return render(
        request,
        "collection/notice.html",
        {"submission": submission, "notice": current, "error": error, **_progress(submission, "notice")},
        status=400 if error else 200,
    )


def _form_data(request) -> dict:
    skip = {"csrfmiddlewaretoken", "action", "version", "captcha_0", "captcha_1", "sms_code"}
    return {key: value for key, value in request.POST.items() if key not in skip}


@applicant_required
def section(request, section):
    if section not in SECTION_FORMS:
        raise Http404
    submission = _editable_submission(request)
    editable = submission.status in EDITABLE_STATUSES
    code_form = SendCodeForm() if section == "personal" else None
    status = 200
    if request.method == "POST" and editable:
        data = _form_data(request)
        action = request.POST.get("action", "save")
        version = posted_version(request)
        if section == "employer":
            data = _with_known_employer(request, data)
        if section == "personal" and request.FILES.get("portrait"):
            _accept_portrait(request, submission)
        if section == "personal" and action in {
            "send_code",
            "verify_mobile",
            "refresh_captcha",
            "upload_portrait",
        }:
            if action != "upload_portrait":
                code_form = _mobile_step(request, submission, action=action, version=version)
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
                _conflict(request)
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
                    return redirect(_next_step(section))
                status = 400
    else:
        stored = submission.answers.get(section)
        built = (
            services.build_section(submission, section, None)
            if stored
            else services.build_section(submission, section, _initial_data(submission, section), bound=False)
        )
        if stored and request.GET.get("errors") != "1":
            # Coming back to a section: show what is stored, with its problems (the task list said 进行中).
            pass
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
        **_progress(submission, section),
    }
    if section == "personal":
        context["portrait"] = services.portrait_of(submission)
    if section == "employer":
        context["suggestion"] = _suggestion_for(submission, built)
    return render(request, f"collection/section_{section}.html", context, status=status)


def _with_known_employer(request, data: dict) -> dict:
    """Fill the unit's name, nature, region and address from approved records when only its unified
    social credit code was typed (the person checks them before continuing)."""
    from kuaiji.core.validators import clean_credit_code
    from kuaiji.regions.selectors import division_path

    from .selectors import known_employer

    if data.get("has_employer") != "yes" or data.get("employer_name"):
        return data
    try:
        code = clean_credit_code(data.get("credit_code", ""))
    except ValidationError:
        return data
    known = known_employer(code)
    if known is None:
        return data
    filled = dict(data)
    filled["employer_name"] = known["employer_name"]
    filled["employer_nature"] = known["employer_nature"]
    filled["employer_address"] = known["employer_address"]
    for index, division in enumerate(division_path(known["employer_division"])):
        filled[f"employer_division_{index}"] = division.code
    messages.info(request, "已根据统一社会信用代码填入该单位在平台登记过的名称、性质、地区和地址，请核对。")
    return filled


def _summary(built) -> list[tuple[str, str]]:
    if not built.form.is_bound:
        return []
    items = built.form.error_summary()
    if built.formset is not None and built.formset.is_bound:
        for form in built.formset.forms:
            for name, errors in form.errors.items():
                items.extend((form[name].auto_id, str(message)) for message in errors)
        items.extend(("", str(message)) for message in built.formset.non_form_errors())
    return items


def _initial_data(submission, section) -> dict:
    """What a section starts with the first time: the account's name and phone for 个人信息."""
    if section == "personal":
        user = submission.applicant
        return {"full_name": user.full_name, "mobile": user.mobile}
    if section == "employer":
        # Without JavaScript too, the department covering the residence is preselected.
        personal = submission.answers.get("personal", {})
        code = personal.get("residence_division_2") or personal.get("residence_division_1", "")
        department = department_covering(code) if code else None
        return {"management_department": department.pk} if department else {}
    return {}


def _mobile_step(request, submission, *, action: str, version: int):
    """Asking for a code to a new mobile, and verifying it, on the 个人信息 page."""
    code_form = SendCodeForm()
    if action == "send_code":
        bound = SendCodeForm(request.POST)
        if bound.is_valid():
            try:
                request_sms_code(
                    mobile=bound.cleaned_data["mobile"],
                    purpose=SmsPurpose.CHANGE_MOBILE,
                    client_ip=client_ip(request),
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
        from kuaiji.core.validators import clean_mobile

        try:
            mobile = clean_mobile(request.POST.get("mobile", ""))
            sms_code = check_sms_code(
                mobile=mobile, purpose=SmsPurpose.CHANGE_MOBILE, code=request.POST.get("sms_code", "")
            )
            consume_sms_code(sms_code)
            services.record_verified_mobile(submission, mobile=mobile, expected_version=submission.version)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        except services.DraftConflict:
            _conflict(request)
        else:
            messages.success(request, "新手机号码已验证。")
    return code_form


def _suggestion_for(submission, built):
    """The department covering the unit's (or, without one, the residence) county, with its phone."""
    data = built.form.data if built.form.is_bound else submission.answers.get("employer", {})
    has_employer = data.get("has_employer") == "yes"
    if has_employer:
        code = next(
            (data.get(f"employer_division_{i}") for i in (2, 1, 0) if data.get(f"employer_division_{i}")), ""
        )
    else:
        code = submission.answers.get("personal", {}).get("residence_division_2") or submission.answers.get(
            "personal", {}
        ).get("residence_division_1", "")
    return department_covering(code) if code else None


@applicant_required
def department_suggestion(request):
    department = department_covering(request.GET.get("division", ""))
    if department is None:
        return JsonResponse({"department": None})
    return JsonResponse(
        {"department": {"id": department.pk, "name": department.name, "phones": department.phones}}
    )


# --- portrait and attachments -------------------------------------------------------------------------------


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
def attachments(request):
    submission = _editable_submission(request)
    answers = services.validated_answers(submission)
    requirements = required_attachments(answers)
    files: dict[str, list[Attachment]] = {}
    for attachment in submission.attachments.exclude(slot=services.PORTRAIT_SLOT):
        files.setdefault(attachment.slot, []).append(attachment)
    refusals = upload_feedback.take_refusals(request)
    slots = [
        {"requirement": req, "files": files.get(req.slot, []), "errors": refusals.get(req.slot, [])}
        for req in requirements
    ]
    missing = [req.label for req in requirements if not files.get(req.slot)]
    return render(
        request,
        "collection/attachments.html",
        {
            "submission": submission,
            "slots": slots,
            "missing": missing,
            "sections_incomplete": [services.SECTION_TITLES[s] for s in SECTION_FORMS if s not in answers],
            "editable": submission.status in EDITABLE_STATUSES,
            **_progress(submission, "attachments"),
        },
    )


@applicant_required
@require_POST
def upload_attachment(request, slot):
    submission = _editable_submission(request)
    uploads = request.FILES.getlist("files")
    errors: list[str] = []
    if not uploads:
        errors.append("请选择要上传的图片")
    for upload in uploads:
        try:
            services.add_attachment(submission, slot=slot, upload=upload)
        except ValidationError as error:
            errors.append(f"{upload.name}：{error.messages[0]}")
        except services.NotEditable as error:
            errors.append(str(error))
            break
    target = f"{safe_next(request, reverse('collection:attachments'))}#slot-{slot}"
    if upload_feedback.is_background_request(request):
        if errors:
            return JsonResponse({"slot": slot, "errors": errors}, status=400)
        return JsonResponse({"next": target})
    if errors:
        upload_feedback.remember_refusals(request, slot=slot, errors=errors)
    return redirect(target)


def _own_attachment(request, attachment_uuid) -> Attachment:
    return get_object_or_404(Attachment, uuid=attachment_uuid, owner=request.user)


@applicant_required
@require_POST
def delete_attachment(request, attachment_uuid):
    attachment = _own_attachment(request, attachment_uuid)
    submission = _editable_submission(request)
    if attachment.submission_id != submission.pk:
        raise Http404
    try:
        services.remove_attachment(submission, attachment=attachment)
    except services.NotEditable as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已删除。")
    return redirect(safe_next(request, reverse("collection:attachments")))


@applicant_required
def attachment_file(request, attachment_uuid):
    attachment = _own_attachment(request, attachment_uuid)
    return private_file_response(
        attachment.file, download_name=f"{attachment.slot}{attachment.file.name[-4:]}", inline=True
    )


# --- the personal basic information form ---------------------------------------------------------------------


@applicant_required
def basic_info_form(request):
    submission = _editable_submission(request)
    answers = services.validated_answers(submission)
    ready = (
        all(section in answers for section in SECTION_FORMS) and services.portrait_of(submission) is not None
    )
    signed = list(submission.attachments.filter(slot="basic_info_form"))
    return render(
        request,
        "collection/basic_info_form.html",
        {
            "submission": submission,
            "ready": ready,
            "signed": signed,
            "signed_form_out_of_date": form_status.signed_form_out_of_date(submission),
            "out_of_date_message": form_status.out_of_date_message(submission),
            "upload_errors": upload_feedback.take_refusals(request).get("basic_info_form", []),
            "has_employer": answers.get("employer", {}).get("has_employer"),
            "incomplete": [services.SECTION_TITLES[s] for s in SECTION_FORMS if s not in answers],
            "editable": submission.status in EDITABLE_STATUSES,
            **_progress(submission, "basic_info_form"),
        },
    )


@applicant_required
def basic_info_pdf_view(request):
    submission = services.open_submission(request.user) or services.latest_submission(request.user)
    if submission is None:
        raise Http404
    content = download_basic_info_form(submission)
    if content is None:
        messages.error(request, "请先完成个人信息、工作单位、学历和专业技术资格，并上传一寸照片。")
        return redirect("collection:basic_info_form")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="basic-info-form.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- check and submit ------------------------------------------------------------------------------------------


@applicant_required
def check(request):
    submission = _editable_submission(request)
    answers = services.validated_answers(submission)
    error = ""
    signed_form_out_of_date = form_status.signed_form_out_of_date(submission)
    warnings = plausibility_warnings(answers)
    if request.method == "POST":
        try:
            services.submit(
                submission,
                expected_version=posted_version(request),
                commitment_accepted=bool(request.POST.get("commitment")),
                plausibility_confirmed=bool(request.POST.get("plausibility_confirmed")),
            )
        except ValidationError as exc:
            error = exc.messages[0]
        except services.DraftConflict:
            _conflict(request)
        except services.NotEditable as exc:
            error = str(exc)
        else:
            return redirect("collection:submitted")
        submission.refresh_from_db()
    summary = [
        {
            "key": key,
            "title": form.title,
            "url": _step_url(key),
            "rows": form.rows(answers[key]) if key in answers else None,
        }
        for key, form in SECTION_FORMS.items()
    ]
    order = {req.slot: index for index, req in enumerate(required_attachments(answers))}
    files = sorted(
        submission.attachments.exclude(slot=services.PORTRAIT_SLOT),
        key=lambda attachment: (order.get(attachment.slot, len(order)), attachment.created_at),
    )
    labels = {req.slot: req.label for req in required_attachments(answers)}
    attachment_rows = [(labels.get(a.slot, a.slot), a) for a in files]
    return render(
        request,
        "collection/check.html",
        {
            "submission": submission,
            "summary": summary,
            "attachment_rows": attachment_rows,
            "error": error,
            "signed_form_out_of_date": signed_form_out_of_date,
            "warnings": warnings,
            "confirmation_label": plausibility.CONFIRMATION_LABEL,
            "out_of_date_message": form_status.out_of_date_message(submission),
            "portrait": services.portrait_of(submission),
            "editable": submission.status in EDITABLE_STATUSES,
            **_progress(submission, "check"),
        },
        status=400 if error else 200,
    )


@applicant_required
def submitted(request):
    submission = services.latest_submission(request.user)
    if submission is None or submission.status != Status.PENDING:
        return redirect("collection:overview")
    return render(request, "collection/submitted.html", {"submission": submission})

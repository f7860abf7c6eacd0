"""通知公告: the public list and page (with its attachments), the department administrators' pages to
publish them, and the page where the province edits the wizard's notice (阅读须知)."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import staff_required
from kuaiji.collection import services as collection_services
from kuaiji.collection.models import Notice
from kuaiji.core.storage import private_file_response

from . import selectors, services
from .forms import AnnouncementForm, ReadingNoticeForm
from .permissions import may_edit_reading_notice
from .sanitising import editable_notice_text

PUBLIC_PAGE_SIZE = 30
ADMIN = StaffRole.DEPARTMENT_ADMIN


@require_GET
def public_list(request):
    provinces = selectors.provinces()
    province = selectors.visitor_province(
        code=request.GET.get("province", "")[:12], user=request.user, choices=provinces
    )
    return render(
        request,
        "announcements/public_list.html",
        {
            "announcements": selectors.current_announcements(province=province)[:PUBLIC_PAGE_SIZE],
            "province_options": [(item.division_id, item.name) for item in provinces]
            if len(provinces) > 1
            else [],
            "province": province,
        },
    )


@require_GET
def public_detail(request, announcement_uuid):
    return render(
        request,
        "announcements/public_detail.html",
        {"announcement": selectors.public_announcement(announcement_uuid)},
    )


@require_GET
def public_attachment(request, announcement_uuid, attachment_uuid):
    """A notice's attachment, while the notice is shown (else 404), as a download under its own name."""
    attachment = selectors.public_attachment(announcement_uuid, attachment_uuid)
    return private_file_response(attachment.file, download_name=attachment.original_name)


@require_GET
@staff_required(role=ADMIN)
def manage(request):
    announcements = selectors.announcements_managed_by(request.user).order_by("-publish_at")[:100]
    return render(
        request,
        "announcements/manage.html",
        {
            "announcements": announcements,
            "now": timezone.now(),
            "may_edit_reading_notice": may_edit_reading_notice(request.user),
        },
    )


@require_GET
@staff_required(role=ADMIN)
def managed_attachment(request, announcement_uuid, attachment_uuid):
    """An attachment of a notice in scope, in any state (to check it before the notice shows)."""
    attachment = selectors.managed_attachment(request.user, announcement_uuid, attachment_uuid)
    return private_file_response(attachment.file, download_name=attachment.original_name)


def _save(request, form, announcement=None):
    fields = {
        name: form.cleaned_data[name] for name in ("title", "body", "department", "publish_at", "expire_at")
    }
    fields["attachments"] = form.cleaned_data["attachments"]
    try:
        if announcement is None:
            services.publish_announcement(staff=request.user, request=request, **fields)
        else:
            services.update_announcement(
                announcement,
                staff=request.user,
                request=request,
                remove_attachments=form.cleaned_data.get("remove_attachments") or [],
                **fields,
            )
    except ValidationError as error:
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
        return None
    messages.success(request, "通知已保存。")
    return redirect("announcements:manage")


@require_http_methods(["GET", "POST"])
@staff_required(role=ADMIN)
def create(request):
    form = AnnouncementForm(
        request.POST or None,
        request.FILES or None,
        staff=request.user,
        initial={
            "publish_at": timezone.localtime().replace(second=0, microsecond=0),
            "department": request.user.department_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form)
        if response is not None:
            return response
    return render(
        request,
        "announcements/edit.html",
        {"form": form, "error_summary": form.error_summary() if form.is_bound else []},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(role=ADMIN)
def edit(request, announcement_uuid):
    announcement = selectors.managed_announcement(request.user, announcement_uuid)
    initial = {
        "title": announcement.title,
        "body": editable_notice_text(announcement.body),
        "department": announcement.department_id,
        "publish_at": timezone.localtime(announcement.publish_at),
        "expire_at": timezone.localtime(announcement.expire_at) if announcement.expire_at else None,
    }
    attachments = list(announcement.attachments.all())
    form = AnnouncementForm(
        request.POST or None,
        request.FILES or None,
        staff=request.user,
        initial=initial,
        existing_attachments=attachments,
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, announcement)
        if response is not None:
            return response
    return render(
        request,
        "announcements/edit.html",
        {
            "form": form,
            "announcement": announcement,
            "attachments": attachments,
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required(role=ADMIN)
def withdraw(request, announcement_uuid):
    services.withdraw_announcement(
        selectors.managed_announcement(request.user, announcement_uuid), staff=request.user, request=request
    )
    messages.success(request, "通知已撤下。")
    return redirect("announcements:manage")


def reading_notice_required(view):
    @staff_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_edit_reading_notice(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


CONFLICT_MESSAGE = (
    "须知已被他人更新（现为第 {version} 版），您的修改还没有保存。"
    "请对照下方的当前版本核对您的修改，确认无误后再次保存。"
)


@require_http_methods(["GET", "POST"])
@reading_notice_required
def reading_notice(request):
    """阅读须知: the current version, a form that saves the next one (or previews it), and the history."""
    current = collection_services.current_notice()
    based_on = current.version if current else 0
    initial = {"title": current.title, "body": current.body} if current else {"title": "信息登记须知"}
    form = ReadingNoticeForm(request.POST or None, initial={**initial, "based_on": based_on})
    preview = None
    if request.method == "POST" and form.is_valid():
        title, body = form.cleaned_data["title"], form.cleaned_data["body"]
        if request.POST.get("action") == "preview":
            preview = Notice(
                version=form.cleaned_data["based_on"] + 1,
                title=title.strip(),
                body=collection_services.clean_notice_text(body),
                published_at=timezone.now(),
            )
        else:
            try:
                notice = collection_services.publish_notice_version(
                    staff=request.user,
                    title=title,
                    body=body,
                    based_on=form.cleaned_data["based_on"],
                    request=request,
                )
            except collection_services.NoticeConflict as conflict:
                current = conflict.current
                version = current.version if current else 0
                # What they typed stays; saving again (after reading the new version) is deliberate.
                data = request.POST.copy()
                data["based_on"] = str(version)
                form = ReadingNoticeForm(data)
                form.is_valid()
                form.add_error(None, CONFLICT_MESSAGE.format(version=version))
            except ValidationError as error:
                for field, field_messages in error.message_dict.items():
                    for message in field_messages:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(
                    request, f"阅读须知已保存为第 {notice.version} 版。新开始的信息登记将看到这一版。"
                )
                return redirect("announcements:reading_notice")
    return render(
        request,
        "announcements/reading_notice.html",
        {
            "form": form,
            "current": current,
            "preview": preview,
            "history": collection_services.notice_history()[:50],
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=400 if form.errors else 200,
    )

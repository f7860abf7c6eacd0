"""通知公告: the public list and page, and the department administrators' pages to publish them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import staff_required

from . import selectors, services
from .forms import AnnouncementForm

PUBLIC_PAGE_SIZE = 30
ADMIN = StaffRole.DEPARTMENT_ADMIN


@require_GET
def public_list(request):
    return render(
        request,
        "announcements/public_list.html",
        {"announcements": selectors.current_announcements()[:PUBLIC_PAGE_SIZE]},
    )


@require_GET
def public_detail(request, announcement_uuid):
    return render(
        request,
        "announcements/public_detail.html",
        {"announcement": selectors.public_announcement(announcement_uuid)},
    )


@require_GET
@staff_required(role=ADMIN)
def manage(request):
    announcements = selectors.announcements_managed_by(request.user).order_by("-publish_at")[:100]
    return render(
        request, "announcements/manage.html", {"announcements": announcements, "now": timezone.now()}
    )


def _save(request, form, announcement=None):
    fields = {
        name: form.cleaned_data[name] for name in ("title", "body", "department", "publish_at", "expire_at")
    }
    try:
        if announcement is None:
            services.publish_announcement(staff=request.user, request=request, **fields)
        else:
            services.update_announcement(announcement, staff=request.user, request=request, **fields)
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
    return render(request, "announcements/edit.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@staff_required(role=ADMIN)
def edit(request, announcement_uuid):
    announcement = selectors.managed_announcement(request.user, announcement_uuid)
    initial = {
        "title": announcement.title,
        "body": announcement.body,
        "department": announcement.department_id,
        "publish_at": timezone.localtime(announcement.publish_at),
        "expire_at": timezone.localtime(announcement.expire_at) if announcement.expire_at else None,
    }
    form = AnnouncementForm(request.POST or None, staff=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, announcement)
        if response is not None:
            return response
    return render(
        request,
        "announcements/edit.html",
        {"form": form, "announcement": announcement},
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

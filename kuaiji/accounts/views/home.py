"""The home page, 我的账号, an account's own identity photos and the user agreement."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from kuaiji.core.http import client_ip
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number, mask_mobile

from .. import services
from ..constants import IdentityPhotoKind
from ..forms import (
    ChangePasswordForm,
)
from ..models import IdentityPhoto
from ..sessions import keep_session_after_password_change


def home(request):
    if not request.user.is_authenticated:
        return redirect("accounts:sign_in")
    if request.user.is_applicant:
        # An applicant's home is their information collection (status, progress, reasons).
        return redirect("collection:overview")
    return render(request, "accounts/home.html", _account_context(request.user))


def _account_context(user):
    return {
        "masked_document_number": mask_document_number(user.document_number or ""),
        "masked_mobile": mask_mobile(user.mobile) if user.mobile else "",
        "id_photo": user.identity_photos.filter(kind=IdentityPhotoKind.FRONT).order_by("-created_at").first(),
    }


@login_required
def account(request):
    form = ChangePasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.change_password(
            user=request.user,
            new_password=form.cleaned_data["password1"],
            current_session_key=request.session.session_key,
            client_ip=client_ip(request),
        )
        # The password hash changed: keep this session signed in, the others were ended.
        keep_session_after_password_change(request, request.user)
        messages.success(request, "密码已修改。其他设备上的登录已退出。")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"form": form, "error_summary": form.error_summary(), **_account_context(request.user)},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def identity_photo(request, photo_uuid):
    """Only the owner sees their photo here; staff access comes with the review screens."""
    photo = get_object_or_404(IdentityPhoto, uuid=photo_uuid, owner=request.user)
    return private_file_response(photo.file, download_name=f"id-photo{photo.file.name[-4:]}")


def agreement(request):
    return render(request, "accounts/agreement.html")

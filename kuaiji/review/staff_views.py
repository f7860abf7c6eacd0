"""Department administrators' pages: the staff of the departments in scope (create, roles, deactivate,
reset the authenticator) and the departments' entries in the contact directory.

Only for verified staff with the role 部门管理员 (or superusers); who may be acted on is decided by the
gates in ``staff_services``. A new password or authenticator secret is shown once, in the response to the
POST that made it, and never stored anywhere but as the device key and password hash.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import staff_required

from . import staff_services as services
from .scope import departments_in_scope
from .staff_forms import DepartmentContactsForm, StaffCreateForm, StaffRolesForm

DEPARTMENT_ADMIN = StaffRole.DEPARTMENT_ADMIN
STAFF_LIST_LIMIT = 500


def _qr_code_svg(uri: str) -> str:
    """The URI as an inline SVG QR code, or "" when the optional ``qrcode`` package is missing (the secret
    and the URI are shown as text either way)."""
    try:
        import qrcode
        import qrcode.image.svg
    except ImportError:
        return ""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _credentials_page(request, *, staff, password: str, totp: services.TotpSetup, created: bool):
    response = render(
        request,
        "review/staff_credentials.html",
        {
            "staff": staff,
            "initial_password": password,
            "totp": totp,
            "qr_svg": _qr_code_svg(totp.uri),
            "created": created,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required(role=DEPARTMENT_ADMIN)
def staff_list(request):
    admin = request.user
    staff = list(
        services.staff_managed_by(admin)
        .select_related("department")
        .prefetch_related("groups")
        .order_by("department__division_id", "-is_active", "full_name", "id")[:STAFF_LIST_LIMIT]
    )
    with_device = services.has_totp_device(staff)
    rows = [
        {
            "staff": member,
            "roles": sorted(group.name for group in member.groups.all()),
            "has_device": member.pk in with_device,
            "is_self": member.pk == admin.pk,
        }
        for member in staff
    ]
    departments = departments_in_scope(admin).select_related("division").order_by("division_id")
    return render(
        request,
        "review/staff_list.html",
        {"rows": rows, "departments": departments, "limit": STAFF_LIST_LIMIT},
    )


@never_cache
@staff_required(role=DEPARTMENT_ADMIN)
def staff_create(request):
    admin = request.user
    form = StaffCreateForm(request.POST if request.method == "POST" else None, admin=admin)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_staff_member(admin=admin, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("username", error)
        else:
            return _credentials_page(
                request, staff=new.user, password=new.initial_password, totp=new.totp, created=True
            )
    return render(request, "review/staff_create.html", {"form": form, "error_summary": form.error_summary()})


@staff_required(role=DEPARTMENT_ADMIN)
def staff_detail(request, staff_uuid):
    admin = request.user
    staff = services.get_staff_for_admin(admin, staff_uuid)
    roles = services.roles_of(staff)
    form = StaffRolesForm(initial={"roles": roles})
    return render(
        request,
        "review/staff_detail.html",
        {
            "staff": staff,
            "roles": roles,
            "has_device": staff.pk in services.has_totp_device([staff]),
            "is_self": staff.pk == admin.pk,
            "form": form,
        },
    )


@staff_required(role=DEPARTMENT_ADMIN)
@require_POST
def staff_roles(request, staff_uuid):
    admin = request.user
    staff = services.get_staff_for_admin(admin, staff_uuid)
    if staff.pk == admin.pk:
        raise PermissionDenied
    form = StaffRolesForm(request.POST)
    if form.is_valid():
        services.set_staff_roles(admin=admin, staff=staff, roles=form.cleaned_data["roles"], request=request)
        messages.success(request, f"已更新 {staff.full_name} 的角色。")
        return redirect("review:staff_detail", staff_uuid=staff.uuid)
    return render(
        request,
        "review/staff_detail.html",
        {
            "staff": staff,
            "roles": services.roles_of(staff),
            "has_device": staff.pk in services.has_totp_device([staff]),
            "is_self": False,
            "form": form,
            "error_summary": form.error_summary(),
        },
    )


@staff_required(role=DEPARTMENT_ADMIN)
@require_POST
def staff_deactivate(request, staff_uuid):
    admin = request.user
    staff = services.get_staff_for_admin(admin, staff_uuid)
    if services.deactivate_staff_member(admin=admin, staff=staff, request=request):
        messages.success(request, f"已停用 {staff.full_name} 的账号，其登录状态已全部退出。")
    else:
        messages.info(request, f"{staff.full_name} 的账号已是停用状态。")
    return redirect("review:staff_detail", staff_uuid=staff.uuid)


@never_cache
@staff_required(role=DEPARTMENT_ADMIN)
@require_POST
def staff_totp_reset(request, staff_uuid):
    admin = request.user
    staff = services.get_staff_for_admin(admin, staff_uuid)
    totp = services.reset_staff_totp(admin=admin, staff=staff, request=request)
    return _credentials_page(request, staff=staff, password="", totp=totp, created=False)


@staff_required(role=DEPARTMENT_ADMIN)
def department_edit(request, division_code):
    admin = request.user
    department = services.get_department_for_admin(admin, division_code)
    initial = {name: getattr(department, name) for name in services.DIRECTORY_FIELDS}
    # Not ``request.POST or None``: clearing every field is a valid edit.
    form = DepartmentContactsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = services.update_department_contacts(
            admin=admin, department=department, request=request, **form.cleaned_data
        )
        if changed:
            messages.success(request, f"已更新 {department.name} 的联系信息，咨询电话页面即时生效。")
        else:
            messages.info(request, "没有修改任何内容。")
        return redirect("review:staff_list")
    return render(
        request,
        "review/department_edit.html",
        {"department": department, "form": form, "error_summary": form.error_summary()},
    )

"""Account appeals (账号申诉) decided by staff of the department covering the person, with the ID photos
of the appeal and of the existing account side by side."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kuaiji.accounts import services as account_services
from kuaiji.accounts.constants import AppealStatus, IdentityPhotoKind
from kuaiji.accounts.models import AccountAppeal, IdentityPhoto, User
from kuaiji.accounts.permissions import REVIEWER, has_role, staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number, mask_mobile
from kuaiji.recognition.selectors import CardCheck, card_check, readings_of
from kuaiji.regions.scope import departments_in_scope


def appeals_visible_to(staff):
    return AccountAppeal.objects.filter(department__in=departments_in_scope(staff))


def _appeal_for(staff, appeal_uuid) -> AccountAppeal:
    appeal = appeals_visible_to(staff).filter(uuid=appeal_uuid).first()
    if appeal is None:
        raise Http404
    return appeal


@staff_required
def appeal_list(request):
    status = request.GET.get("status", AppealStatus.PENDING)
    appeals = appeals_visible_to(request.user).select_related("department").order_by("created_at")
    if status in AppealStatus.values:
        appeals = appeals.filter(status=status)
    rows = [
        {"appeal": appeal, "masked_document_number": mask_document_number(appeal.document_number)}
        for appeal in appeals[:200]
    ]
    return render(
        request, "review/appeals.html", {"rows": rows, "statuses": AppealStatus.choices, "status": status}
    )


@staff_required
def appeal_detail(request, appeal_uuid):
    appeal = _appeal_for(request.user, appeal_uuid)
    holder = User.objects.filter(
        document_type=appeal.document_type, document_number=appeal.document_number
    ).first()
    record_event(action=AuditAction.STAFF_VIEWED_APPEAL, actor=request.user, target=appeal, request=request)
    photos = list(appeal.photos.order_by("kind"))
    holder_photos = list(holder.identity_photos.order_by("-created_at")[:1]) if holder else []
    return render(
        request,
        "review/appeal_detail.html",
        {
            "appeal": appeal,
            "holder": holder,
            **_with_card_checks(appeal, photos, holder, holder_photos),
            "holder_mobile": mask_mobile(holder.mobile) if holder and holder.mobile else "",
            "can_decide": appeal.status == AppealStatus.PENDING and has_role(request.user, REVIEWER),
            "error": request.session.pop("appeal_error", ""),
            "appeal_form": request.session.pop("appeal_form", {}),
        },
    )


def _with_card_checks(appeal, photos, holder, holder_photos) -> dict[str, list]:
    """``photos`` and ``holder_photos`` as (photo, CardCheck or None): the appeal's card front against what
    the appellant gave, the account's registration photo against the account, so the reviewer sees which
    of the two the card supports. One query for both readings."""
    readings = readings_of([photo.sha256 for photo in photos + holder_photos])

    def check(photo, person) -> CardCheck | None:
        if photo.kind != IdentityPhotoKind.FRONT:
            return None
        return card_check(
            readings.get(photo.sha256),
            typed_name=person.full_name,
            typed_number=person.document_number or "",
            document_type=person.document_type or "",
        )

    return {
        "photos": [(photo, check(photo, appeal)) for photo in photos],
        "holder_photos": [(photo, check(photo, holder)) for photo in holder_photos],
    }


@staff_required(role=REVIEWER)
@require_POST
def appeal_decide(request, appeal_uuid):
    appeal = _appeal_for(request.user, appeal_uuid)
    outcome = request.POST.get("outcome", "")
    typed = {"outcome": outcome, "reason": request.POST.get("reason", "")}
    # Nothing is pre-selected on the page: an appeal is never granted or refused by default.
    if outcome not in ("grant", "refuse"):
        request.session["appeal_error"] = "请选择处理结论（通过或不予通过）"
        request.session["appeal_form"] = typed
        return redirect("review:appeal_detail", appeal_uuid=appeal.uuid)
    try:
        account_services.decide_appeal(
            staff=request.user,
            appeal=appeal,
            grant=outcome == "grant",
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except account_services.AppealAlreadyDecided:
        messages.error(request, "该申诉已由其他工作人员处理，本次决定未保存。")
    except ValidationError as error:
        request.session["appeal_error"] = error.messages[0]
        request.session["appeal_form"] = typed
        return redirect("review:appeal_detail", appeal_uuid=appeal.uuid)
    else:
        messages.success(request, "已处理该申诉，结果已短信通知申诉人。")
    return redirect("review:appeals")


@staff_required
def appeal_photo(request, appeal_uuid, photo_uuid):
    appeal = _appeal_for(request.user, appeal_uuid)
    holder = User.objects.filter(
        document_type=appeal.document_type, document_number=appeal.document_number
    ).first()
    photo = IdentityPhoto.objects.filter(uuid=photo_uuid).filter(appeal=appeal).first()
    if photo is None and holder is not None:
        photo = IdentityPhoto.objects.filter(uuid=photo_uuid, owner=holder).first()
    if photo is None:
        raise Http404
    record_event(
        action=AuditAction.STAFF_VIEWED_APPEAL_PHOTO,
        actor=request.user,
        target=appeal,
        request=request,
        details={"kind": photo.kind},
    )
    return private_file_response(photo.file, download_name=f"{photo.kind}{photo.file.name[-4:]}", inline=True)

"""信用档案 pages: staff record an entry against an archived person, a second staff member checks and
publishes it, published entries are withdrawn or corrected; the person sees theirs and objects.

Every page reaches entries through ``selectors`` (the scope: one 404 for missing and out of scope) and
every state change through ``services``; staff reads of an entry are audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import staff_required
from kuaiji.archive.selectors import get_record_for_staff
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.views.access import applicant_required
from kuaiji.core.http import client_ip
from kuaiji.core.storage import private_file_response
from kuaiji.core.validators import mask_document_number

from . import selectors, services
from .forms import AWARD_ONLY, PENALTY_ONLY, CreditEntryForm, ObjectionDecisionForm, ObjectionForm, ReasonForm
from .models import Objection

CONFLICT = "该记录刚刚被其他人处理过，请查看最新状态后再操作。"


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


# --- staff ------------------------------------------------------------------------------------------------


@staff_required
def queue(request):
    """信用记录复核: entries waiting for a check and objections waiting for a decision, earliest due first."""
    staff = request.user
    entries = list(selectors.entries_to_check(staff)[:200])
    objections = list(selectors.objections_to_decide(staff)[:200])
    return render(
        request,
        "credit/queue.html",
        {
            "entries": [(entry, selectors.is_overdue(entry.due_on)) for entry in entries],
            "objections": [(objection, selectors.is_overdue(objection.due_on)) for objection in objections],
        },
    )


@staff_required
def record_entries(request, record_uuid):
    """One person's credit record for staff: every entry in any state."""
    staff = request.user
    record = get_record_for_staff(staff, record_uuid)
    record_event(action=AuditAction.STAFF_VIEWED_CREDIT_ENTRY, actor=staff, target=record, request=request)
    return render(
        request,
        "credit/record.html",
        {
            "record": record,
            "masked_number": mask_document_number(record.document_number),
            "entries": selectors.entries_of_record(record),
        },
    )


def _entry_form_page(request, *, record, form, entry=None, replaces=None, status=200):
    return render(
        request,
        "credit/entry_form.html",
        {
            "record": record,
            "form": form,
            "entry": entry,
            "replaces": replaces,
            "award_only": " ".join(AWARD_ONLY),
            "penalty_only": " ".join(PENALTY_ONLY),
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=status,
    )


@staff_required(role=StaffRole.REVIEWER)
def new_entry(request, record_uuid):
    """新增信用记录 (or, with ``?corrects=<entry>``, the correction of a published entry)."""
    staff = request.user
    record = get_record_for_staff(staff, record_uuid)
    replaces = None
    corrects = request.GET.get("corrects") or request.POST.get("corrects")
    if corrects:
        replaces = selectors.entry_for_staff(staff, corrects)
        if replaces.record_id != record.pk or replaces.state != "published":
            raise Http404
    if request.method != "POST":
        initial = {field: getattr(replaces, field) for field in services.FACTS} if replaces else {}
        return _entry_form_page(
            request, record=record, form=CreditEntryForm(initial=initial), replaces=replaces
        )
    form = CreditEntryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            entry = services.record_entry(
                staff=staff,
                record=record,
                data=form.cleaned_data,
                scan=request.FILES.get("scan"),
                replaces=replaces,
                request=request,
            )
        except ValidationError as error:
            form.add_error("scan" if error.code and error.code.startswith("image") else None, error)
        else:
            messages.success(request, "已记录，等待另一名工作人员复核后公示。")
            return redirect("credit:entry", entry.uuid)
    return _entry_form_page(request, record=record, form=form, replaces=replaces, status=400)


@staff_required(role=StaffRole.REVIEWER)
def edit_entry(request, entry_uuid):
    """A returned entry, corrected and sent back to be checked."""
    staff = request.user
    entry = selectors.entry_for_staff(staff, entry_uuid)
    if entry.state != "returned":
        messages.info(request, "只有复核退回的记录可以修改；已公示的记录请使用“更正”。")
        return redirect("credit:entry", entry.uuid)
    if request.method != "POST":
        form = CreditEntryForm(initial={field: getattr(entry, field) for field in services.FACTS})
        return _entry_form_page(request, record=entry.record, form=form, entry=entry)
    form = CreditEntryForm(request.POST)
    if form.is_valid():
        try:
            services.update_returned_entry(
                staff=staff,
                entry=entry,
                data=form.cleaned_data,
                expected_version=_version(request),
                request=request,
            )
        except services.Conflict:
            messages.error(request, CONFLICT)
        else:
            messages.success(request, "已修改，等待复核。")
        return redirect("credit:entry", entry.uuid)
    return _entry_form_page(request, record=entry.record, form=form, entry=entry, status=400)


@staff_required
def entry_detail(request, entry_uuid):
    staff = request.user
    entry = selectors.entry_for_staff(staff, entry_uuid)
    record_event(action=AuditAction.STAFF_VIEWED_CREDIT_ENTRY, actor=staff, target=entry, request=request)
    return render(
        request,
        "credit/entry.html",
        {
            "entry": entry,
            "overdue": entry.state == "recorded" and selectors.is_overdue(entry.due_on),
            "may_check": entry.state == "recorded" and selectors.may_check(staff, entry),
            "own_entry": entry.recorded_by_id == staff.pk,
            "may_end": entry.state == "published" and selectors.may_check(staff, entry, four_eyes=False),
            "objections": entry.objections.select_related("decided_by").order_by("-filed_at"),
            "corrected_by": getattr(entry, "replaced_by", None),
            "reason_form": ReasonForm(),
        },
    )


def _decide(request, entry_uuid, action):
    staff = request.user
    entry = selectors.entry_for_staff(staff, entry_uuid)
    form = ReasonForm(request.POST)
    if action != "publish" and not form.is_valid():
        messages.error(request, "请填写理由（最多 300 个字）")
        return redirect("credit:entry", entry.uuid)
    try:
        if action == "publish":
            services.publish_entry(
                staff=staff, entry=entry, expected_version=_version(request), request=request
            )
            messages.success(request, "已复核并公示。")
        elif action == "return":
            services.return_entry(
                staff=staff,
                entry=entry,
                expected_version=_version(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, "已退回记录部门。")
        else:
            if not selectors.may_check(staff, entry, four_eyes=False):
                raise ValidationError("您没有撤销该记录的权限")
            services.withdraw_entry(
                staff=staff,
                entry=entry,
                expected_version=_version(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(request, "已撤销，不再公示。")
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except services.Conflict:
        messages.error(request, CONFLICT)
    return redirect("credit:entry", entry.uuid)


@staff_required(role=StaffRole.REVIEWER)
@require_POST
def publish(request, entry_uuid):
    return _decide(request, entry_uuid, "publish")


@staff_required(role=StaffRole.REVIEWER)
@require_POST
def return_to_recorder(request, entry_uuid):
    return _decide(request, entry_uuid, "return")


@staff_required(role=StaffRole.REVIEWER)
@require_POST
def withdraw(request, entry_uuid):
    return _decide(request, entry_uuid, "withdraw")


@staff_required
def entry_scan(request, entry_uuid):
    entry = selectors.entry_for_staff(request.user, entry_uuid)
    if not entry.scan:
        raise Http404
    record_event(
        action=AuditAction.STAFF_VIEWED_CREDIT_ENTRY,
        actor=request.user,
        target=entry,
        request=request,
        details={"file": "scan"},
    )
    return private_file_response(entry.scan, download_name=f"文书-{entry.uuid}.jpg", inline=True)


def _objection_for_staff(staff, objection_uuid) -> Objection:
    objection = (
        Objection.objects.filter(uuid=objection_uuid, entry__in=selectors.entries_visible_to(staff))
        .select_related("entry", "entry__record", "person", "decided_by")
        .first()
    )
    if objection is None:
        raise Http404
    return objection


@staff_required
def objection_detail(request, objection_uuid):
    """An objection beside its entry; a reviewer of the entry's department decides it."""
    staff = request.user
    objection = _objection_for_staff(staff, objection_uuid)
    entry = objection.entry
    form = ObjectionDecisionForm()
    status = 200
    if request.method == "POST":
        if not selectors.may_check(staff, entry, four_eyes=False):
            raise Http404
        form = ObjectionDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decide_objection(
                    staff=staff,
                    objection=objection,
                    outcome=form.cleaned_data["outcome"],
                    remedy=form.cleaned_data["remedy"],
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except (ValidationError, services.Conflict):
                messages.error(request, CONFLICT)
                return redirect("credit:objection", objection.uuid)
            if form.cleaned_data["outcome"] == "upheld" and form.cleaned_data["remedy"] == "correct":
                messages.success(request, "异议成立。请填写更正后的记录，经另一名工作人员复核后替换原记录。")
                return redirect(f"{reverse('credit:new', args=[entry.record.uuid])}?corrects={entry.uuid}")
            messages.success(request, "已处理，并已告知异议人。")
            return redirect("credit:objection", objection.uuid)
        status = 400
    record_event(action=AuditAction.STAFF_VIEWED_CREDIT_ENTRY, actor=staff, target=objection, request=request)
    return render(
        request,
        "credit/objection.html",
        {
            "objection": objection,
            "entry": entry,
            "form": form,
            "may_decide": objection.state == "pending" and selectors.may_check(staff, entry, four_eyes=False),
            "overdue": objection.state == "pending" and selectors.is_overdue(objection.due_on),
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=status,
    )


@staff_required
def objection_evidence(request, objection_uuid):
    objection = _objection_for_staff(request.user, objection_uuid)
    if not objection.evidence:
        raise Http404
    record_event(
        action=AuditAction.STAFF_VIEWED_CREDIT_ENTRY,
        actor=request.user,
        target=objection,
        request=request,
        details={"file": "evidence"},
    )
    return private_file_response(
        objection.evidence, download_name=f"异议材料-{objection.uuid}.jpg", inline=True
    )


# --- the person -------------------------------------------------------------------------------------------


@applicant_required
def mine(request):
    """我的信用记录: published entries (in effect and ended), and the objections filed."""
    entries = selectors.my_entries(request.user)
    return render(request, "credit/mine.html", {"entries": entries})


@applicant_required
def object_to(request, entry_uuid):
    """提出异议 to one of the person's published entries, with evidence."""
    entry = selectors.my_entry(request.user, entry_uuid)
    form = ObjectionForm()
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.file_objection(
                    person=request.user,
                    entry=entry,
                    reason=form.cleaned_data["reason"],
                    evidence=request.FILES.get("evidence"),
                    client_ip=client_ip(request),
                )
            except ValidationError as error:
                field = "evidence" if error.code and error.code.startswith("image") else None
                form.add_error(field, error)
            else:
                messages.success(
                    request, "异议已提交，会计管理部门将在 15 个工作日内处理，处理结果会通知您。"
                )
                return redirect("my_credit:list")
        status = 400
    return render(
        request,
        "credit/object.html",
        {"entry": entry, "form": form, "error_summary": form.error_summary() if form.is_bound else []},
        status=status,
    )

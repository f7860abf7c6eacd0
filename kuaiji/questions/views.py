"""留言咨询 pages: the person asks, reads the answers and replies once; staff in scope work the queue,
answer, close, and make an answer a 常见问题 shown on the public help page.

Every page reaches questions through ``selectors`` (one 404 for missing and out of scope) and every change
through ``services``; staff reads of a thread are audited."""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kuaiji.accounts.permissions import staff_required
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.collection.services.reading import latest_submission
from kuaiji.collection.views.access import applicant_required
from kuaiji.core.http import client_ip
from kuaiji.core.storage import private_file_response

from . import selectors, services
from .constants import ANSWER_WITHIN_WORKING_DAYS, QUESTIONS_PER_DAY, QuestionTopic
from .forms import AnswerForm, FaqForm, QuestionForm, ReplyForm

CONFLICT = "该留言刚刚被其他人处理过，请查看最新状态后再操作。"


def _version(request) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


def _add_service_error(form, error: ValidationError) -> None:
    # A refused picture is reported beside the attachment field; anything else above the form.
    form.add_error("attachment" if error.code and error.code.startswith("image") else None, error)


def answering_staff_required(view):
    """Verified staff with a role that answers questions (审核员, 部门管理员, 客服人员); others 403."""

    @staff_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_answer_questions(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


# --- staff ------------------------------------------------------------------------------------------------


@answering_staff_required
def queue(request):
    """留言咨询: open questions in scope, the earliest due first, overdue marked; the latest answered and
    closed threads below (still readable)."""
    return render(
        request,
        "questions/queue.html",
        {
            "questions": selectors.open_questions(request.user),
            "recent": selectors.recent_questions(request.user),
            "within": ANSWER_WITHIN_WORKING_DAYS,
        },
    )


def _staff_thread_page(request, question, *, form=None, status=200):
    record_event(
        action=AuditAction.STAFF_VIEWED_QUESTION, actor=request.user, target=question, request=request
    )
    form = form or AnswerForm()
    return render(
        request,
        "questions/staff_thread.html",
        {
            "question": question,
            "thread": list(question.messages.all()),
            "form": form,
            "may_answer": question.state == "open",
            "overdue": question.state == "open" and selectors.is_overdue(question.due_on),
            "templates": list(selectors.published_faq().values_list("answer", flat=True)[:30]),
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=status,
    )


@answering_staff_required
def thread(request, question_uuid):
    """A thread for staff; POST answers it."""
    staff = request.user
    question = selectors.question_for_staff(staff, question_uuid)
    if request.method != "POST":
        return _staff_thread_page(request, question)
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer_question(
                staff=staff,
                question=question,
                body=form.cleaned_data["body"],
                attachment=request.FILES.get("attachment"),
                expected_version=_version(request),
                request=request,
            )
        except services.Conflict:
            messages.error(request, CONFLICT)
            return redirect("questions:thread", question.uuid)
        except ValidationError as error:
            _add_service_error(form, error)
        else:
            messages.success(request, "已答复，并已通过站内消息和短信告知留言人。")
            return redirect("questions:thread", question.uuid)
    return _staff_thread_page(request, question, form=form, status=400)


@answering_staff_required
@require_POST
def close(request, question_uuid):
    question = selectors.question_for_staff(request.user, question_uuid)
    try:
        services.close_question(
            staff=request.user, question=question, expected_version=_version(request), request=request
        )
    except services.Conflict:
        messages.error(request, CONFLICT)
    else:
        messages.success(request, "已关闭。留言人仍可查看这条留言。")
    return redirect("questions:thread", question.uuid)


@answering_staff_required
def make_faq(request, question_uuid):
    """设为常见问题: the question and the latest answer, to rewrite without personal details and publish."""
    staff = request.user
    question = selectors.question_for_staff(staff, question_uuid)
    answers = [message for message in question.messages.all() if message.is_staff]
    if not answers:
        messages.info(request, "请先答复该留言，再设为常见问题。")
        return redirect("questions:thread", question.uuid)
    form = FaqForm(initial={"question": question.subject, "answer": answers[-1].body, "position": 0})
    status = 200
    if request.method == "POST":
        form = FaqForm(request.POST)
        if form.is_valid():
            try:
                services.publish_faq_from_answer(
                    staff=staff,
                    question=question,
                    faq_question=form.cleaned_data["question"],
                    answer=form.cleaned_data["answer"],
                    position=form.cleaned_data["position"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "已设为常见问题，显示在公开的“常见问题”页面。")
                return redirect("questions:faq_list")
        status = 400
    return render(
        request,
        "questions/faq_form.html",
        {"form": form, "question": question, "error_summary": form.error_summary() if form.is_bound else []},
        status=status,
    )


@answering_staff_required
def staff_attachment(request, question_uuid, message_uuid):
    message = selectors.message_for_staff(request.user, question_uuid, message_uuid)
    record_event(
        action=AuditAction.STAFF_VIEWED_QUESTION,
        actor=request.user,
        target=message.question,
        request=request,
        details={"attachment": str(message.uuid)},
    )
    return private_file_response(
        message.attachment, download_name=f"留言附件-{message.uuid}.jpg", inline=True
    )


@answering_staff_required
def faq_list(request):
    """常见问题 of the departments in scope, withdrawn ones too."""
    return render(request, "questions/faq_list.html", {"entries": selectors.faq_visible_to(request.user)})


@answering_staff_required
def faq_edit(request, faq_uuid):
    staff = request.user
    entry = selectors.faq_for_staff(staff, faq_uuid)
    form = FaqForm(initial={"question": entry.question, "answer": entry.answer, "position": entry.position})
    status = 200
    if request.method == "POST":
        form = FaqForm(request.POST)
        if form.is_valid():
            try:
                services.update_faq(
                    staff=staff,
                    entry=entry,
                    faq_question=form.cleaned_data["question"],
                    answer=form.cleaned_data["answer"],
                    position=form.cleaned_data["position"],
                    expected_version=_version(request),
                    request=request,
                )
            except services.Conflict:
                messages.error(request, "该常见问题刚刚被其他人修改过，请查看最新内容后再修改。")
                return redirect("questions:faq_edit", entry.uuid)
            messages.success(request, "已保存。")
            return redirect("questions:faq_list")
        status = 400
    return render(
        request,
        "questions/faq_form.html",
        {"form": form, "entry": entry, "error_summary": form.error_summary() if form.is_bound else []},
        status=status,
    )


@answering_staff_required
@require_POST
def faq_withdraw(request, faq_uuid):
    entry = selectors.faq_for_staff(request.user, faq_uuid)
    try:
        services.withdraw_faq(
            staff=request.user, entry=entry, expected_version=_version(request), request=request
        )
    except services.Conflict:
        messages.error(request, "该常见问题已撤下或刚刚被修改过。")
    else:
        messages.success(request, "已撤下，不再显示在“常见问题”页面。")
    return redirect("questions:faq_list")


# --- the public help page ---------------------------------------------------------------------------------


def help_page(request):
    """常见问题 (no sign-in): the published entries of the province."""
    return render(request, "questions/help.html", {"entries": selectors.published_faq()})


# --- the person -------------------------------------------------------------------------------------------


@applicant_required
def mine(request):
    """我的留言: the person's threads, the newest first."""
    return render(request, "questions/mine.html", {"questions": selectors.my_questions(request.user)})


@applicant_required
def ask(request):
    """新建留言, about the person's submission or in general."""
    person = request.user
    submission = latest_submission(person)
    form = QuestionForm(has_submission=submission is not None)
    status = 200
    if request.method == "POST":
        form = QuestionForm(request.POST, request.FILES, has_submission=submission is not None)
        if form.is_valid():
            try:
                question = services.ask_question(
                    person=person,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    submission=submission if form.cleaned_data["topic"] == QuestionTopic.SUBMISSION else None,
                    attachment=request.FILES.get("attachment"),
                    client_ip=client_ip(request),
                )
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(
                    request,
                    f"留言已提交给{question.department.name}，将在 {ANSWER_WITHIN_WORKING_DAYS} 个工作日内"
                    "答复，答复后会通过站内消息和短信告知您。",
                )
                return redirect("my_questions:thread", question.uuid)
        status = 400
    return render(
        request,
        "questions/ask.html",
        {
            "form": form,
            "submission": submission,
            "per_day": QUESTIONS_PER_DAY,
            "within": ANSWER_WITHIN_WORKING_DAYS,
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=status,
    )


@applicant_required
def my_thread(request, question_uuid):
    """One of the person's threads; POST is the one reply after an answer."""
    person = request.user
    question = selectors.my_question(person, question_uuid)
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.reply_once(
                    person=person,
                    question=question,
                    body=form.cleaned_data["body"],
                    attachment=request.FILES.get("attachment"),
                    expected_version=_version(request),
                    client_ip=client_ip(request),
                )
            except services.Conflict:
                messages.error(request, CONFLICT)
                return redirect("my_questions:thread", question.uuid)
            except ValidationError as error:
                _add_service_error(form, error)
            else:
                messages.success(request, "追问已提交，会计管理部门将尽快答复。")
                return redirect("my_questions:thread", question.uuid)
        status = 400
        question = selectors.my_question(person, question_uuid)
    return render(
        request,
        "questions/my_thread.html",
        {
            "question": question,
            "thread": list(question.messages.all()),
            "form": form,
            "may_reply": selectors.may_reply(question),
            "error_summary": form.error_summary() if form.is_bound else [],
        },
        status=status,
    )


@applicant_required
def my_attachment(request, question_uuid, message_uuid):
    message = selectors.my_message(request.user, question_uuid, message_uuid)
    return private_file_response(
        message.attachment, download_name=f"留言附件-{message.uuid}.jpg", inline=True
    )

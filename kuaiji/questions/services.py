"""Writing 留言咨询 and 常见问题. Each function is one transaction: a conditional update on the question's
``state``/``version`` (two tabs, two staff members: the second gets ``Conflict``), its audit event, and
the person's notice (SMS after commit). Who may act is checked here, against the same selectors the pages
use."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from kuaiji.accounts.services.notices import notify
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.calendar.selectors import due_on
from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import delete_stored_file, save_clean_image
from kuaiji.regions.models import Department
from kuaiji.regions.selectors import department_covering, provincial_department

from .constants import (
    ANSWER_WITHIN_WORKING_DAYS,
    QUESTIONS_PER_DAY,
    TRANSITIONS,
    QuestionState,
    QuestionTopic,
)
from .models import FaqEntry, Question, QuestionMessage
from .selectors import faq_visible_to, questions_visible_to

LIMIT_MESSAGE = f"您今天已提交 {QUESTIONS_PER_DAY} 条留言，请明天再提交，或拨打会计管理部门的咨询电话。"


class Conflict(Exception):
    """The thread changed since the page was shown (another tab, another staff member)."""


def department_for_question(*, person: Any, submission: Any = None) -> Department:
    """The department a question goes to: for a question about a submission, the management department
    the person chose in it (or, if that one is no longer active, the department covering its region; or
    the submission's reviewing department); otherwise the department covering the region of the person's
    document number; else the provincial department."""
    if submission is not None:
        pk = (submission.answers or {}).get("employer", {}).get("management_department")
        chosen = Department.objects.filter(pk=pk).first() if pk else None
        if chosen is not None and chosen.is_active:
            return chosen
        covering = department_covering(chosen.division_id) if chosen is not None else None
        if covering is not None:
            return covering
        if submission.department_id is not None:
            reviewing: Department = submission.department
            return reviewing
    number = person.document_number or ""
    covering = department_covering(number[:6]) if len(number) >= 6 else None
    if covering is not None:
        return covering
    province = provincial_department()
    if province is None:
        raise ValidationError("平台尚未设置会计管理部门，暂时无法留言", code="no_department")
    return province


def _store(upload: Any) -> tuple[str, str]:
    if not upload:
        return "", ""
    name = save_clean_image(clean_image_upload(upload), prefix="questions")
    return name, (getattr(upload, "name", "") or "")[:200]


def _add_message(
    *, question: Question, author: Any, is_staff: bool, body: str, upload: Any
) -> QuestionMessage:
    name, original = _store(upload)
    try:
        return QuestionMessage.objects.create(
            question=question,
            author=author,
            is_staff=is_staff,
            body=body,
            attachment=name,
            attachment_name=original,
        )
    except Exception:
        if name:
            delete_stored_file(name)
        raise


def _new_due_date() -> Any:
    return due_on(start=timezone.localdate(), working_days=ANSWER_WITHIN_WORKING_DAYS)


def _details(question: Question, **more: Any) -> dict[str, Any]:
    return {"question": str(question.uuid), "department": question.department_id, **more}


def asked_today(person: Any) -> int:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Question.objects.filter(asker=person, asked_at__gte=start).count()


@transaction.atomic
def ask_question(
    *,
    person: Any,
    subject: str,
    body: str,
    submission: Any = None,
    attachment: Any = None,
    client_ip: str = "",
) -> Question:
    """留言: a new thread to the department that covers the person, due in ``ANSWER_WITHIN_WORKING_DAYS``
    working days. ``submission``: the person's own submission the question is about (the caller passes
    only the person's own). At most ``QUESTIONS_PER_DAY`` a day (ValidationError ``too_many``)."""
    # The person's row locked: two questions sent at once cannot both pass the count.
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()
    if asked_today(person) >= QUESTIONS_PER_DAY:
        raise ValidationError(LIMIT_MESSAGE, code="too_many")
    if submission is not None and submission.applicant_id != person.pk:
        raise ValidationError("只能就本人的信息登记留言", code="not_own")
    question = Question.objects.create(
        asker=person,
        department=department_for_question(person=person, submission=submission),
        submission=submission,
        topic=QuestionTopic.SUBMISSION if submission is not None else QuestionTopic.GENERAL,
        subject=subject,
        due_on=_new_due_date(),
    )
    message = _add_message(question=question, author=person, is_staff=False, body=body, upload=attachment)
    record_event(
        action=AuditAction.QUESTION_ASKED,
        actor=person,
        target=question,
        ip=client_ip,
        details=_details(question, message=str(message.uuid), attachment=bool(message.attachment)),
    )
    return question


def _move(question: Question, *, event: str, expected_version: int, **values: Any) -> str:
    to_state = TRANSITIONS.get((question.state, event))
    if to_state is None:
        raise Conflict
    changed = Question.objects.filter(pk=question.pk, state=question.state, version=expected_version).update(
        state=to_state, version=F("version") + 1, **values
    )
    if not changed:
        raise Conflict
    question.refresh_from_db()
    return to_state


def _check_staff(staff: Any, question: Question) -> None:
    if not questions_visible_to(staff).filter(pk=question.pk).exists():
        raise ValidationError("您没有答复该留言的权限", code="not_allowed")


def _thread_link(question: Question) -> str:
    return reverse("my_questions:thread", args=[question.uuid])


@transaction.atomic
def answer_question(
    *,
    staff: Any,
    question: Question,
    body: str,
    expected_version: int,
    attachment: Any = None,
    request: Any = None,
) -> QuestionMessage:
    """答复 an open question (staff in its scope). After the person's reply the answer closes the thread;
    otherwise the person may reply once. The person is told in the site and by SMS. ``body`` is the text
    as the staff member left it (a reason template the page inserted, edited or not)."""
    _check_staff(staff, question)
    event = "answer_after_reply" if question.replied else "answer"
    now = timezone.now()
    closing = TRANSITIONS.get((question.state, event)) == QuestionState.CLOSED
    _move(question, event=event, expected_version=expected_version, **({"closed_at": now} if closing else {}))
    message = _add_message(question=question, author=staff, is_staff=True, body=body, upload=attachment)
    record_event(
        action=AuditAction.QUESTION_ANSWERED,
        actor=staff,
        target=question,
        request=request,
        details=_details(question, message=str(message.uuid), closed=closing),
    )
    ending = "" if closing else "如有疑问可追问一次。"
    notify(
        user=question.asker,
        text=f"您的留言“{question.subject}”已有答复，请登录平台查看。{ending}",
        link=_thread_link(question),
    )
    return message


@transaction.atomic
def reply_once(
    *,
    person: Any,
    question: Question,
    body: str,
    expected_version: int,
    attachment: Any = None,
    client_ip: str = "",
) -> QuestionMessage:
    """追问: the person's one reply after an answer; the thread is open again, due afresh."""
    if question.asker_id != person.pk:
        raise ValidationError("只能追问本人的留言", code="not_own")
    if question.replied or question.state != QuestionState.ANSWERED:
        raise ValidationError("每条留言在答复后只能追问一次；如有新的问题，请新建留言。", code="replied")
    _move(question, event="reply", expected_version=expected_version, replied=True, due_on=_new_due_date())
    message = _add_message(question=question, author=person, is_staff=False, body=body, upload=attachment)
    record_event(
        action=AuditAction.QUESTION_REPLIED,
        actor=person,
        target=question,
        ip=client_ip,
        details=_details(question, message=str(message.uuid)),
    )
    return message


@transaction.atomic
def close_question(*, staff: Any, question: Question, expected_version: int, request: Any = None) -> None:
    """关闭 a thread (staff in scope): it stays readable to the person and to staff; no more replies."""
    _check_staff(staff, question)
    _move(question, event="close", expected_version=expected_version, closed_at=timezone.now())
    record_event(
        action=AuditAction.QUESTION_CLOSED,
        actor=staff,
        target=question,
        request=request,
        details=_details(question),
    )


# --- 常见问题 ---------------------------------------------------------------------------------------------


@transaction.atomic
def publish_faq_from_answer(
    *, staff: Any, question: Question, faq_question: str, answer: str, position: int = 0, request: Any = None
) -> FaqEntry:
    """设为常见问题: a question and answer (rewritten by the staff member so they name no one) shown on the
    public help page from now, under the question's department."""
    _check_staff(staff, question)
    if not question.messages.filter(is_staff=True).exists():
        raise ValidationError("请先答复该留言，再设为常见问题", code="not_answered")
    entry = FaqEntry.objects.create(
        question=faq_question,
        answer=answer,
        department=question.department,
        source=question,
        position=position,
        published_by=staff,
    )
    record_event(
        action=AuditAction.FAQ_PUBLISHED,
        actor=staff,
        target=entry,
        request=request,
        details={"faq": str(entry.uuid), "question": str(question.uuid)},
    )
    return entry


def _check_faq_staff(staff: Any, entry: FaqEntry) -> None:
    if not faq_visible_to(staff).filter(pk=entry.pk).exists():
        raise ValidationError("您没有修改该常见问题的权限", code="not_allowed")


@transaction.atomic
def update_faq(
    *,
    staff: Any,
    entry: FaqEntry,
    faq_question: str,
    answer: str,
    position: int,
    expected_version: int,
    request: Any = None,
) -> FaqEntry:
    _check_faq_staff(staff, entry)
    changed = FaqEntry.objects.filter(pk=entry.pk, version=expected_version).update(
        question=faq_question, answer=answer, position=position, version=F("version") + 1
    )
    if not changed:
        raise Conflict
    entry.refresh_from_db()
    record_event(
        action=AuditAction.FAQ_UPDATED,
        actor=staff,
        target=entry,
        request=request,
        details={"faq": str(entry.uuid)},
    )
    return entry


@transaction.atomic
def withdraw_faq(*, staff: Any, entry: FaqEntry, expected_version: int, request: Any = None) -> None:
    """撤下: off the help page from now; kept for the record."""
    _check_faq_staff(staff, entry)
    changed = FaqEntry.objects.filter(
        pk=entry.pk, version=expected_version, withdrawn_at__isnull=True
    ).update(withdrawn_at=timezone.now(), version=F("version") + 1)
    if not changed:
        raise Conflict
    entry.refresh_from_db()
    record_event(
        action=AuditAction.FAQ_WITHDRAWN,
        actor=staff,
        target=entry,
        request=request,
        details={"faq": str(entry.uuid)},
    )

"""Reads of 留言咨询 and 常见问题: the staff scope (one 404), the queue, the person's own threads, the FAQ."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role
from kuaiji.calendar.selectors import is_past_due
from kuaiji.regions.scope import department_ids_in_scope

from .constants import QuestionState
from .models import FaqEntry, Question, QuestionMessage

#: The roles that read and answer questions (an auditor or a data officer alone does not).
ANSWERING_ROLES = (StaffRole.REVIEWER, StaffRole.DEPARTMENT_ADMIN, StaffRole.SUPPORT)


def may_answer_questions(staff: Any) -> bool:
    return any(has_role(staff, role) for role in ANSWERING_ROLES)


def questions_visible_to(staff: Any) -> QuerySet[Question]:
    """Questions to a department in the staff member's scope; none without an answering role."""
    if not may_answer_questions(staff):
        return Question.objects.none()
    return Question.objects.filter(department__in=department_ids_in_scope(staff))


def _messages() -> Prefetch[Any]:
    return Prefetch("messages", queryset=QuestionMessage.objects.select_related("author"))


def question_for_staff(staff: Any, question_uuid: Any) -> Question:
    """The question with its messages, or one 404 for missing and out of scope."""
    question = (
        questions_visible_to(staff)
        .select_related("asker", "department", "submission")
        .prefetch_related(_messages())
        .filter(uuid=question_uuid)
        .first()
    )
    if question is None:
        raise Http404
    return question


def is_overdue(due: date | None, *, today: date | None = None) -> bool:
    """Past its due date, by the rule review due dates follow (``calendar.selectors.is_past_due``)."""
    return is_past_due(due, today=today)


def open_questions(staff: Any) -> list[tuple[Question, bool]]:
    """待答复 in scope, the earliest due first, each with whether it is overdue (two queries)."""
    today = timezone.localdate()
    questions = (
        questions_visible_to(staff)
        .filter(state=QuestionState.OPEN)
        .select_related("asker", "department")
        .order_by("due_on", "asked_at", "pk")[:200]
    )
    return [(question, is_overdue(question.due_on, today=today)) for question in questions]


def recent_questions(staff: Any) -> QuerySet[Question]:
    """Answered and closed threads in scope, the latest first (still readable)."""
    return (
        questions_visible_to(staff)
        .exclude(state=QuestionState.OPEN)
        .select_related("asker", "department")
        .order_by("-asked_at", "-pk")[:50]
    )


def message_for_staff(staff: Any, question_uuid: Any, message_uuid: Any) -> QuestionMessage:
    message = (
        QuestionMessage.objects.filter(
            uuid=message_uuid, question__uuid=question_uuid, question__in=questions_visible_to(staff)
        )
        .select_related("question")
        .first()
    )
    if message is None or not message.attachment:
        raise Http404
    return message


# --- the person -------------------------------------------------------------------------------------------


def my_questions(person: Any) -> QuerySet[Question]:
    return Question.objects.filter(asker=person).select_related("department").order_by("-asked_at", "-pk")


def my_question(person: Any, question_uuid: Any) -> Question:
    """One of the person's threads with its messages, or 404 (someone else's)."""
    question = (
        Question.objects.filter(asker=person, uuid=question_uuid)
        .select_related("department", "submission")
        .prefetch_related(_messages())
        .first()
    )
    if question is None:
        raise Http404
    return question


def my_message(person: Any, question_uuid: Any, message_uuid: Any) -> QuestionMessage:
    message = QuestionMessage.objects.filter(
        uuid=message_uuid, question__uuid=question_uuid, question__asker=person
    ).first()
    if message is None or not message.attachment:
        raise Http404
    return message


def may_reply(question: Question) -> bool:
    """The person's one reply: after an answer, once."""
    return question.state == QuestionState.ANSWERED and not question.replied


# --- 常见问题 ---------------------------------------------------------------------------------------------


def published_faq() -> QuerySet[FaqEntry]:
    """What the public help page shows: published and not withdrawn, in their order. The platform serves
    one province, so every department's entries are the province's."""
    return FaqEntry.objects.filter(
        withdrawn_at__isnull=True, published_at__lte=timezone.now()
    ).select_related("department")


def faq_visible_to(staff: Any) -> QuerySet[FaqEntry]:
    """The entries of departments in scope (to edit or withdraw), withdrawn ones too."""
    if not may_answer_questions(staff):
        return FaqEntry.objects.none()
    return FaqEntry.objects.filter(department__in=department_ids_in_scope(staff)).select_related("department")


def faq_for_staff(staff: Any, faq_uuid: Any) -> FaqEntry:
    entry = faq_visible_to(staff).filter(uuid=faq_uuid).first()
    if entry is None:
        raise Http404
    return entry

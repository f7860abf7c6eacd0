"""States and limits of 留言咨询 (questions to the department) and 常见问题 (FAQ entries)."""

from django.db import models

#: Working days the department has to answer, counted from the question (or the person's reply). Five, as
#: the 12345 government hotlines and most finance departments promise for a written enquiry: short enough
#: to help someone in the middle of a submission, long enough for a county with one reviewer.
ANSWER_WITHIN_WORKING_DAYS = 5

#: Questions a person may ask per calendar day (Beijing time); replies do not count (one per answer).
QUESTIONS_PER_DAY = 5

SUBJECT_MAX_LENGTH = 100
BODY_MAX_LENGTH = 2000


class QuestionTopic(models.TextChoices):
    SUBMISSION = "submission", "我的信息登记（采集、变更、调转）"
    GENERAL = "general", "一般咨询（政策、操作、账号等）"


class QuestionState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已关闭"


#: The workflow: (from state, event) → to state. ``answer`` after the person's one reply closes the thread.
TRANSITIONS: dict[tuple[str, str], str] = {
    (QuestionState.OPEN, "answer"): QuestionState.ANSWERED,
    (QuestionState.OPEN, "answer_after_reply"): QuestionState.CLOSED,
    (QuestionState.ANSWERED, "reply"): QuestionState.OPEN,
    (QuestionState.OPEN, "close"): QuestionState.CLOSED,
    (QuestionState.ANSWERED, "close"): QuestionState.CLOSED,
}

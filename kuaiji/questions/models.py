"""留言咨询: a person's written question to the department that covers them, its messages, and the
常见问题 (FAQ) entries staff make of a frequent answer."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels

from .constants import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, QuestionState, QuestionTopic


class Question(ChoiceLabels, models.Model):
    """One thread. Goes to one department (``questions.services.department_for_question``); staff of that
    department or one above it answer by ``due_on``; the person may reply once after an answer."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("留言人"), on_delete=models.PROTECT, related_name="questions"
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("答复部门"),
        on_delete=models.PROTECT,
        related_name="questions",
        help_text=_("留言时覆盖留言人的会计管理部门；它和它的上级部门可以答复。"),
    )
    submission = models.ForeignKey(
        "collection.Submission",
        verbose_name=_("相关的信息登记"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    topic = models.CharField(_("咨询类别"), max_length=16, choices=QuestionTopic.choices)
    subject = models.CharField(_("标题"), max_length=SUBJECT_MAX_LENGTH)
    state = models.CharField(
        _("状态"), max_length=16, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    asked_at = models.DateTimeField(_("留言时间"), default=timezone.now)
    due_on = models.DateField(_("答复期限"), help_text=_("留言（或追问）之日起 5 个工作日内答复。"))
    replied = models.BooleanField(_("已追问"), default=False, help_text=_("留言人在答复后可以追问一次。"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("留言咨询")
        verbose_name_plural = _("留言咨询")
        indexes = [
            models.Index(fields=["department", "state", "due_on"], name="question_queue"),
            models.Index(fields=["asker", "asked_at"], name="question_asker_asked"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic="general") | models.Q(submission__isnull=False),
                name="question_about_submission_has_it",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="closed") | models.Q(closed_at__isnull=False),
                name="question_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class QuestionMessage(models.Model):
    """A message of a thread: the question, an answer, or the person's reply. Plain text (shown escaped)."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    question = models.ForeignKey(
        Question, verbose_name=_("留言咨询"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+"
    )
    is_staff = models.BooleanField(_("工作人员答复"), default=False)
    body = models.TextField(_("内容"), max_length=BODY_MAX_LENGTH)
    attachment = models.FileField(_("附件"), upload_to="questions/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("附件文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("留言内容")
        verbose_name_plural = _("留言内容")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:30]


class FaqEntry(models.Model):
    """常见问题: a question and its answer on the public help page while published and not withdrawn.
    Written by a department (often from an answer); edited or withdrawn by staff in its scope."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    question = models.CharField(_("问题"), max_length=SUBJECT_MAX_LENGTH * 2)
    answer = models.TextField(_("答复"), max_length=BODY_MAX_LENGTH)
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("发布部门"), on_delete=models.PROTECT, related_name="faq_entries"
    )
    source = models.ForeignKey(
        Question,
        verbose_name=_("来源留言"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq_entries",
        help_text=_("由哪条留言的答复整理而来（公开页面不显示留言本身）。"),
    )
    position = models.PositiveIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("常见问题")
        verbose_name_plural = _("常见问题")
        ordering = ["position", "-published_at", "pk"]

    def __str__(self) -> str:
        return self.question

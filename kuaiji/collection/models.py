import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels

from .constants import OPEN_STATUSES, Status, SubmissionKind


class Notice(models.Model):
    """The notice an applicant reads before starting (阅读须知). Each edit is a new version."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    title = models.CharField(_("标题"), max_length=100, default="信息登记须知")
    body = models.TextField(_("内容"), help_text=_("每段一行；空行分段。"))
    published_at = models.DateTimeField(_("发布时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("保存这一版的工作人员；空：随系统发布的版本或早于记录发布人的版本。"),
    )

    class Meta:
        verbose_name = _("阅读须知")
        verbose_name_plural = _("阅读须知")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.body.split("\n") if part.strip()]


class Attachment(ChoiceLabels, models.Model):
    """One image of an attachment slot (a certificate of several pages is several attachments)."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属人员"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    submission = models.ForeignKey(
        "collection.Submission",
        verbose_name=_("所在草稿"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attachments",
        help_text=_("当前引用它的草稿；从草稿中删除后为空，仍被已提交版本引用时文件保留。"),
    )
    slot = models.CharField(_("附件类别"), max_length=40)
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=32)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("字节数"))
    width = models.PositiveIntegerField(_("宽（像素）"))
    height = models.PositiveIntegerField(_("高（像素）"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    from_registration = models.BooleanField(
        _("注册时上传"),
        default=False,
        db_default=False,  # rows the previous version inserts during a rolling deploy get it too
        help_text=_("开始信息采集时由注册时上传的身份证件照片复制而来（只在草稿创建时复制一次）。"),
    )
    answers_fingerprint = models.CharField(
        _("信息表依据的内容指纹"),
        max_length=64,
        blank=True,
        help_text=_(
            "签字的个人基本信息表：生成该表时填写内容的指纹；与当前内容不同则需重新生成、签字、上传。"
        ),
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["slot", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.slot} {self.uuid}"


REFERENCE_LENGTH = 8


def reference_of(submission_uuid: uuid.UUID) -> str:
    """A submission's 登记编号: the first 8 hex digits of its uuid, upper case."""
    return submission_uuid.hex[:REFERENCE_LENGTH].upper()


def uuid_range_of_reference(text: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The uuids whose 登记编号 is ``text`` (any case), as the lowest and highest: a range on the indexed
    uuid column; None when ``text`` is not one."""
    reference = text.lower()
    if len(reference) != REFERENCE_LENGTH or any(char not in "0123456789abcdef" for char in reference):
        return None
    pad = 32 - REFERENCE_LENGTH
    return uuid.UUID(reference + "0" * pad), uuid.UUID(reference + "f" * pad)


class Submission(ChoiceLabels, models.Model):
    """One request by a person: a first collection, a change or a transfer, from draft to decision.

    ``answers`` holds each section's answers as the person typed them (so nothing is lost even when a
    section does not validate yet); a revision keeps the validated copy that was submitted.
    """

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    kind = models.CharField(
        _("类型"), max_length=16, choices=SubmissionKind.choices, default=SubmissionKind.INITIAL
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(
        _("版本号"), default=1, help_text=_("每次保存加一；用于发现两个窗口同时编辑同一草稿。")
    )
    answers = models.JSONField(_("填报内容"), default=dict, blank=True)
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("已阅读的须知版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("审核部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions_to_review",
    )
    releasing_department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("调出部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        help_text=_("调转时原来的会计管理部门；它在自己的记录中能看到这次调转。"),
    )
    basic_info_generated_from = models.CharField(
        _("最近生成的信息表的内容指纹"),
        max_length=64,
        blank=True,
        help_text=_("申请人最近一次下载个人基本信息表时填写内容的指纹；此后上传的签字表以它为准。"),
    )
    based_on = models.ForeignKey(
        "collection.Revision",
        verbose_name=_("变更所依据的已通过版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="changes",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    due_on = models.DateField(_("审核截止日期"), null=True, blank=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    reminded_at = models.DateTimeField(
        _("提醒时间"), null=True, blank=True, help_text=_("最近一次提醒申请人完成或按意见修改的时间")
    )

    class Meta:
        verbose_name = _("信息登记")
        verbose_name_plural = _("信息登记")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_submission_per_applicant",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status", "due_on"], name="submission_queue"),
            # The review queue at any scope: its COUNT is an index-only scan and its pages are read in
            # order (due_on, submitted_at, id), the scope filtered on the index (see bench/review_bench.py).
            models.Index(
                fields=["due_on", "submitted_at", "id", "department", "releasing_department"],
                condition=Q(status="pending"),
                name="submission_pending_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_status_display()}"

    # What the services read once per instance (collection.services.answers): forgotten on refresh.
    READ_ONCE = ("_attachments_read", "_validated_answers")

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        for name in self.READ_ONCE:
            self.__dict__.pop(name, None)
        super().refresh_from_db(*args, **kwargs)

    def attachments_changed(self) -> None:
        """An attachment was added, removed or stamped (or what the signed form is compared with changed):
        forget what this instance read of them and move ``updated_at``, which keys the cached task states
        (``collection.selectors.task_states``). Call it in the transaction of the change."""
        self.__dict__.pop("_attachments_read", None)
        self.updated_at = timezone.now()
        Submission.objects.filter(pk=self.pk).update(updated_at=self.updated_at)

    @property
    def reference(self) -> str:
        """A short reference people can read out on the phone."""
        return reference_of(self.uuid)


class Revision(models.Model):
    """What was submitted, as it was: validated answers and the attachments they pointed at. Immutable."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("信息登记"), on_delete=models.PROTECT, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("第几次提交"))
    answers = models.JSONField(_("提交内容"))
    attachments = models.ManyToManyField(
        Attachment, verbose_name=_("附件"), related_name="revisions", blank=True
    )
    notice = models.ForeignKey(
        Notice, verbose_name=_("须知版本"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "regions.Department", verbose_name=_("审核部门"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    due_on = models.DateField(_("审核截止日期"))
    # Who the person was when they submitted: the archive takes these, not the live account (an appeal
    # may release the account's number before the reviewer approves).
    document_type = models.CharField(_("证件类型"), max_length=32, blank=True)
    document_number = models.CharField(
        _("证件号码"), max_length=64, blank=True, help_text=_("提交时账号的证件号码；审核通过后写入档案。")
    )
    full_name = models.CharField(_("姓名"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("提交版本")
        verbose_name_plural = _("提交版本")
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="unique_revision_number"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} #{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("a revision is immutable")
        super().save(*args, **kwargs)


class CollectionWindow(models.Model):
    """采集时间: when submissions of one kind may be sent to a department (and those below it, unless one
    of them has windows of its own). A kind with no window anywhere above is always open."""

    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("部门"),
        on_delete=models.CASCADE,
        related_name="collection_windows",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=SubmissionKind.choices)
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(
        _("结束时间"), null=True, blank=True, help_text=_("留空表示不设结束时间")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("显示给申请人，例如通知文号"))
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)

    class Meta:
        verbose_name = _("采集时间")
        verbose_name_plural = _("采集时间")
        indexes = [models.Index(fields=["department", "kind"], name="collection_window_dept_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__isnull=True) | models.Q(closes_at__gt=models.F("opens_at")),
                name="collection_window_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.get_kind_display()} {self.opens_at:%Y-%m-%d}"

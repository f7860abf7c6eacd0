import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels
from kuaiji.core.constants import DocumentType, Sex

from .constants import (
    AccountType,
    AppealReason,
    AppealStatus,
    IdentityPhotoKind,
    SmsKind,
    SmsPurpose,
    SmsState,
)


class UserManager(BaseUserManager["User"]):
    def create_user(self, username: str | None = None, password: str | None = None, **fields: Any) -> "User":
        user = self.model(username=username or None, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.setdefault("account_type", AccountType.STAFF)
        fields.setdefault("full_name", username)
        return self.create_user(username, password, is_staff=True, is_superuser=True, **fields)


class User(ChoiceLabels, AbstractBaseUser, PermissionsMixin):
    """One account model for applicants and staff.

    Applicants sign in with their document number (or verified mobile); staff with a user name.
    """

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    account_type = models.CharField(
        _("账号类型"), max_length=16, choices=AccountType.choices, default=AccountType.APPLICANT
    )
    username = models.CharField(
        _("工作人员用户名"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("仅工作人员使用；会计人员以证件号码登录。"),
    )
    document_type = models.CharField(
        _("证件类型"), max_length=32, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    # NULL, not "", for staff: the unique constraint must not treat every staff member as one number.
    document_number = models.CharField(_("证件号码"), max_length=32, null=True, blank=True)  # noqa: DJ001
    full_name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    mobile_verified_at = models.DateTimeField(_("手机号验证时间"), null=True, blank=True)
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("所属会计管理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("工作人员所属部门，决定其可见范围。"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    is_staff = models.BooleanField(
        _("可进入后台管理"), default=False, help_text=_("仅平台管理员需要 Django 管理后台。")
    )
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    legacy_holder = models.OneToOneField(
        "accounts.LegacyHolder",
        verbose_name=_("原持证人员记录"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")
        constraints = [
            models.UniqueConstraint(
                fields=["document_type", "document_number"],
                condition=Q(document_number__isnull=False),
                name="unique_document_per_type",
            ),
            models.UniqueConstraint(
                fields=["mobile"],
                condition=Q(account_type="applicant") & ~Q(mobile=""),
                name="unique_applicant_mobile",
            ),
            models.CheckConstraint(
                condition=~Q(account_type="applicant") | Q(document_number__isnull=False),
                name="applicant_has_document_number",
            ),
            models.CheckConstraint(
                condition=~Q(account_type="staff") | Q(username__isnull=False),
                name="staff_has_username",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or (self.username or "")

    @property
    def is_applicant(self) -> bool:
        return self.account_type == AccountType.APPLICANT

    @property
    def is_staff_member(self) -> bool:
        return self.account_type == AccountType.STAFF


class SmsCode(models.Model):
    """A 6-digit code sent by SMS. Only its hash is stored."""

    mobile = models.CharField(_("手机号码"), max_length=11, db_index=True)
    purpose = models.CharField(_("用途"), max_length=32, choices=SmsPurpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=128)
    client_ip = models.GenericIPAddressField(_("请求地址"))
    created_at = models.DateTimeField(_("发送时间"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("失效时间"))
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["client_ip", "created_at"], name="smscode_ip_created")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.created_at:%Y-%m-%d %H:%M}"


class SmsDelivery(models.Model):
    """One SMS handed to the provider, and what became of it: the support staff's delivery log.

    A message with a code keeps no text (only its kind: "验证码短信（注册）"), so no code is ever stored
    or shown here; a notice keeps its words. Rows go after ``KUAIJI_SMS_LOG_RETENTION_DAYS``
    (``prune_sms_texts``)."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    mobile = models.CharField(_("手机号码"), max_length=11, db_index=True)
    kind = models.CharField(_("短信类型"), max_length=32, choices=SmsKind.choices)
    text = models.TextField(
        _("短信内容"), blank=True, help_text=_("只保存通知的内容；含验证码的短信不保存内容。")
    )
    state = models.CharField(_("发送状态"), max_length=16, choices=SmsState.choices, default=SmsState.QUEUED)
    provider_message_id = models.CharField(_("服务商短信编号"), max_length=100, blank=True, db_index=True)
    provider_reason = models.CharField(
        _("失败原因"), max_length=200, blank=True, help_text=_("服务商给出的原因，或发送时的错误。")
    )
    attempts = models.PositiveSmallIntegerField(_("发送尝试次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("回执时间"), null=True, blank=True)
    resent_from = models.ForeignKey(
        "self",
        verbose_name=_("重发自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resends",
    )
    resent_by = models.ForeignKey(
        User,
        verbose_name=_("重发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("短信发送记录")
        verbose_name_plural = _("短信发送记录")
        indexes = [models.Index(fields=["mobile", "created_at"], name="smsdelivery_mobile_created")]
        constraints = [
            # Support resends a message once.
            models.UniqueConstraint(
                fields=["resent_from"], condition=Q(resent_from__isnull=False), name="smsdelivery_resent_once"
            ),
            models.CheckConstraint(
                condition=Q(kind=SmsKind.NOTICE) | Q(text=""), name="smsdelivery_code_texts_not_kept"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def has_code(self) -> bool:
        return self.kind != SmsKind.NOTICE

    @property
    def description(self) -> str:
        """What support may read: a notice's words, or only that a code was sent."""
        if self.has_code:
            return f"验证码短信（{self.get_kind_display()}）"
        return self.text


class IdentityPhoto(models.Model):
    """A re-encoded photo of an identity document, kept in private storage.

    Uploaded before the account exists (registration, appeals), so it is held by the form through
    its uuid until the account or appeal claims it; unclaimed ones are pruned.
    """

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("照片类型"), max_length=16, choices=IdentityPhotoKind.choices)
    file = models.FileField(_("文件"), upload_to="identity/%Y/%m/")
    content_type = models.CharField(_("文件类型"), max_length=32)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("字节数"))
    width = models.PositiveIntegerField(_("宽（像素）"))
    height = models.PositiveIntegerField(_("高（像素）"))
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    owner = models.ForeignKey(
        User,
        verbose_name=_("所属账号"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_photos",
    )
    appeal = models.ForeignKey(
        "accounts.AccountAppeal",
        verbose_name=_("所属申诉"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="photos",
    )
    upload_session = models.CharField(
        _("上传会话"), max_length=64, blank=True, help_text=_("认领前，只有上传它的浏览器会话可以使用。")
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("证件照片")
        verbose_name_plural = _("证件照片")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid}"


class LegacyHolder(models.Model):
    """A holder of the former accounting certificate, imported from an old register."""

    document_type = models.CharField(
        _("证件类型"), max_length=32, choices=DocumentType.choices, default=DocumentType.RESIDENT_ID
    )
    document_number = models.CharField(_("证件号码"), max_length=32)
    full_name = models.CharField(_("姓名"), max_length=50)
    certificate_number = models.CharField(_("会计从业资格证书编号"), max_length=64, blank=True)
    # Rows the previous version inserts during a rolling deploy get "" too (0017).
    sex = models.CharField(
        _("性别"), max_length=8, choices=Sex.choices, blank=True, default="", db_default=""
    )
    mobile = models.CharField(
        _("联系电话"),
        max_length=11,
        blank=True,
        default="",
        db_default="",
        help_text=_("名单上的，未经验证。"),
    )
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True, default="", db_default="")
    issuing_region = models.CharField(_("发证地区"), max_length=100, blank=True, default="", db_default="")
    source_file = models.CharField(_("来源文件"), max_length=255)
    source_row = models.PositiveIntegerField(_("来源行号"))
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    activated_at = models.DateTimeField(_("激活时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("原持证人员")
        verbose_name_plural = _("原持证人员")
        constraints = [
            models.UniqueConstraint(fields=["document_type", "document_number"], name="unique_legacy_holder"),
        ]

    def __str__(self) -> str:
        return self.full_name


class AccountAppeal(models.Model):
    """An appeal by a person who cannot register or sign in (账号申诉)."""

    uuid = models.UUIDField(_("申诉编号"), default=uuid.uuid4, unique=True, editable=False)
    reason = models.CharField(_("申诉原因"), max_length=32, choices=AppealReason.choices)
    document_type = models.CharField(_("证件类型"), max_length=32, choices=DocumentType.choices)
    document_number = models.CharField(_("证件号码"), max_length=32)
    full_name = models.CharField(_("姓名"), max_length=50)
    new_mobile = models.CharField(_("新手机号码"), max_length=11, help_text=_("已通过短信验证。"))
    explanation = models.TextField(_("情况说明"), max_length=1000, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    decision_reason = models.TextField(_("处理意见"), blank=True)
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("处理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
        help_text=_("证件号码所属地区的会计管理部门（无法确定时为省级部门）。"),
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    client_ip = models.GenericIPAddressField(_("提交地址"))
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号申诉")
        verbose_name_plural = _("账号申诉")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.created_at:%Y-%m-%d}"


class UserSession(models.Model):
    """Which server-side sessions belong to which account, so they can be ended on the server."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    client_ip = models.GenericIPAddressField(_("登录地址"))
    created_at = models.DateTimeField(_("登录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """An in-site message to a person (审核结果等)."""

    user = models.ForeignKey(
        User, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:30]

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuaiji.core.choice_labels import ChoiceLabels


class ArchiveRecord(ChoiceLabels, models.Model):
    """A person's current approved data (人员档案), with the searchable facts as columns."""

    uuid = models.UUIDField(_("公开编号"), default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="archive_record",
    )
    current_version = models.ForeignKey(
        "archive.ArchiveVersion",
        verbose_name=_("当前版本"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    full_name = models.CharField(_("姓名"), max_length=50, db_index=True)
    document_type = models.CharField(_("证件类型"), max_length=32)
    document_number = models.CharField(_("证件号码"), max_length=32, db_index=True)
    mobile = models.CharField(_("手机号码"), max_length=11, blank=True)
    department = models.ForeignKey(
        "regions.Department",
        verbose_name=_("会计管理部门"),
        on_delete=models.PROTECT,
        related_name="archive_records",
    )
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    qualification_level = models.CharField(_("专业技术资格"), max_length=16, blank=True)
    education_level = models.CharField(_("全日制学历"), max_length=32, blank=True)
    # Two answers the statistics count, copied from the current version's answers (``services.FACTS``)
    # so that counting them reads a narrow column instead of each version's answers JSON (0025).
    accounting_post = models.CharField(
        _("会计专业技术职务"),
        max_length=16,
        blank=True,
        default="",
        db_default="",
        help_text=_("当前版本“专业技术资格”中的会计专业技术职务，供统计使用。"),
    )
    employer_nature = models.CharField(
        _("单位性质"),
        max_length=32,
        blank=True,
        default="",
        db_default="",
        help_text=_("当前版本“工作单位”中的单位性质，供统计使用；无工作单位时为空。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("人员档案")
        verbose_name_plural = _("人员档案")
        indexes = [
            models.Index(fields=["department", "full_name"], name="archive_department_name"),
            models.Index(fields=["department", "-updated_at"], name="archive_department_updated"),
            # A search over many departments (a province's scope) reads newest first and stops after a
            # page instead of sorting every match; with the department and the name in the index, the
            # page's ids of a name search are an index-only read (see bench/review_bench.py).
            models.Index(
                fields=["-updated_at", "id", "department", "full_name"], name="archive_updated_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class ArchiveVersion(models.Model):
    """One approved version of a person's data: which revision, who approved it, when. Immutable."""

    record = models.ForeignKey(
        ArchiveRecord, verbose_name=_("人员档案"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本"))
    revision = models.OneToOneField(
        "collection.Revision",
        verbose_name=_("来源提交版本"),
        on_delete=models.PROTECT,
        related_name="archive_version",
    )
    answers = models.JSONField(_("审核通过的内容"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("审核通过时间"), default=timezone.now)

    class Meta:
        verbose_name = _("档案版本")
        verbose_name_plural = _("档案版本")
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="unique_archive_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("an archive version is immutable")
        super().save(*args, **kwargs)

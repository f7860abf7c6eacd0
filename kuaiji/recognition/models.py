"""What was read from a photo of an ID card's front."""

import uuid

from django.db import models
from django.utils import timezone

from .constants import ReadingFailure, ReadingState


class CardReading(models.Model):
    """One reading of one image, found by the image's SHA-256.

    A reading depends on the image's bytes alone, so the registration photo and the copy of it in the
    applicant's 信息登记 (same bytes) share one; what it is compared with (the name and number typed)
    belongs to whoever asks, and is compared when they ask (``selectors.card_check``). The state
    written here may be left at 识别中 by a worker that died: what is shown is ``selectors.effective_state``,
    which ends every reading at the time limit.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    file_name = models.CharField("文件", max_length=255)
    state = models.CharField(
        "状态", max_length=16, choices=ReadingState.choices, default=ReadingState.PENDING
    )
    failure = models.CharField(
        "未能识别的原因",
        max_length=16,
        choices=ReadingFailure.choices,
        blank=True,
        default=ReadingFailure.NONE,
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    requested_at = models.DateTimeField("请求时间", default=timezone.now)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    name = models.CharField("姓名", max_length=64, blank=True)
    sex = models.CharField("性别", max_length=4, blank=True)
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    birth_date = models.DateField("出生", null=True, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    number = models.CharField("公民身份号码", max_length=32, blank=True)
    number_valid = models.BooleanField("校验位正确", default=False)
    engine = models.CharField("识别程序", max_length=80, blank=True)
    seconds = models.FloatField("用时（秒）", null=True, blank=True)

    class Meta:
        verbose_name = "证件识别结果"
        verbose_name_plural = "证件识别结果"

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.uuid}"

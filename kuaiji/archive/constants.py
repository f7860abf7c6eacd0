"""Words of the archive shown outside it."""

from django.db import models


class CollectionStanding(models.TextChoices):
    """Where a person stands in the information collection, as other systems and the public lookup say it:
    an approved archive record, else their latest submission waiting for a reviewer, else nothing yet."""

    COMPLETED = "completed", "已完成信息采集"
    IN_REVIEW = "in_review", "信息采集审核中"
    NOT_COMPLETED = "not_completed", "未完成信息采集"

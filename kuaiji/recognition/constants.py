from django.db import models


class ReadingState(models.TextChoices):
    PENDING = "pending", "排队中"
    READING = "reading", "识别中"
    DONE = "done", "已识别"
    UNREADABLE = "unreadable", "未能识别"


class ReadingFailure(models.TextChoices):
    NONE = "", "—"
    NO_TEXT = "no_text", "照片上没有找到证件文字"
    ENGINE_ERROR = "engine_error", "识别程序出错"
    NOT_INSTALLED = "not_installed", "本平台未安装识别程序"
    TIMEOUT = "timeout", "识别超时"
    WORKER_LOST = "worker_lost", "识别进程中断"

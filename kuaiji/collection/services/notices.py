"""New versions of the wizard's notice (阅读须知). A save never changes a version: it adds the next one, so
a submission keeps the version its applicant read (``Submission.notice``, ``Revision.notice``)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.validators import has_control_characters

from ..models import Notice


class NoticeConflict(Exception):
    """Another version was saved after the one the editor started from; ``current`` is the newest."""

    def __init__(self, current: Notice | None) -> None:
        super().__init__("notice changed")
        self.current = current


def notice_history() -> QuerySet[Notice]:
    """Every version, newest first, with who saved it."""
    return Notice.objects.select_related("created_by").order_by("-version")


def clean_notice_text(body: str) -> str:
    """The body as stored: plain text, a paragraph a line (the wizard escapes each line as it shows it;
    no HTML is ever rendered from it), line endings made ``\\n``, trailing spaces and blank lines at
    either end dropped."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def publish_notice_version(
    *, staff: Any, title: str, body: str, based_on: int, request: Any = None
) -> Notice:
    """Save ``title`` and ``body`` as the next version of the notice, audited.

    ``based_on`` is the version the editor's page showed (0 when there was none): if another version was
    saved since, nothing is saved and NoticeConflict says which is current (two tabs, two editors).
    Raises ValidationError (keyed by field) for an empty or unprintable text, or one equal to the current
    version. The caller checked the permission (``announcements.permissions.may_edit_reading_notice``).
    """
    title, body = title.strip(), clean_notice_text(body)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "请填写标题"
    elif has_control_characters(title):
        errors["title"] = "标题中有无法显示的字符，请删除后重新输入"
    if not body.strip():
        errors["body"] = "请填写须知内容"
    elif has_control_characters(body):
        errors["body"] = "内容中有无法显示的字符，请删除后重新输入"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Notice.objects.select_for_update().order_by("-version").first()
        if (current.version if current else 0) != based_on:
            raise NoticeConflict(current)
        if current is not None and (current.title, current.body) == (title, body):
            raise ValidationError({"body": f"内容与当前第 {current.version} 版相同，没有需要保存的修改"})
        try:
            with transaction.atomic():  # a savepoint: the unique version decides a race
                notice = Notice.objects.create(
                    version=based_on + 1,
                    title=title,
                    body=body,
                    published_at=timezone.now(),
                    created_by=staff,
                )
        except IntegrityError as error:
            raise NoticeConflict(Notice.objects.order_by("-version").first()) from error
        record_event(
            action=AuditAction.NOTICE_VERSION_PUBLISHED,
            actor=staff,
            target=notice,
            request=request,
            details={"version": notice.version, "title": notice.title, "previous_version": based_on or None},
        )
    return notice

"""Attachments and the portrait of a submission."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import delete_stored_file, save_clean_image
from kuaiji.recognition.services import request_reading

from ..attachments import required_attachments
from ..constants import EDITABLE_STATUSES
from ..identity_photos import ID_FRONT_SLOT
from ..models import Attachment, Submission
from .answers import PORTRAIT_SLOT, validated_answers
from .drafts import _unflag
from .errors import NotEditable

if TYPE_CHECKING:
    from kuaiji.core.images import CleanImage
    from kuaiji.core.portraits import Portrait


def _unflag_attachment_slot(submission: Submission, slot: str) -> None:
    section = "basic_info_form" if slot == "basic_info_form" else "attachments"
    if section in submission.answers.get("_flagged_sections", []):
        answers = dict(submission.answers)
        _unflag(answers, section)
        # One statement: the flag and the moved updated_at (which keys the cached task states) together.
        submission.updated_at = timezone.now()
        Submission.objects.filter(pk=submission.pk).update(answers=answers, updated_at=submission.updated_at)
        submission.answers = answers


def _store_attachment(
    submission: Submission, *, slot: str, image: "CleanImage", original_name: str
) -> Attachment:
    name = save_clean_image(image, prefix="attachments")
    try:
        with transaction.atomic():
            submission.attachments_changed()
            return Attachment.objects.create(
                owner=submission.applicant,
                submission=submission,
                slot=slot,
                file=name,
                content_type=image.content_type,
                sha256=image.sha256,
                size=image.size,
                width=image.width,
                height=image.height,
                original_name=original_name[:200],
            )
    except Exception:
        delete_stored_file(name)  # no orphan file when the row could not be written
        raise


def add_attachment(submission: Submission, *, slot: str, upload: UploadedFile) -> Attachment:
    """Check, re-encode and store one image of ``slot``. Raises ValidationError."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改附件")
    slots = {req.slot: req for req in required_attachments(validated_answers(submission))}
    if slot not in slots:
        raise ValidationError("根据您填写的信息，不需要上传这类附件", code="slot_not_required")
    if submission.attachments.filter(slot=slot).count() >= slots[slot].max_files:
        raise ValidationError(
            f"{slots[slot].label}最多上传 {slots[slot].max_files} 张", code="too_many_files"
        )
    image = clean_image_upload(upload, max_bytes=settings.KUAIJI_IMAGE_MAX_BYTES)
    attachment = _store_attachment(
        submission, slot=slot, image=image, original_name=getattr(upload, "name", "") or ""
    )
    _unflag_attachment_slot(submission, slot)
    from .. import form_status  # it reads answers through this package

    if slot == form_status.SIGNED_FORM_SLOT:
        form_status.stamp_signed_form(submission, attachment)
    if slot == ID_FRONT_SLOT:
        # A new photo of the card's front is read as the registration's was, for the reviewer.
        request_reading(file_name=attachment.file.name, sha256=attachment.sha256)
    return attachment


def set_portrait(submission: Submission, *, portrait: "Portrait", original_name: str = "") -> Attachment:
    """Replace the 1-inch photo with ``portrait`` (a normalised kuaiji.core.portraits.Portrait)."""
    from kuaiji.core.images import CleanImage

    image = CleanImage(
        content=portrait.content,
        format="JPEG",
        content_type="image/jpeg",
        extension=".jpg",
        width=portrait.width,
        height=portrait.height,
        size=portrait.size,
        sha256=portrait.sha256,
    )
    old = list(submission.attachments.filter(slot=PORTRAIT_SLOT))
    attachment = _store_attachment(submission, slot=PORTRAIT_SLOT, image=image, original_name=original_name)
    for previous in old:
        remove_attachment(submission, attachment=previous)
    return attachment


def remove_attachment(submission: Submission, *, attachment: Attachment) -> None:
    """Take an image out of the draft; its file is deleted unless a submitted revision still uses it."""
    if submission.status not in EDITABLE_STATUSES:
        raise NotEditable("待审核期间不能修改附件")
    name = attachment.file.name
    with transaction.atomic():
        submission.attachments_changed()
        kept_by_revision = attachment.revisions.exists()
        if kept_by_revision:
            Attachment.objects.filter(pk=attachment.pk).update(submission=None)
        else:
            attachment.delete()
        shared = Attachment.objects.filter(file=name).exists()
    if not kept_by_revision and not shared:
        transaction.on_commit(lambda: delete_stored_file(name))
    _unflag_attachment_slot(submission, attachment.slot)

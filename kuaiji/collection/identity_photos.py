"""The ID-card photos given at registration fill the ID-card slots of a new collection (defect 13).

The person is not asked for the same photos twice. Each is copied to a new stored file (deleting or
replacing the attachment must never remove the registration's photo) marked ``from_registration``; the
slot's 删除 button is the way to replace it.

``start_collection`` calls this once, when it creates the submission, and nothing else does: a photo the
person removed or replaced is never put back (pressing 开始 again, or a second ``POST /me/submission``,
returns the open submission untouched).
"""

import logging
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction

from kuaiji.accounts.constants import IdentityPhotoKind
from kuaiji.accounts.models import IdentityPhoto

from .models import Attachment, Submission

logger = logging.getLogger(__name__)

#: The slot of the card's front, the one photo read by kuaiji.recognition.
ID_FRONT_SLOT = "id_front"
SLOT_OF_KIND = {IdentityPhotoKind.FRONT: ID_FRONT_SLOT, IdentityPhotoKind.BACK: "id_back"}


@transaction.atomic
def reuse_identity_photos(submission: Submission) -> list[Attachment]:
    """Copy the owner's registration photos into the empty ID-card slots; returns what was added.

    Called by ``start_collection`` on the submission it has just created; a slot that already has a file is
    left alone."""
    added: list[Attachment] = []
    taken = set(submission.attachments.values_list("slot", flat=True))
    photos = IdentityPhoto.objects.filter(owner=submission.applicant, kind__in=list(SLOT_OF_KIND))
    for photo in photos.order_by("pk"):
        slot = SLOT_OF_KIND[IdentityPhotoKind(photo.kind)]
        if slot in taken:
            continue
        try:
            with photo.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            # The stored photo is gone (storage restored from an older backup …): the slot simply asks
            # for it, as it would have without the reuse; starting must not fail.
            logger.warning("registration photo %s has no file; slot %s left empty", photo.uuid, slot)
            continue
        attachment = Attachment(
            owner=submission.applicant,
            submission=submission,
            slot=slot,
            content_type=photo.content_type,
            sha256=photo.sha256,
            size=photo.size,
            width=photo.width,
            height=photo.height,
            original_name=photo.original_name or "注册时上传的证件照片",
            from_registration=True,
        )
        attachment.file.save(f"{slot}{PurePath(photo.file.name).suffix}", ContentFile(content), save=False)
        attachment.save()
        submission.attachments_changed()
        taken.add(slot)
        added.append(attachment)
    return added

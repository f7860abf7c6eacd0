"""Photos of identity documents uploaded during a registration or an appeal."""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kuaiji.core.images import clean_image_upload
from kuaiji.core.storage import save_clean_image
from kuaiji.recognition.services import forget_readings, request_reading

from ..constants import IdentityPhotoKind
from ..models import IdentityPhoto, User


def store_identity_photo(
    *,
    upload: UploadedFile,
    kind: str,
    upload_session: str,
    owner: User | None = None,
    client_ip: str = "",
) -> IdentityPhoto:
    """Check, re-encode and store a photo of an identity document. Raises ValidationError.

    The front of the card is read in the background at once (``request_reading``): the registration page
    shows the result in seconds and reviewers see it beside the photo."""
    image = clean_image_upload(upload)
    name = save_clean_image(image, prefix="identity")
    try:
        photo = IdentityPhoto.objects.create(
            kind=kind,
            file=name,
            content_type=image.content_type,
            sha256=image.sha256,
            size=image.size,
            width=image.width,
            height=image.height,
            original_name=(getattr(upload, "name", "") or "")[:200],
            owner=owner,
            upload_session=upload_session,
        )
    except Exception:
        # No orphan file when the row could not be written.
        from kuaiji.core.storage import delete_stored_file

        delete_stored_file(name)
        raise
    if kind == IdentityPhotoKind.FRONT:
        request_reading(file_name=name, sha256=image.sha256, client_ip=client_ip)
    return photo


def pending_identity_photo(
    *, photo_uuid: uuid.UUID | str | None, upload_session: str, kind: str
) -> IdentityPhoto | None:
    """A photo this browser uploaded and nobody has claimed yet."""
    if not photo_uuid or not upload_session:
        return None
    try:
        return IdentityPhoto.objects.filter(
            uuid=photo_uuid, upload_session=upload_session, kind=kind, owner__isnull=True, appeal__isnull=True
        ).first()
    except ValidationError:
        return None


def prune_unclaimed_identity_photos(*, older_than: timedelta | None = None) -> int:
    """Delete photos uploaded during a registration or appeal that was never completed, and their files.

    Run daily (``manage.py prune_identity_photos``). A photo is unclaimed when neither an account nor an
    appeal owns it; the default grace period (one day) outlives any form a person is still filling in.
    """
    from datetime import timedelta

    from kuaiji.core.storage import delete_stored_file

    cutoff = timezone.now() - (older_than or timedelta(days=1))
    pruned = 0
    stale = IdentityPhoto.objects.filter(owner__isnull=True, appeal__isnull=True, created_at__lt=cutoff)
    for photo in stale.iterator():
        name = photo.file.name
        with transaction.atomic():
            deleted, _ = IdentityPhoto.objects.filter(
                pk=photo.pk, owner__isnull=True, appeal__isnull=True
            ).delete()
            # What was read off the card goes with the photo, unless the same image is kept elsewhere.
            if deleted and not IdentityPhoto.objects.filter(sha256=photo.sha256).exists():
                forget_readings([photo.sha256])
        if deleted:
            delete_stored_file(name)
            pruned += 1
    return pruned

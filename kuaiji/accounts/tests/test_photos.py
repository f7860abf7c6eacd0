"""Unclaimed ID photos (a registration or appeal never finished) are pruned with their files; claimed
ones and recent ones stay."""

from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

import pytest

from kuaiji.accounts.constants import IdentityPhotoKind
from kuaiji.accounts.models import IdentityPhoto
from kuaiji.accounts.services import store_identity_photo

from .factories import ApplicantFactory
from .helpers import jpeg_bytes


def _store(**kwargs):
    upload = SimpleUploadedFile("front.jpg", jpeg_bytes(320, 200), content_type="image/jpeg")
    return store_identity_photo(upload=upload, kind=IdentityPhotoKind.FRONT, upload_session="s", **kwargs)


@pytest.mark.django_db
def test_prune_removes_only_old_unclaimed_photos_and_their_files(capsys):
    old_unclaimed = _store()
    recent_unclaimed = _store()
    old_claimed = _store(owner=ApplicantFactory())
    IdentityPhoto.objects.filter(pk__in=[old_unclaimed.pk, old_claimed.pk]).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    call_command("prune_identity_photos")
    assert "pruned 1" in capsys.readouterr().out
    assert set(IdentityPhoto.objects.values_list("pk", flat=True)) == {recent_unclaimed.pk, old_claimed.pk}
    assert not default_storage.exists(old_unclaimed.file.name)
    assert default_storage.exists(recent_unclaimed.file.name)
    assert default_storage.exists(old_claimed.file.name)

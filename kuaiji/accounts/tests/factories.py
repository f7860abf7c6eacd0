"""Factories for accounts: generated people only (valid check digits, made-up names)."""

import random
from typing import Any

from django.utils import timezone

import factory

from kuaiji.accounts.constants import AccountType
from kuaiji.accounts.models import LegacyHolder, User
from kuaiji.core.constants import DocumentType
from kuaiji.core.fakes import fake_mobile, fake_person_name, fake_resident_id

rng = random.Random(20261125)

PASSWORD = "Kuaiji2026pass"


class ApplicantFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    account_type = AccountType.APPLICANT
    document_type = DocumentType.RESIDENT_ID
    # Declared as Any: StaffFactory replaces the generated values with plain ones.
    document_number: Any = factory.LazyFunction(lambda: fake_resident_id(rng=rng))
    full_name = factory.LazyFunction(lambda: fake_person_name(rng=rng))
    mobile: Any = factory.LazyFunction(lambda: fake_mobile(rng=rng))
    mobile_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(ApplicantFactory):
    """A member of staff with a confirmed TOTP device (its key is ``STAFF_TOTP_KEY``)."""

    account_type = AccountType.STAFF
    username = factory.Sequence(lambda n: f"staff{n}")
    document_number = None
    mobile = ""

    @factory.post_generation
    def totp_device(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            TOTPDevice.objects.create(user=obj, name="test", key=STAFF_TOTP_KEY, confirmed=True)


STAFF_TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, hex


def current_token(user: User) -> str:
    """The code the staff member's authenticator shows now; lets the same code be used again in a test."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in_staff(client, user, *, password=PASSWORD):
    """Password, then the TOTP code, through the pages."""
    response = client.post("/staff/sign-in/", {"username": user.username, "password": password})
    assert response.status_code == 302, response.status_code
    response = client.post("/staff/sign-in/verify/", {"token": current_token(user)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


class LegacyHolderFactory(factory.django.DjangoModelFactory[LegacyHolder]):
    class Meta:
        model = LegacyHolder

    document_type = DocumentType.RESIDENT_ID
    document_number = factory.LazyFunction(lambda: fake_resident_id(rng=rng))
    full_name = factory.LazyFunction(lambda: fake_person_name(rng=rng))
    certificate_number = factory.Sequence(lambda n: f"63010{n:07d}")
    source_file = "old-register.csv"
    source_row = factory.Sequence(lambda n: n + 2)

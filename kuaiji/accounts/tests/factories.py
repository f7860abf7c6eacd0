"""Factories for accounts: generated people only (valid check digits, made-up names)."""

import random

from django.utils import timezone

import factory

from kuaiji.accounts.constants import AccountType
from kuaiji.accounts.models import LegacyHolder, User
from kuaiji.core.constants import DocumentType
from kuaiji.core.fakes import fake_mobile, fake_person_name, fake_resident_id

rng = random.Random(20261125)

PASSWORD = "Kuaiji2026pass"


class ApplicantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    account_type = AccountType.APPLICANT
    document_type = DocumentType.RESIDENT_ID
    document_number = factory.LazyFunction(lambda: fake_resident_id(rng=rng))
    full_name = factory.LazyFunction(lambda: fake_person_name(rng=rng))
    mobile = factory.LazyFunction(lambda: fake_mobile(rng=rng))
    mobile_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(ApplicantFactory):
    account_type = AccountType.STAFF
    username = factory.Sequence(lambda n: f"staff{n}")
    document_number = None
    mobile = ""


class LegacyHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LegacyHolder

    document_type = DocumentType.RESIDENT_ID
    document_number = factory.LazyFunction(lambda: fake_resident_id(rng=rng))
    full_name = factory.LazyFunction(lambda: fake_person_name(rng=rng))
    certificate_number = factory.Sequence(lambda n: f"63010{n:07d}")
    source_file = "old-register.csv"
    source_row = factory.Sequence(lambda n: n + 2)

"""Writing the archive. Called by the review decision, inside its transaction."""

from typing import TYPE_CHECKING

from django.utils import timezone

from kuaiji.regions.models import Department

from .models import ArchiveRecord, ArchiveVersion

if TYPE_CHECKING:
    from kuaiji.accounts.models import User
    from kuaiji.collection.models import Revision, Submission


def record_approval(*, submission: "Submission", revision: "Revision", reviewer: "User") -> ArchiveVersion:
    """The approved revision becomes the person's current archive version; earlier ones are kept."""
    answers = revision.answers
    personal = answers.get("personal", {})
    employer = answers.get("employer", {})
    department = Department.objects.get(pk=employer.get("management_department"))
    person = submission.applicant
    now = timezone.now()
    facts = {
        # Identity as the reviewer approved it (the revision), not the live account; revisions written
        # before it was kept fall back to the account.
        "full_name": revision.full_name or personal.get("full_name", person.full_name),
        "document_type": revision.document_type or person.document_type,
        "document_number": revision.document_number or person.document_number or "",
        "mobile": personal.get("mobile", ""),
        "department": department,
        "employer_name": employer.get("employer_name", ""),
        "credit_code": employer.get("credit_code", ""),
        "qualification_level": answers.get("qualification", {}).get("qualification_level", ""),
        "education_level": answers.get("education", {}).get("level", ""),
        "updated_at": now,
    }
    record, _ = ArchiveRecord.objects.select_for_update().get_or_create(person=person, defaults=facts)
    number = record.versions.count() + 1
    version = ArchiveVersion.objects.create(
        record=record,
        number=number,
        revision=revision,
        answers=answers,
        approved_by=reviewer,
        approved_at=now,
    )
    for field, value in facts.items():
        setattr(record, field, value)
    record.current_version = version
    record.save()
    return version

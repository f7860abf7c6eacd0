"""Writing the archive. Called by the review decision, inside its transaction."""

from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from kuaiji.regions.models import Department

from .models import ArchiveRecord, ArchiveVersion

if TYPE_CHECKING:
    from kuaiji.accounts.models import User
    from kuaiji.collection.models import Revision, Submission

# Answers copied onto the record as columns for the statistics (column: section, answer): read from the
# answers by ``record_approval`` and, in SQL, by ``refill_answer_columns``.
ANSWER_COLUMNS = {
    "accounting_post": ("qualification", "accounting_post"),
    "employer_nature": ("employer", "employer_nature"),
}


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
        **{
            column: answers.get(section, {}).get(answer) or ""
            for column, (section, answer) in ANSWER_COLUMNS.items()
        },
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


def refill_answer_columns(
    *, record_model: Any = ArchiveRecord, version_model: Any = ArchiveVersion, batch_size: int = 5000
) -> int:
    """Set every record's ``ANSWER_COLUMNS`` from its current version's answers, ``batch_size`` records
    an UPDATE (each its own statement, so a million records never hold one long lock); returns how many
    records were read. Idempotent. The migration that added the columns calls it with its historical
    models; ``manage.py refill_archive_answer_columns`` runs it again (e.g. after a rolling deploy, for
    records the previous version approved while the migration ran)."""
    last = record_model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    values = {
        column: Coalesce(
            Subquery(
                version_model.objects.filter(pk=OuterRef("current_version_id")).values(
                    value=KT(f"answers__{section}__{answer}")
                )[:1]
            ),
            Value(""),
        )
        for column, (section, answer) in ANSWER_COLUMNS.items()
    }
    updated = 0
    for start in range(0, last + 1, batch_size):
        updated += record_model.objects.filter(pk__gte=start, pk__lt=start + batch_size).update(**values)
    return updated

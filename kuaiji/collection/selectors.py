"""Reads across submissions that other apps and pages need."""

from .constants import Status
from .models import Revision

KNOWN_EMPLOYER_FIELDS = ("employer_name", "employer_nature", "employer_division", "employer_address")


def known_employer(credit_code: str) -> dict | None:
    """What the latest approved record says about the unit with ``credit_code`` (name, nature, region,
    address), or None. Organisational facts only — nothing about the person who entered them."""
    if not credit_code:
        return None
    revision = (
        Revision.objects.filter(
            submission__status=Status.APPROVED, answers__employer__credit_code=credit_code
        )
        .order_by("-submitted_at")
        .only("answers")
        .first()
    )
    if revision is None:
        return None
    employer = revision.answers.get("employer", {})
    return {field: employer.get(field, "") for field in KNOWN_EMPLOYER_FIELDS}

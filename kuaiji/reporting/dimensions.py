"""What the personnel figures count an archive record by, as SQL expressions (one place: the summary's
refresh groups by them, and nothing else computes them).

Sex and birth year come from the GB 11643 number (the 17th character's parity; characters 7–10), for
resident IDs only; other documents give "" (未知). The unit nature is the record's copy of the answer,
with people without a work unit counted apart (decision 0025)."""

from django.db.models import Case, CharField, F, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Substr

from kuaiji.core.constants import DocumentType

NO_EMPLOYER = "__none__"
_RESIDENT = Q(document_type=DocumentType.RESIDENT_ID)


PERSONNEL_DIMENSIONS: dict[str, Combinable] = {
    "qualification": F("qualification_level"),
    "education": F("education_level"),
    "accounting_post": F("accounting_post"),
    "employer_nature": Case(
        When(Q(employer_nature="") & Q(employer_name=""), then=Value(NO_EMPLOYER)),
        default=F("employer_nature"),
        output_field=CharField(),
    ),
    # The digit itself: its parity is the sex (reporting.selectors), one group for each of ten digits.
    "sex_digit": Case(
        When(_RESIDENT, then=Substr("document_number", 17, 1)), default=Value(""), output_field=CharField()
    ),
    "birth_year": Case(
        When(_RESIDENT, then=Substr("document_number", 7, 4)), default=Value(""), output_field=CharField()
    ),
}

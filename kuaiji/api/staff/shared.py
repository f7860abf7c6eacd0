"""What the staff API's routers share: the audit marker, paging and the shaping of departments and sections."""

from django.core.exceptions import PermissionDenied

from kuaiji.accounts.permissions import REVIEWER, has_role
from kuaiji.collection import summary
from kuaiji.collection.constants import EducationLevel, QualificationLevel
from kuaiji.core.constants import DocumentType
from kuaiji.regions.scope import scope_department

VIA_API = {"via": "api"}
QUALIFICATION_LABELS = dict(QualificationLevel.choices)
EDUCATION_LABELS = dict(EducationLevel.choices)
DOCUMENT_TYPE_LABELS = dict(DocumentType.choices)


# --- helpers ---------------------------------------------------------------------------------------------


def _department(department) -> dict | None:
    if department is None:
        return None
    return {"code": department.division_id, "name": department.name}


def _department_in_scope(staff, code: str | None):
    """The department with this division code if it is in scope; ``False`` when it is not (no rows)."""
    if not code:
        return None
    return scope_department(staff, division_code=code) or False


def page_fields(page) -> dict:
    """``count``, ``page``, ``pages`` and ``capped`` of a list page (``count`` stops at the cap)."""
    return {
        "count": page.paginator.count,
        "capped": bool(getattr(page.paginator, "capped", False)),
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


def _sections(sections: list[summary.Section]) -> list[dict]:
    """Sections for the API, each row labelled (from ``kuaiji.collection.summary``, as on the pages)."""
    return [
        {
            "key": part.key,
            "title": part.title,
            "rows": [{"label": row.label, "value": row.value} for row in part.rows],
            "changed": False,
        }
        for part in sections
    ]


def _differences(parts: list[summary.SectionDifference]) -> list[dict]:
    """Sections of a change or transfer: each row with the approved value it started from (``previous``,
    null where the row is new) and whether it changed; repeated rows matched entry by entry."""
    return [
        {
            "key": part.key,
            "title": part.title,
            "rows": [
                {"label": row.label, "value": row.after or "", "previous": row.before, "changed": row.changed}
                for row in part.rows
            ],
            "changed": part.changed,
        }
        for part in parts
    ]


def _forbid_without_reviewer_role(staff) -> None:
    if not has_role(staff, REVIEWER):
        raise PermissionDenied

"""The review queue, a submission with its images, and the decision, through the API."""

from uuid import UUID

from ninja import Query

from kuaiji.review import selectors as review_selectors
from kuaiji.review import services as review_services
from kuaiji.review.scope import (
    get_submission_for_review,
)

from ..auth import StaffAuth
from ..errors import ApiError
from . import router
from .schemas import (
    ERRORS,
    StaffDecisionIn,
    StaffDecisionOut,
    StaffQueueFilters,
    StaffSubmissionDetail,
    StaffSubmissionPage,
)
from .shared import (
    VIA_API,
    _department,
    _differences,
    _forbid_without_reviewer_role,
    _sections,
    page_fields,
)

# --- the review queue and a submission ----------------------------------------------------------------


@router.get(
    "/submissions", auth=StaffAuth(), response={200: StaffSubmissionPage, **ERRORS}, summary="审核列表"
)
def list_submissions(request, filters: Query[StaffQueueFilters]):
    """Submissions in the staff member's scope, the most urgent first, 50 a page. Without ``status`` every
    status is listed (drafts never). Document numbers are masked."""
    result = review_selectors.review_queue(
        staff=request.user,
        filters=review_selectors.QueueFilters(
            status=filters.status,
            kind=filters.kind,
            department_code=filters.department,
            submitted_from=filters.submitted_from,
            submitted_to=filters.submitted_to,
            q=filters.q,
        ),
        page=filters.page,
        request=request,
        details=VIA_API,
    )
    items = [
        {
            "uuid": row.item.uuid,
            "reference": row.item.reference,
            "kind": row.item.kind,
            "kind_label": row.kind_label,
            "status": row.item.status,
            "status_label": row.status_label,
            "full_name": row.item.full_name,
            "document_number": row.item.masked_document_number,
            "department": _department(row.item.department),  # a QueueDepartment has .division_id, .name
            "submitted_at": row.item.submitted_at,
            "due_on": row.item.due_on,
            "waited_working_days": row.waited,
            "overdue": row.overdue,
            "due_soon": row.due_soon,
        }
        for row in result.rows
    ]
    return {**page_fields(result.page), "items": items}


@router.get(
    "/submissions/{submission_uuid}",
    auth=StaffAuth(),
    response={200: StaffSubmissionDetail, **ERRORS},
    summary="审核详情",
)
def submission_detail(request, submission_uuid: UUID):
    """What was submitted, section by section (for a change or transfer with the approved values it
    started from), the attachments and the history. 404 outside the staff member's scope. Audited."""
    review = review_selectors.review_detail(
        staff=request.user, submission_uuid=submission_uuid, request=request, details=VIA_API
    )
    submission = review.submission
    applicant = submission.applicant
    return {
        "uuid": submission.uuid,
        "reference": submission.reference,
        "kind": submission.kind,
        "kind_label": submission.get_kind_display(),
        "status": submission.status,
        "status_label": submission.get_status_display(),
        "version": submission.version,
        "full_name": applicant.full_name,
        "document_type": applicant.document_type or "",
        "document_number": applicant.document_number or "",
        "department": _department(submission.department),
        "releasing_department": _department(submission.releasing_department),
        "submitted_at": submission.submitted_at,
        "due_on": submission.due_on,
        "decided_at": submission.decided_at,
        "decision_reason": submission.decision_reason,
        "revision": review.revision.number,
        "is_change": review.is_change,
        "can_decide": review.can_decide,
        "sections": (
            _differences(review.differences) if review.differences is not None else _sections(review.sections)
        ),
        "return_reason": review.return_reason,
        "changed_since_return": (
            [part for part in _differences(review.since_return) if part["changed"]]
            if review.since_return is not None
            else None
        ),
        "attachments": [
            {
                "uuid": item.attachment.uuid,
                "slot": item.attachment.slot,
                "label": item.label,
                "width": item.attachment.width,
                "height": item.attachment.height,
            }
            for item in review.attachments
        ],
        "card_reading": _card_reading(review.card, review.attachments),
        "history": [
            {
                "occurred_at": item.event.occurred_at,
                "action": item.event.action,
                "actor": item.event.actor.full_name if item.event.actor else None,
            }
            for item in review.history
        ],
    }


@router.get(
    "/submissions/{submission_uuid}/attachments/{attachment_uuid}/file",
    auth=StaffAuth(),
    response={200: None, **ERRORS},
    summary="附件图片",
)
def attachment_file(request, submission_uuid: UUID, attachment_uuid: UUID):
    """The image (JPEG or PNG) of an attachment of a submission in scope. Audited."""
    return review_selectors.review_attachment(
        staff=request.user,
        submission_uuid=submission_uuid,
        attachment_uuid=attachment_uuid,
        request=request,
        details=VIA_API,
    )


@router.post(
    "/submissions/{submission_uuid}/decision",
    auth=StaffAuth(),
    response={200: StaffDecisionOut, **ERRORS},
    summary="审核决定（通过、退回修改、不予通过）",
)
def decide_submission(request, submission_uuid: UUID, payload: StaffDecisionIn):
    """Only a 审核员 (403 otherwise), only for what their departments decide (404 otherwise). ``version`` is
    the submission's version the reviewer looked at: 409 ``already_decided`` when another reviewer decided
    first or the applicant withdrew. A reason is required to return or refuse (400)."""
    staff = request.user
    _forbid_without_reviewer_role(staff)
    submission = get_submission_for_review(staff, submission_uuid, to_decide=True)
    try:
        decision = review_services.decide(
            reviewer=staff,
            submission=submission,
            expected_version=payload.version,
            outcome=payload.outcome,
            reason=payload.reason,
            flagged_sections=payload.flagged_sections,
            request=request,
        )
    except review_services.AlreadyDecided:
        raise ApiError(
            409, "already_decided", "该记录已由其他审核员处理（或已被申请人撤回），本次决定未保存。"
        ) from None
    submission.refresh_from_db(fields=["status", "version"])
    return {
        "uuid": submission.uuid,
        "status": submission.status,
        "version": submission.version,
        "outcome": decision.outcome,
        "decided_at": decision.decided_at,
    }


def _card_reading(card, attachments) -> dict | None:
    if card is None:
        return None
    reading = card.reading
    front = next((item.attachment for item in attachments if item.attachment.sha256 == reading.sha256), None)
    return {
        "state": card.state,
        "failure": card.failure,
        "failure_label": card.failure_label,
        "compared": card.compared,
        "name_match": card.name,
        "number_match": card.number,
        "name": reading.name,
        "sex": reading.sex,
        "ethnicity": reading.ethnicity,
        "birth_date": reading.birth_date,
        "address": reading.address,
        "number": reading.number,
        "number_valid": reading.number_valid,
        "attachment_uuid": front.uuid if front else None,
    }

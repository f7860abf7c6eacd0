"""Whether the signed 个人基本信息表 still matches what is being submitted (defect 11).

The printed form is a picture of the answers at the moment it was generated. Downloading it records a
fingerprint of those answers on the submission; an upload to the ``basic_info_form`` slot takes that
fingerprint. When the answers change afterwards (a fix after a return, a change, a transfer — whose
copied form carries the old employer's stamp and no fingerprint), the uploaded form is out of date and
must be generated, signed and uploaded again before the submission can be sent.
"""

import hashlib
import json

from django.db import transaction

from . import services
from .models import Attachment, Submission

SIGNED_FORM_SLOT = "basic_info_form"


def out_of_date_message(submission: Submission) -> str:
    """What to do when the signed form is out of date; a unit's stamp only when there is a work unit."""
    # Answers are kept as typed: the radio posts "yes"; a validated copy holds True.
    has_employer = submission.answers.get("employer", {}).get("has_employer") in ("yes", True)
    signing = "签字盖章" if has_employer else "签字"
    return f"填写内容在生成个人基本信息表之后有改动，请重新下载信息表，{signing}后重新上传"


def answers_fingerprint(submission: Submission) -> str:
    """SHA-256 of what the printed form shows: the validated answers, the document number, the photo."""
    printed = {
        "answers": services.validated_answers(submission),
        "document_number": submission.applicant.document_number or "",
        "portrait": services.portrait_sha256(submission),
    }
    encoded = json.dumps(printed, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


@transaction.atomic
def record_form_generated(submission: Submission) -> str:
    """Remember which answers the form just downloaded shows. Called by the PDF download only."""
    fingerprint = answers_fingerprint(submission)
    Submission.objects.filter(pk=submission.pk).update(basic_info_generated_from=fingerprint)
    submission.basic_info_generated_from = fingerprint
    return fingerprint


@transaction.atomic
def stamp_signed_form(submission: Submission, attachment: Attachment) -> None:
    """An uploaded signed form shows the answers of the form last generated."""
    generated = Submission.objects.values_list("basic_info_generated_from", flat=True).get(pk=submission.pk)
    Attachment.objects.filter(pk=attachment.pk).update(answers_fingerprint=generated)
    attachment.answers_fingerprint = generated
    submission.attachments_changed()


def out_of_date_forms(submission: Submission) -> list[services.AttachmentFact]:
    """The uploaded pages of the signed form that show other answers than the current ones (each must be
    deleted and replaced: a new page beside an old one leaves the form out of date)."""
    forms = [
        attachment
        for attachment in services.attachments_of(submission)
        if attachment.slot == SIGNED_FORM_SLOT
    ]
    if not forms:
        return []
    current = answers_fingerprint(submission)
    return [attachment for attachment in forms if attachment.answers_fingerprint != current]


def signed_form_out_of_date(submission: Submission) -> bool:
    """True when a signed form is uploaded but shows other answers than the current ones.

    No upload yet is not "out of date" (the attachment list already asks for it)."""
    return bool(out_of_date_forms(submission))

"""Which attachments a submission needs, computed from its answers (one definition, used everywhere).

The slots and their conditions are configuration (``KUAIJI_ATTACHMENT_SLOTS``): provinces differ. A
condition names one of the predicates below, so the settings choose which slot applies when, and the
code only says what each condition means.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from . import rules


def _section(answers: dict, name: str) -> dict:
    return answers.get(name) or {}


CONDITIONS: dict[str, Callable[[dict], bool]] = {
    "always": lambda answers: True,
    "certificate_kept": lambda answers: not _section(answers, "education").get("certificate_lost"),
    "certificate_lost": lambda answers: bool(_section(answers, "education").get("certificate_lost")),
    # The same conditions that reveal and require the fields (``rules.CONDITIONS``).
    "has_qualification": lambda answers: rules.HAS_QUALIFICATION.applies(_section(answers, "qualification")),
    "has_accounting_post": lambda answers: rules.HAS_ACCOUNTING_POST.applies(
        _section(answers, "qualification")
    ),
    "has_abacus_level": lambda answers: rules.HAS_ABACUS_LEVEL.applies(_section(answers, "qualification")),
    "has_employer": lambda answers: rules.HAS_EMPLOYER.applies(_section(answers, "employer")),
}


@dataclass(frozen=True)
class SlotRequirement:
    slot: str
    label: str
    reason: str
    max_files: int
    template: str = ""  # the name of a template to download as PDF (document_templates/), where there is one


def required_attachments(answers: dict[str, Any]) -> list[SlotRequirement]:
    """The attachment slots these answers need, in the order they are shown, each with why."""
    required = []
    slots: list[dict[str, Any]] = settings.KUAIJI_ATTACHMENT_SLOTS
    for slot in slots:
        if CONDITIONS[slot["when"]](answers):
            required.append(
                SlotRequirement(
                    slot=slot["slot"],
                    label=slot["label"],
                    reason=slot["reason"],
                    max_files=slot.get("max_files", 5),
                    template=slot.get("template", ""),
                )
            )
    return required


# The 1-inch photo is uploaded in 个人信息, not in the attachment list, but reviewers see it with the rest.
PORTRAIT_SLOT = "portrait"
PORTRAIT_LABEL = "一寸照片"


def attachment_labels(answers: dict) -> dict[str, str]:
    """Each slot's label for these answers, the photo included."""
    return {PORTRAIT_SLOT: PORTRAIT_LABEL} | {
        req.slot: str(req.label) for req in required_attachments(answers)
    }


def display_order(answers: dict) -> dict[str, int]:
    """Where each slot is shown: the photo first, then the order of ``required_attachments``; a slot the
    answers no longer ask for goes last (``len`` of this mapping)."""
    order = {PORTRAIT_SLOT: 0}
    for index, req in enumerate(required_attachments(answers), start=1):
        order[req.slot] = index
    return order

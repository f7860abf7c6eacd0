"""Which attachments a submission needs, computed from its answers (one definition, used everywhere).

The slots and their conditions are configuration (``KUAIJI_ATTACHMENT_SLOTS``): provinces differ. A
condition names one of the predicates below, so the settings choose which slot applies when, and the
code only says what each condition means.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from .constants import AbacusLevel, AccountingPost, QualificationLevel


def _section(answers: dict, name: str) -> dict:
    return answers.get(name) or {}


CONDITIONS: dict[str, Callable[[dict], bool]] = {
    "always": lambda answers: True,
    "certificate_kept": lambda answers: not _section(answers, "education").get("certificate_lost"),
    "certificate_lost": lambda answers: bool(_section(answers, "education").get("certificate_lost")),
    "has_qualification": lambda answers: (
        _section(answers, "qualification").get("qualification_level")
        not in (None, "", QualificationLevel.NONE)
    ),
    "has_accounting_post": lambda answers: (
        _section(answers, "qualification").get("accounting_post") not in (None, "", AccountingPost.NONE)
    ),
    "has_abacus_level": lambda answers: (
        _section(answers, "qualification").get("abacus_level") not in (None, "", AbacusLevel.NONE)
    ),
}


@dataclass(frozen=True)
class SlotRequirement:
    slot: str
    label: str
    reason: str
    max_files: int
    template: str = ""  # a static path of a template to download, where there is one


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

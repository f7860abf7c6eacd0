"""Whether what the applicant typed is what the card says.

The name must be the same after normalising spaces and the middle dot; a typed character the engine
cannot know (a rare character outside its dictionary, such as 𠮷) stands for whatever was read in its
place, and the outcome then says so, for a reviewer to look at. The number must be the same exactly.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models

from kuaiji.core.validators import MIDDLE_DOTS, normalise_document_number

from . import engine
from .parsing import TRADITIONAL_TO_SIMPLIFIED


class FieldMatch(models.TextChoices):
    SAME = "same", "一致"
    SAME_BUT_RARE = "same_but_rare", "除生僻字外一致"
    DIFFERENT = "different", "不一致"
    NOT_READ = "not_read", "未识别"
    NOT_TYPED = "not_typed", "未填写"  # read off the card, nothing typed yet to compare it with


def normalise_name(name: str) -> str:
    """A name as compared: NFKC, simplified forms of the card's traditional ones, no spaces, every middle
    dot as U+00B7."""
    name = "".join("·" if char in MIDDLE_DOTS else char for char in (name or ""))
    name = unicodedata.normalize("NFKC", name).translate(TRADITIONAL_TO_SIMPLIFIED)
    return "".join("·" if char in MIDDLE_DOTS else char for char in name if not char.isspace())


def unknown_characters(name: str) -> list[str]:
    """The characters of ``name`` the engine can never read."""
    known = engine.known_characters()
    return [
        char
        for char in normalise_name(name)
        if (char not in known if known is not None else ord(char) > 0xFFFF)
    ]


def names_match_exactly(typed: str, read: str) -> bool:
    return bool(read) and normalise_name(typed) == normalise_name(read)


def compare_name(typed: str, read: str) -> FieldMatch:
    if not read:
        return FieldMatch.NOT_READ
    typed, read = normalise_name(typed), normalise_name(read)
    if not typed:
        return FieldMatch.NOT_TYPED
    if typed == read:
        return FieldMatch.SAME
    unknown = set(unknown_characters(typed))
    if unknown:
        # Each unknown character is read as some other character or not at all.
        pattern = "".join("." + "?" if char in unknown else re.escape(char) for char in typed)
        if re.fullmatch(pattern, read):
            return FieldMatch.SAME_BUT_RARE
    return FieldMatch.DIFFERENT


def compare_number(typed: str, read: str) -> FieldMatch:
    if not read:
        return FieldMatch.NOT_READ
    if not normalise_document_number(typed):
        return FieldMatch.NOT_TYPED
    return FieldMatch.SAME if normalise_document_number(typed) == read else FieldMatch.DIFFERENT

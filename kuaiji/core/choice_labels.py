"""``get_FOO_display`` without rebuilding the field's choices on every call."""

from functools import cache
from typing import Any

from django.db import models
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@cache
def _labels_of(field: models.Field) -> dict[Any, Any]:
    # The labels stay lazy, so each call still answers in the active language.
    return dict(make_hashable(field.flatchoices))


class ChoiceLabels:
    """Put before ``models.Model`` in a hot model's bases. Django's own ``get_FOO_display`` builds a dict of
    every choice, hashing each lazy label (a translation lookup per choice), on every call: the status page,
    the applicant API and the staff lists call it once or more per row (bench/api_bench.py profile)."""

    def _get_FIELD_display(self, field: models.Field) -> str:
        value = getattr(self, field.attname)
        return force_str(_labels_of(field).get(make_hashable(value), value), strings_only=True)

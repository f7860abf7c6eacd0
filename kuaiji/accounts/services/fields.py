"""Errors of a whole step, keyed by the form field they belong to."""

from django.core.exceptions import ValidationError


def on_field(field: str, error: ValidationError) -> ValidationError:
    return ValidationError({field: error.error_list})

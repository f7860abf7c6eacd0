"""Errors are JSON with a stable code and a Chinese message (and per-field messages where they apply)."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors (one definition of the rules) as the API's per-field messages."""
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class LettersAndDigitsValidator:
    """A password must hold at least one letter and one digit."""

    def validate(self, password: str, user=None) -> None:
        has_letter = any(ch.isascii() and ch.isalpha() for ch in password)
        has_digit = any(ch.isdigit() for ch in password)
        if not (has_letter and has_digit):
            raise ValidationError("密码须同时包含字母和数字", code="password_letters_and_digits")

    def get_help_text(self) -> str:
        return "密码须同时包含字母和数字。"


class NotDocumentNumberValidator:
    """A password must not be the account's document number (nor contain it)."""

    def validate(self, password: str, user=None) -> None:
        number = (getattr(user, "document_number", None) or "").upper()
        if number and number in password.upper():
            raise ValidationError("密码不能与证件号码相同或包含证件号码", code="password_is_document_number")

    def get_help_text(self) -> str:
        return "密码不能与证件号码相同。"


class MinimumLengthValidator:
    """At least ``min_length`` characters. Ours because Django 5.2's message lost its Chinese translation."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 位", code="password_too_short")

    def get_help_text(self) -> str:
        return f"密码至少 {self.min_length} 位。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with our own words (its Chinese reads "这个密码太常见了。")."""

    def get_error_message(self) -> str:
        return "这个密码很常见，容易被猜中，请换一个更难猜的密码"

    def get_help_text(self) -> str:
        return "不能使用常见密码。"

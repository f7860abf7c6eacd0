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

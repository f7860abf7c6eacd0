"""The short verification code (查验码): 10 characters of Crockford's base32 (50 random bits), shown as
``K7QM-3XHP-2A``. What people type is normalised the Crockford way: case, dashes and spaces do not matter,
O reads as 0 and I or L as 1."""

import re
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_CODE = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")
_SEPARATORS = re.compile(r"[\s\-‐‑–—－]+")
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def format_code(code: str) -> str:
    """``K7QM3XHP2A`` → ``K7QM-3XHP-2A``."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalise_code(typed: str) -> str | None:
    """The stored form of a typed code, or None when it cannot be one (wrong length or characters).
    Full-width characters (typed with a Chinese input method) count as their ASCII forms."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", typed)).upper().translate(_LOOKALIKES)
    return text if _CODE.fullmatch(text) else None

"""Password hashing. Argon2id everywhere; the cost is a capacity decision (docs/decisions/0015)."""

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher


class KuaijiArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane), adjustable by settings.

    Django's default (100 MiB, 2 passes, 8 lanes) costs several times more CPU per sign-in for no
    gain that OWASP counts, and the hash is what bounds sign-ins per core at the exam-registration peak.
    The algorithm name stays ``argon2``: hashes made with other parameters still verify and are
    re-hashed with these at the next sign-in (``must_update``)."""

    time_cost = settings.KUAIJI_ARGON2_TIME_COST
    memory_cost = settings.KUAIJI_ARGON2_MEMORY_KIB
    parallelism = settings.KUAIJI_ARGON2_PARALLELISM


class TestArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with the smallest cost, for the test suite only: same algorithm, same encoding."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1

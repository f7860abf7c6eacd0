"""The production password hasher: Argon2id at OWASP's minimum, and older hashes still verify and are
re-hashed at the next sign-in."""

from django.contrib.auth.hashers import Argon2PasswordHasher

from kuaiji.accounts.hashers import KuaijiArgon2PasswordHasher


def test_production_hashes_are_argon2id_at_owasp_minimum():
    hasher = KuaijiArgon2PasswordHasher()
    encoded = hasher.encode("Kuaiji2026", hasher.salt())
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert hasher.verify("Kuaiji2026", encoded)
    assert not hasher.verify("kuaiji2026", encoded)
    assert not hasher.must_update(encoded)


def test_a_hash_made_with_djangos_default_cost_verifies_and_is_updated():
    old = Argon2PasswordHasher()
    encoded = old.encode("Kuaiji2026", old.salt())
    hasher = KuaijiArgon2PasswordHasher()
    assert hasher.verify("Kuaiji2026", encoded)
    assert hasher.must_update(encoded)

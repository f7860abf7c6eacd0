"""The 登记编号 and the uuid range a typed one is searched by: one rule both ways."""

import uuid

import pytest

from kuaiji.collection.models import reference_of, uuid_range_of_reference


@pytest.mark.parametrize("seed", range(20))
def test_a_uuid_lies_in_the_range_of_its_own_reference(seed):
    submission_uuid = uuid.UUID(int=uuid.uuid4().int ^ seed)
    reference = reference_of(submission_uuid)
    for typed in (reference, reference.lower()):
        low, high = uuid_range_of_reference(typed)
        assert low <= submission_uuid <= high
        assert reference_of(low) == reference_of(high) == reference


@pytest.mark.parametrize("typed", ["", "6E0D0EF", "6E0D0EF9A", "6E0D0EFG", "６E0D0EF9", "6E0D 0EF"])
def test_what_is_not_a_reference_gives_no_range(typed):
    assert uuid_range_of_reference(typed) is None

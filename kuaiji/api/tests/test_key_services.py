"""Integration keys are issued and revoked by one service each (kuaiji.api.services), which the admin calls.

Requirements covered:
- issuing returns the secret once, stores only its hash and writes one ``integration_key.issued`` event;
- revoking twice revokes once and writes one ``integration_key.revoked`` event.
"""

import pytest

from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.api.models import IntegrationKey, hash_secret
from kuaiji.api.services import issue_integration_key, revoke_integration_keys
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_issue_and_revoke_are_audited_once():
    admin = StaffFactory()
    key, secret = issue_integration_key(
        actor=admin, name="考试报名系统", scopes=["collection_status"], rate_limit_per_minute=60
    )
    stored = IntegrationKey.objects.get(pk=key.pk)
    assert stored.key_hash == hash_secret(secret)
    assert secret not in str(AuditEvent.objects.get(action=AuditAction.INTEGRATION_KEY_ISSUED).details)

    assert revoke_integration_keys(actor=admin, keys=[stored]) == 1
    assert revoke_integration_keys(actor=admin, keys=[stored]) == 0
    revoked = AuditEvent.objects.filter(action=AuditAction.INTEGRATION_KEY_REVOKED, target_id=str(key.pk))
    assert revoked.count() == 1
    assert revoked.get().actor == admin

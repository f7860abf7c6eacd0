"""django-otp's middleware, with the session's device read by a written-out statement.

Every staff request reads the TOTP device its session was verified with; django-otp builds that read with
the ORM (``filter(id=…).first()``), whose compile cost more than the database's answer
(bench/api_bench.py, KUAIJI_BENCH_PROFILE). The binding checks stay django-otp's own
(``_finalize_device``: the device must be the user's and confirmed)."""

from functools import cache

from django.db import connection

from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware
from django_otp.plugins.otp_totp.models import TOTPDevice

from kuaiji.core.statements import columns, instances


@cache
def _totp_device_sql() -> str:
    table = connection.ops.quote_name(TOTPDevice._meta.db_table)
    return f"SELECT {columns(TOTPDevice, table)} FROM {table} WHERE id = %s"


class OTPMiddleware(BaseOTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        persistent_id = self._normalize_persistent_id(persistent_id)
        model_label, _, device_id = persistent_id.rpartition("/")
        if model_label != TOTPDevice.model_label() or not device_id.isdigit():
            return super()._device_from_persistent_id(persistent_id)
        return next(iter(instances(TOTPDevice, _totp_device_sql(), [int(device_id)])), None)

"""API authentication: bearer tokens for people, API keys for other systems."""

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from ninja.security import APIKeyHeader, HttpBearer

from kuaiji.accounts.backends import roles_join_sql, user_with_roles
from kuaiji.core.ratelimit import over_limit
from kuaiji.core.statements import columns, instances

from .errors import ApiError
from .models import ApiToken, IntegrationKey, hash_secret

LAST_USED_EVERY = timedelta(seconds=60)


@cache
def _token_user_sql() -> str:
    """The person of a live token with their roles, the token's id and whether its last use is older
    than a minute, in one statement. Written out, not
    built by the ORM: every API call runs it, and compiling the ORM's join cost about twice what the
    database takes to answer it (bench/api_bench.py, KUAIJI_BENCH_PROFILE)."""
    quote = connection.ops.quote_name
    users, tokens = get_user_model()._meta, ApiToken._meta
    return (
        f"SELECT {columns(get_user_model(), 'u')}, t.id, (t.last_used_at IS NULL OR t.last_used_at < %s), g.name"
        f" FROM {quote(users.db_table)} u JOIN {quote(tokens.db_table)} t ON t.user_id = u.id{roles_join_sql()}"
        f" WHERE t.key_hash = %s AND t.revoked_at IS NULL AND t.expires_at > %s AND u.is_active"
    )


@cache
def _integration_key_sql() -> str:
    # Written out for the same reason as the token's: exam systems call once per candidate.
    table = connection.ops.quote_name(IntegrationKey._meta.db_table)
    return f"SELECT {columns(IntegrationKey, table)} FROM {table} WHERE key_hash = %s AND revoked_at IS NULL"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; expired or revoked tokens, and inactive people's, are refused."""

    def authenticate(self, request, token):
        now = timezone.now()
        adapt = connection.ops.adapt_datetimefield_value
        params = [adapt(now - LAST_USED_EVERY), hash_secret(token), adapt(now)]
        user = user_with_roles(_token_user_sql(), params, extra=("api_token_id", "api_token_stale"))
        if user is None:
            return None
        token_id = getattr(user, "api_token_id")  # noqa: B009  # columns of the statement, not fields
        if getattr(user, "api_token_stale"):  # noqa: B009  # "last used" to the minute: less contention
            ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
        request.user = user
        request.api_token_id = token_id
        return user


class ApplicantAuth(TokenAuth):
    def authenticate(self, request, token):
        user = super().authenticate(request, token)
        return user if user is not None and user.is_applicant else None


class StaffAuth(TokenAuth):
    def authenticate(self, request, token):
        user = super().authenticate(request, token)
        return user if user is not None and user.is_staff_member and user.department_id else None


class IntegrationKeyAuth(APIKeyHeader):
    """`X-Api-Key: <key>`; revoked keys are refused; each key is rate-limited per minute."""

    param_name = "X-Api-Key"

    def authenticate(self, request, key):
        if not key:
            return None
        found = next(iter(instances(IntegrationKey, _integration_key_sql(), [hash_secret(key)])), None)
        if found is None:
            return None
        if over_limit(f"api-key:{found.pk}", limit=found.rate_limit_per_minute, window_seconds=60):
            raise ApiError(429, "rate_limited", "调用过于频繁，请稍后再试")
        request.integration_key = found
        return found


TOKEN_LIFETIME = getattr(settings, "KUAIJI_API_TOKEN_LIFETIME", None)

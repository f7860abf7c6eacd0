"""API authentication: bearer tokens for people, API keys for other systems."""

from django.conf import settings
from django.utils import timezone

from ninja.security import APIKeyHeader, HttpBearer

from kuaiji.core.ratelimit import over_limit

from .errors import ApiError
from .models import ApiToken, IntegrationKey, hash_secret


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; expired or revoked tokens are refused."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_secret(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found
        return found.user


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
        found = IntegrationKey.objects.filter(key_hash=hash_secret(key), revoked_at__isnull=True).first()
        if found is None:
            return None
        if over_limit(f"api-key:{found.pk}", limit=found.rate_limit_per_minute, window_seconds=60):
            raise ApiError(429, "rate_limited", "调用过于频繁，请稍后再试")
        request.integration_key = found
        return found


TOKEN_LIFETIME = getattr(settings, "KUAIJI_API_TOKEN_LIFETIME", None)

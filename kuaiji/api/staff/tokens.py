"""Staff sign-in through the API: password and TOTP code give a bearer token."""

from django.conf import settings
from django.contrib.auth import authenticate

from django_otp import user_has_device

from kuaiji.accounts import signin
from kuaiji.accounts.services import check_staff_totp
from kuaiji.audit.constants import AuditAction
from kuaiji.audit.services import record_event
from kuaiji.core.http import client_ip

from ..errors import ApiError, ErrorOut
from ..models import ApiToken
from . import router
from .schemas import (
    StaffTokenIn,
    StaffTokenOut,
)
from .shared import (
    VIA_API,
)

# --- sign-in -------------------------------------------------------------------------------------------------


@router.post(
    "/tokens",
    auth=None,
    response={200: StaffTokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="登录（用户名、密码和动态验证码），取得令牌",
)
def issue_token(request, payload: StaffTokenIn):
    """The password is checked as on the sign-in page (django-axes locks the account after 5 failures; an
    address failing across many accounts is throttled), then the TOTP code; only both give a token."""
    ip = client_ip(request)
    if signin.address_is_throttled(ip):
        raise ApiError(429, "throttled", "当前网络登录失败次数过多，请 15 分钟后再试。")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            minutes = signin.minutes_until_unlocked(payload.username) or 15
            raise ApiError(429, "locked_out", f"登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试。")
        raise ApiError(401, "wrong_credentials", "用户名或密码不正确")
    if not user.is_staff_member or user.department_id is None:
        raise ApiError(401, "wrong_credentials", "用户名或密码不正确")
    if not user_has_device(user):
        raise ApiError(
            403, "no_totp_device", "您的账号尚未绑定动态口令（身份验证器），无法登录，请联系平台管理员绑定。"
        )
    check = check_staff_totp(user=user, code=payload.totp)
    if check.wait_seconds and not check.ok:
        raise ApiError(429, "totp_throttled", f"尝试过于频繁，请在 {check.wait_seconds} 秒后再试")
    if not check.ok:
        record_event(
            action=AuditAction.STAFF_SECOND_FACTOR_FAILED, target=user, request=request, details=VIA_API
        )
        raise ApiError(401, "wrong_totp", "动态验证码不正确，请核对手机上身份验证器显示的 6 位数字")
    token, secret = ApiToken.issue(user=user, lifetime=settings.KUAIJI_API_STAFF_TOKEN_LIFETIME, client_ip=ip)
    record_event(
        action=AuditAction.STAFF_SIGNED_IN,
        actor=user,
        target=user,
        request=request,
        details={**VIA_API, "token": token.prefix},
    )
    return {"token": secret, "expires_at": token.expires_at}

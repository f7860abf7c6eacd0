"""Errors are JSON with a stable code and a Chinese message (and per-field messages where they apply)."""

from django.http import JsonResponse

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors or {}


def form_errors(form) -> dict[str, list[str]]:
    """A Django form's errors (one definition of the rules) as the API's per-field messages."""
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


# The API's answer for each HTTP error that can reach a client outside an endpoint's own handling.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求内容无法解析，请检查后重试"),
    401: ("unauthenticated", "请先登录（令牌无效、过期或已吊销）"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "接口不存在"),
    405: ("method_not_allowed", "不支持该请求方法"),
    413: ("request_too_large", "请求内容过大"),
    500: ("server_error", "服务器处理请求时出错，请稍后再试"),
}


def error_json(status: int, message: str | None = None) -> JsonResponse:
    """The API's JSON error form for ``status``, for answers made outside django-ninja (middleware,
    Django's error handlers), so /api/ never answers an HTML page."""
    code, default = STATUS_ERRORS.get(status, ("error", "请求无法处理"))
    return JsonResponse({"code": code, "message": message or default, "errors": {}}, status=status)

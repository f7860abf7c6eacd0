"""The REST API under /api/v1/ (django-ninja). Endpoints call the same services as the pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from .errors import STATUS_ERRORS, ApiError, ErrorOut

ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"
# Statuses any operation can answer whatever it does: a wrong method, an oversize body, a body that does
# not fit its schema, a server error; and 401 for those that need a token or key.
COMMON_ERROR_STATUSES = (405, 413, 422, 500)


def document_error_statuses(schema: dict) -> None:
    """List in each operation's responses the error statuses it can answer, each with the error schema."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            known = {str(status) for status in responses}
            statuses = (*COMMON_ERROR_STATUSES, *((401,) if operation.get("security") else ()))
            for status in statuses:
                if str(status) not in known:
                    description = STATUS_ERRORS.get(status, ("error", "请求无法处理"))[1]
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
                    }


class KuaijiAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_error_statuses(schema)
        return schema


api = KuaijiAPI(
    title="Kuaiji 会计人员信息管理平台 API",
    version="1",
    description=(
        "For mobile clients (applicants and staff) and for other systems such as exam registration.\n\n"
        "People authenticate with `Authorization: Bearer <token>` from the sign-in endpoints (tokens expire "
        "and can be revoked); other systems with `X-Api-Key` issued by platform administrators. Errors are "
        "JSON `{code, message, errors}` with a Chinese message. Lists are paginated with `page` "
        "(50 items a page). Calls are rate-limited (SMS codes as on the pages; integration keys per minute: "
        "429 when exceeded)."
    ),
    urls_namespace="api",
)


def _error(request, status: int, code: str, message: str, errors=None):
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or {}}, status=status
    )


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return _error(request, exc.status, exc.code, exc.message, exc.errors)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        field = ".".join(str(part) for part in item.get("loc", [])[1:]) or "body"
        errors.setdefault(field, []).append("格式不正确，请检查后重试")
    return _error(request, 422, "invalid_request", "请求内容格式不正确", errors)


@api.exception_handler(ValidationError)
def _django_validation(request, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        return _error(request, 400, "invalid", "请修改标出的内容", errors)
    return _error(request, 400, exc.code or "invalid", exc.messages[0])


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", "请先登录（令牌无效、过期或已吊销）")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", "没有权限")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "记录不存在")


HTTP_ERROR_MESSAGES = {
    **STATUS_ERRORS,
    400: ("bad_request", "请求内容无法解析，请发送有效的 JSON"),
}


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    code, message = HTTP_ERROR_MESSAGES.get(exc.status_code, ("error", "请求无法处理"))
    return _error(request, exc.status_code, code, message)


@api.get("/health", tags=["系统"], summary="服务状态", auth=None)
def health(request):
    return {"status": "ok"}


from .integration import router as integration_router  # noqa: E402
from .integration_extracts import router as integration_extracts_router  # noqa: E402
from .integration_lookup import router as integration_lookup_router  # noqa: E402
from .staff import router as staff_router  # noqa: E402

api.add_router("/staff", staff_router)
api.add_router("/integration", integration_router)
# 证明查验 for other systems (the extract's verification, the lookup): modules and routers of their own,
# mounted beside the integration router (nested in it, their tag would repeat).
api.add_router("/integration", integration_extracts_router)
api.add_router("/integration", integration_lookup_router)

from .applicant import router as applicant_router  # noqa: E402

api.add_router("", applicant_router)

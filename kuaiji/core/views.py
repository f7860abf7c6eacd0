import logging
import os
import sys

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader

# What each error page says: a title and a sentence on what to do next, in plain Chinese.
ERROR_PAGES: dict[int, tuple[str, str]] = {
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重试。"),
    403: ("没有访问权限", "您的账号没有权限查看此页面。如需权限，请联系所在部门的管理员。"),
    404: ("页面不存在", "您访问的页面不存在或已被移除，请检查网址是否正确。"),
    405: ("不支持的操作", "此页面不支持这种访问方式，请从页面上的链接或按钮进入。"),
    413: ("上传的内容过大", "一次提交的内容过大，请压缩图片或分次上传后重试。"),
    500: ("系统出错了", "服务器处理请求时出错，我们会尽快修复。请稍后再试。"),
    503: (
        "服务暂时不可用",
        "系统暂时无法处理您的请求，请稍等片刻后刷新页面重试。如果您刚才在保存或提交，这次操作没有生效，请稍后重新操作。",
    ),
}
# How long a client is told to wait before trying again after a 503 (the database or storage restarting).
RETRY_AFTER_SECONDS = 5
CSRF_PAGE = (
    "页面已过期",
    "页面停留时间过长或在其他窗口退出了登录，为保护您的账号，本次提交未被接受。请刷新页面后重新提交。",
)


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


logger = logging.getLogger(__name__)
_READYZ_CACHE_KEY = "readyz-probe"


def _database_ready() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache_ready() -> None:
    token = os.urandom(8).hex()
    cache.set(_READYZ_CACHE_KEY, token, 10)
    if cache.get(_READYZ_CACHE_KEY) != token:
        raise RuntimeError("cache did not keep a value")


def _storage_ready() -> None:
    storage = storages["default"]
    if hasattr(storage, "bucket_name"):  # django-storages' S3: the bucket answers (no object is read)
        storage.connection.meta.client.head_bucket(Bucket=storage.bucket_name)  # type: ignore[attr-defined]  # S3Storage
        return
    location = getattr(storage, "location", None)
    if location is not None:
        # FileSystemStorage makes its folder on the first save: the nearest existing folder is writable.
        folder = os.path.abspath(location)
        while not os.path.isdir(folder) and os.path.dirname(folder) != folder:
            folder = os.path.dirname(folder)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError("storage folder is not writable")
        return
    storage.exists(_READYZ_CACHE_KEY)


READINESS_CHECKS = {"database": _database_ready, "cache": _cache_ready, "storage": _storage_ready}


def readyz(request: HttpRequest) -> JsonResponse:
    """For load balancers: this server can serve, its database, cache and file storage answer.

    200 ``{"status": "ok", ...}``, or 503 naming what failed (``{"status": "unavailable", "failed":
    ["cache"], ...}``). What went wrong is logged (the exception's type, nothing of its text, which
    can hold an address or a key), never answered.
    """
    checks: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.warning("readyz: %s is not reachable (%s)", name, type(error).__name__)
            checks[name] = "failed"
        else:
            checks[name] = "ok"
    failed = [name for name, state in checks.items() if state != "ok"]
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed, "checks": checks}, status=503)
    return JsonResponse({"status": "ok", "checks": checks})


def error_page(request: HttpRequest, status: int, *, page: tuple[str, str] | None = None) -> HttpResponse:
    """An error page in the site's layout, in Chinese, with a way back; the API answers in JSON instead."""
    title, explanation = page or ERROR_PAGES[status]
    if request.path.startswith("/api/"):
        from kuaiji.api.errors import error_json

        return error_json(status, None if page is None else explanation)
    context = {"title": title, "explanation": explanation, "status": status}
    try:
        return render(request, "errors/error.html", context, status=status)
    except Exception:  # whatever broke the page may break the layout too (a URL, the database)
        return HttpResponse(loader.render_to_string("errors/plain.html", context), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def _unavailable(error: BaseException | None) -> bool:
    """The database or the file storage could not be reached: the service is down for a moment (503),
    not broken (500). Django calls the 500 handler while the exception is being handled."""
    from .storage import StorageUnavailable

    return isinstance(error, OperationalError | InterfaceError | StorageUnavailable)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 with Retry-After when what failed is the database or the storage being unreachable
    (a restart, a failover): the transaction of the request was rolled back, nothing was half written."""
    if _unavailable(sys.exc_info()[1]):
        if request.path.startswith("/api/"):
            response = error_page(request, 503)
        else:
            # Without the layout: it shows who is signed in, which is one more wait on the database
            # that just failed (the pool's timeout), for a page that can only say "try again".
            title, explanation = ERROR_PAGES[503]
            context = {"title": title, "explanation": explanation, "status": 503}
            response = HttpResponse(loader.render_to_string("errors/plain.html", context), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return error_page(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(request, 403, page=CSRF_PAGE)

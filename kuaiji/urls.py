from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path, re_path

from django_otp.admin import OTPAdminSite

from kuaiji.accounts.views import captcha_refresh
from kuaiji.api.api import api
from kuaiji.api.errors import error_json
from kuaiji.collection.views import public_notice
from kuaiji.core.metrics import metrics_view
from kuaiji.core.views import healthz, readyz


def _admin_login(request, extra_context=None):
    """The admin has no sign-in page of its own: staff sign in with password and TOTP code first."""
    return redirect_to_login(request.get_full_path(), login_url="accounts:staff_sign_in")


# Only platform administrators (is_staff) whose session passed the second factor reach the admin.
admin.site.__class__ = OTPAdminSite
admin.site.login = _admin_login  # type: ignore[method-assign]  # the second factor guards the admin


def api_not_found(request):
    """Paths under /api/ that no endpoint matches answer in the API's JSON error form, not an HTML page."""
    return error_json(404)


# Error pages in Chinese, in the site's layout (JSON under /api/), never Django's own.
handler400 = "kuaiji.core.views.bad_request"
handler403 = "kuaiji.core.views.permission_denied"
handler404 = "kuaiji.core.views.page_not_found"
handler500 = "kuaiji.core.views.server_error"


urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("readyz/", readyz, name="readyz"),
    # Prometheus' default path; refused to all but the allow-list or token (kuaiji.core.metrics).
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("notices/", public_notice, name="notices"),
    # Before the library's own: the same JSON plus the new picture's length.
    path("captcha/refresh/", captcha_refresh, name="captcha_refresh"),
    path("captcha/", include("captcha.urls")),
    path("regions/", include("kuaiji.regions.urls")),
    path("collection/", include("kuaiji.collection.urls")),
    path("review/", include("kuaiji.review.urls")),
    path("audit/", include("kuaiji.audit.urls")),
    path("archive/", include("kuaiji.archive.urls")),
    path("imports/", include("kuaiji.imports.urls")),
    path("exports/", include("kuaiji.exports.urls")),
    path("announcements/", include("kuaiji.announcements.urls")),
    path("statistics/", include("kuaiji.reporting.urls")),
    path("", include("kuaiji.credit.urls")),
    path("account/credit/", include("kuaiji.credit.person_urls")),
    path("", include("kuaiji.questions.urls")),
    path("account/questions/", include("kuaiji.questions.person_urls")),
    path("help/", include("kuaiji.questions.public_urls")),
    path("", include("kuaiji.extracts.urls")),
    path("lookup/", include("kuaiji.lookup.urls")),
    path("", include("kuaiji.accounts.urls")),
]

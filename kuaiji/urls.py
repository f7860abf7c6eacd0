from django.contrib import admin
from django.urls import include, path

from kuaiji.core.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
    path("captcha/", include("captcha.urls")),
    path("regions/", include("kuaiji.regions.urls")),
    path("collection/", include("kuaiji.collection.urls")),
    path("", include("kuaiji.accounts.urls")),
]

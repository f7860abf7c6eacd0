"""The project's URLs plus a page that fails, to see the 500 page (tests only)."""

from django.urls import path

from kuaiji.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), path("api/v1/broken/", broken), *project_urlpatterns]
handler400 = "kuaiji.core.views.bad_request"
handler403 = "kuaiji.core.views.permission_denied"
handler404 = "kuaiji.core.views.page_not_found"
handler500 = "kuaiji.core.views.server_error"

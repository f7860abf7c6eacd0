"""The regions URLs mounted as the root urls will mount them, for tests independent of the root urlconf."""

from django.urls import include, path

urlpatterns = [
    path("regions/", include("kuaiji.regions.urls")),
]

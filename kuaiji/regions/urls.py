from django.urls import path

from . import directory_views, views

app_name = "regions"

urlpatterns = [
    path("divisions/", views.division_list, name="division-list"),
    path("directory/", directory_views.directory, name="directory"),
]

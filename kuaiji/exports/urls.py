from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("new/", views.request_export, name="request"),
    path("<uuid:job_uuid>/download/", views.download, name="download"),
]

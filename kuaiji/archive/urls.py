from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export, name="export"),
    path("department-export/", views.department_export_view, name="department_export"),
    path("<uuid:record_uuid>/", views.detail, name="detail"),
    path("<uuid:record_uuid>/compare/", views.compare, name="compare"),
    path("<uuid:record_uuid>/versions/<int:number>/", views.version_detail, name="version"),
    path("<uuid:record_uuid>/versions/<int:number>/form.pdf", views.version_pdf, name="version_pdf"),
    path(
        "<uuid:record_uuid>/versions/<int:number>/attachments/<uuid:attachment_uuid>/",
        views.version_attachment,
        name="version_attachment",
    ),
]

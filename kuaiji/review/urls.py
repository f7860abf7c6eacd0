from django.urls import path, re_path

from . import appeal_views, overdue_views, staff_views, views

app_name = "review"

urlpatterns = [
    path("appeals/", appeal_views.appeal_list, name="appeals"),
    path("appeals/<uuid:appeal_uuid>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("appeals/<uuid:appeal_uuid>/decide/", appeal_views.appeal_decide, name="appeal_decide"),
    path(
        "appeals/<uuid:appeal_uuid>/photos/<uuid:photo_uuid>/", appeal_views.appeal_photo, name="appeal_photo"
    ),
    path("", views.queue, name="queue"),
    path("export/", views.export, name="export"),
    path("<uuid:submission_uuid>/", views.detail, name="detail"),
    path("<uuid:submission_uuid>/decide/", views.decide, name="decide"),
    path(
        "<uuid:submission_uuid>/attachments/<uuid:attachment_uuid>/",
        views.attachment_file,
        name="attachment_file",
    ),
    path("overdue/", overdue_views.overdue, name="overdue"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/new/", staff_views.staff_create, name="staff_create"),
    path("staff/<uuid:staff_uuid>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<uuid:staff_uuid>/roles/", staff_views.staff_roles, name="staff_roles"),
    path("staff/<uuid:staff_uuid>/deactivate/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("staff/<uuid:staff_uuid>/totp-reset/", staff_views.staff_totp_reset, name="staff_totp_reset"),
    # A department is named by the code of the division it covers (one department per division).
    re_path(
        r"^department/(?P<division_code>[0-9]{6})/edit/$", staff_views.department_edit, name="department_edit"
    ),
]

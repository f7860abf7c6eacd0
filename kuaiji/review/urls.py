from django.urls import path

from . import appeal_views, overdue_views, views

app_name = "review"

urlpatterns = [
    path("appeals/", appeal_views.appeal_list, name="appeals"),
    path("appeals/<uuid:appeal_uuid>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("appeals/<uuid:appeal_uuid>/decide/", appeal_views.appeal_decide, name="appeal_decide"),
    path(
        "appeals/<uuid:appeal_uuid>/photos/<uuid:photo_uuid>/", appeal_views.appeal_photo, name="appeal_photo"
    ),
    path("", views.queue, name="queue"),
    path("<uuid:submission_uuid>/", views.detail, name="detail"),
    path("<uuid:submission_uuid>/decide/", views.decide, name="decide"),
    path(
        "<uuid:submission_uuid>/attachments/<uuid:attachment_uuid>/",
        views.attachment_file,
        name="attachment_file",
    ),
    path("overdue/", overdue_views.overdue, name="overdue"),
]

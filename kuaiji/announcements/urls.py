from django.urls import path

from . import views

app_name = "announcements"

urlpatterns = [
    path("", views.public_list, name="list"),
    path("<uuid:announcement_uuid>/", views.public_detail, name="detail"),
    path(
        "<uuid:announcement_uuid>/attachments/<uuid:attachment_uuid>/",
        views.public_attachment,
        name="attachment",
    ),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<uuid:announcement_uuid>/", views.edit, name="edit"),
    path("manage/<uuid:announcement_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "manage/<uuid:announcement_uuid>/attachments/<uuid:attachment_uuid>/",
        views.managed_attachment,
        name="managed_attachment",
    ),
    path("manage/reading-notice/", views.reading_notice, name="reading_notice"),
]

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:submission_uuid>/", views.detail, name="detail"),
    path("<uuid:submission_uuid>/decide/", views.decide, name="decide"),
    path(
        "<uuid:submission_uuid>/attachments/<uuid:attachment_uuid>/",
        views.attachment_file,
        name="attachment_file",
    ),
]

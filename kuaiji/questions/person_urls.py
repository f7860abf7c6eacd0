"""The person's own pages of 留言咨询."""

from django.urls import path

from . import views

app_name = "my_questions"

urlpatterns = [
    path("", views.mine, name="list"),
    path("new/", views.ask, name="ask"),
    path("<uuid:question_uuid>/", views.my_thread, name="thread"),
    path(
        "<uuid:question_uuid>/messages/<uuid:message_uuid>/attachment/",
        views.my_attachment,
        name="attachment",
    ),
]

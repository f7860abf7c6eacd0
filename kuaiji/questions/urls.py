"""Staff pages of 留言咨询 and 常见问题 (the person's are ``person_urls``, the public help page
``public_urls``); every id here is swept for scope."""

from django.urls import path

from . import views

app_name = "questions"

urlpatterns = [
    path("questions/", views.queue, name="queue"),
    path("questions/faq/", views.faq_list, name="faq_list"),
    path("questions/faq/<uuid:faq_uuid>/", views.faq_edit, name="faq_edit"),
    path("questions/faq/<uuid:faq_uuid>/withdraw/", views.faq_withdraw, name="faq_withdraw"),
    path("questions/<uuid:question_uuid>/", views.thread, name="thread"),
    path("questions/<uuid:question_uuid>/close/", views.close, name="close"),
    path("questions/<uuid:question_uuid>/faq/", views.make_faq, name="make_faq"),
    path(
        "questions/<uuid:question_uuid>/messages/<uuid:message_uuid>/attachment/",
        views.staff_attachment,
        name="attachment",
    ),
]

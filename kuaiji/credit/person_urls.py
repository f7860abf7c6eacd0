"""The person's own pages of 信用档案: their entries and objections."""

from django.urls import path

from . import views

app_name = "my_credit"

urlpatterns = [
    path("", views.mine, name="list"),
    path("<uuid:entry_uuid>/objection/", views.object_to, name="object"),
]

from django.urls import path

from . import views

app_name = "regions"

urlpatterns = [
    path("divisions/", views.division_list, name="division-list"),
]

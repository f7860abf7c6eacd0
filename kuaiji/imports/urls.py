from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="list"),
    path("<uuid:batch_uuid>/", views.batch_detail, name="detail"),
    path("<uuid:batch_uuid>/progress/", views.batch_progress, name="progress"),
    path("<uuid:batch_uuid>/import/", views.start_import, name="start"),
    path("<uuid:batch_uuid>/refused.xlsx", views.refused_rows, name="refused_rows"),
]

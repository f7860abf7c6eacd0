from django.urls import path

from . import views

app_name = "extracts"

urlpatterns = [
    path("account/extracts/", views.my_extracts, name="mine"),
    path("account/extracts/<uuid:extract_uuid>/download/", views.download, name="download"),
    path("account/extracts/<uuid:extract_uuid>/revoke/", views.revoke, name="revoke"),
    path("verify/", views.verify, name="verify"),
    path("verify/<uuid:extract_uuid>/", views.verify_detail, name="verify_detail"),
]

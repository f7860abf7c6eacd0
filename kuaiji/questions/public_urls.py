"""The public help page (常见问题), no sign-in."""

from django.urls import path

from . import views

app_name = "help"

urlpatterns = [path("", views.help_page, name="faq")]

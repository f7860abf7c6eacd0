"""Staff pages of 信用档案 (the person's are ``person_urls``); every id here is swept for scope."""

from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("credit/", views.queue, name="queue"),
    path("credit/records/<uuid:record_uuid>/", views.record_entries, name="record"),
    path("credit/records/<uuid:record_uuid>/new/", views.new_entry, name="new"),
    path("credit/entries/<uuid:entry_uuid>/", views.entry_detail, name="entry"),
    path("credit/entries/<uuid:entry_uuid>/edit/", views.edit_entry, name="edit"),
    path("credit/entries/<uuid:entry_uuid>/publish/", views.publish, name="publish"),
    path("credit/entries/<uuid:entry_uuid>/return/", views.return_to_recorder, name="return"),
    path("credit/entries/<uuid:entry_uuid>/withdraw/", views.withdraw, name="withdraw"),
    path("credit/entries/<uuid:entry_uuid>/scan/", views.entry_scan, name="scan"),
    path("credit/objections/<uuid:objection_uuid>/", views.objection_detail, name="objection"),
    path("credit/objections/<uuid:objection_uuid>/evidence/", views.objection_evidence, name="evidence"),
]

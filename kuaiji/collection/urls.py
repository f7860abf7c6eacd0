from django.urls import path

from . import template_pdf, views

app_name = "collection"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("change/", views.start_change, name="start_change"),
    path("tasks/", views.tasks, name="tasks"),
    path("notice/", views.notice, name="notice"),
    path("section/<slug:section>/", views.section, name="section"),
    path("department-suggestion/", views.department_suggestion, name="department_suggestion"),
    path("attachments/", views.attachments, name="attachments"),
    path("attachments/<slug:slot>/upload/", views.upload_attachment, name="upload_attachment"),
    path("attachments/<uuid:attachment_uuid>/", views.attachment_file, name="attachment_file"),
    path("attachments/<uuid:attachment_uuid>/delete/", views.delete_attachment, name="delete_attachment"),
    path("basic-info-form/", views.basic_info_form, name="basic_info_form"),
    path("basic-info-form.pdf", views.basic_info_pdf_view, name="basic_info_pdf"),
    path("forms/<slug:name>.pdf", template_pdf.template_pdf_view, name="template_pdf"),
    path("check/", views.check, name="check"),
    path("submitted/", views.submitted, name="submitted"),
    path("withdraw/", views.withdraw, name="withdraw"),
]

"""The information-collection wizard (信息登记). Thin views over ``services`` and ``selectors``: every page
works without JavaScript, keeps what was typed, and saves the draft on every step.

One module per idea: ``access`` (the applicant gate, steps and progress), ``overview`` (home, start, task
list), ``notice``, ``sections`` (the four sections, photo and new mobile), ``attachments``, ``form`` (the
个人基本信息表), ``check`` (check and submit) and ``withdraw``.
"""

from .access import applicant_required
from .attachments import attachment_file, attachments, delete_attachment, upload_attachment
from .check import check, submitted
from .form import basic_info_form, basic_info_pdf_view
from .notice import notice, public_notice
from .overview import overview, start, start_change, tasks
from .sections import department_suggestion, section
from .withdraw import withdraw

__all__ = [
    "applicant_required",
    "attachment_file",
    "attachments",
    "basic_info_form",
    "basic_info_pdf_view",
    "check",
    "delete_attachment",
    "department_suggestion",
    "notice",
    "overview",
    "public_notice",
    "section",
    "start",
    "start_change",
    "submitted",
    "tasks",
    "upload_attachment",
    "withdraw",
]

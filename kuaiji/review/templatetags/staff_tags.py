"""Template checks for the department administrators' pages, and the staff navigation."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.permissions import has_role, may_read_sms_log
from kuaiji.audit.permissions import can_search_audit
from kuaiji.imports.permissions import may_import
from kuaiji.questions.selectors import may_answer_questions

register = template.Library()


@register.filter
def can_manage_staff(user) -> bool:
    """Whether the home page offers 工作人员管理 (the pages themselves check again)."""
    return user.is_authenticated and has_role(user, StaffRole.DEPARTMENT_ADMIN)


@lru_cache(maxsize=64)
def _staff_nav(links: tuple[bool, bool, bool, bool, bool, bool], script_prefix: str) -> str:
    manages_staff, imports, searches_audit, reads_sms_log, is_site_staff, answers_questions = links
    return render_to_string(
        "review/staff_nav.html",
        {
            "manages_staff": manages_staff,
            "imports": imports,
            "searches_audit": searches_audit,
            "reads_sms_log": reads_sms_log,
            "is_site_staff": is_site_staff,
            "answers_questions": answers_questions,
        },
    )


@register.simple_tag
def staff_nav(user) -> SafeString:
    """The staff menu, with the links ``user``'s roles open (the pages check again). Its markup depends only
    on which links show and the site's prefix, so it is rendered once a process for each combination:
    every staff page shows it, and its dozen ``{% url %}`` were a tenth of a queue page's template."""
    links = (
        can_manage_staff(user),
        may_import(user),
        can_search_audit(user),
        may_read_sms_log(user),
        bool(user.is_staff),
        may_answer_questions(user),
    )
    return mark_safe(_staff_nav(links, get_script_prefix()))  # rendered, escaped, by the template

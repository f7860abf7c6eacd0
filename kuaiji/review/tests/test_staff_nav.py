"""The staff menu shows the links each person's roles open, whoever was served before them (the menu is
rendered once a process for each combination of links: review/templatetags/staff_tags.py)."""

from django.urls import reverse

import pytest

from kuaiji.accounts.constants import StaffRole

pytestmark = pytest.mark.django_db

ADMIN_LINKS = ("工作人员管理", ">通知公告</a>")  # the footer's 通知公告 is outside the menu
IMPORT_LINK = "原有人员导入"
AUDIT_LINK = "审计日志"


def staff_menu(client) -> str:
    html = client.get(reverse("exports:list")).content.decode()  # a page every staff member may open
    return html.split('<nav class="staff-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize(
    ("code", "role", "shown", "hidden"),
    [
        ("630102", StaffRole.REVIEWER, (), (*ADMIN_LINKS, IMPORT_LINK, AUDIT_LINK)),
        ("630102", StaffRole.DEPARTMENT_ADMIN, ADMIN_LINKS, (IMPORT_LINK, AUDIT_LINK)),
        ("630000", StaffRole.DATA_OFFICER, (IMPORT_LINK,), (*ADMIN_LINKS, AUDIT_LINK)),
        ("630000", StaffRole.AUDITOR, (AUDIT_LINK,), (*ADMIN_LINKS, IMPORT_LINK)),
        ("630102", StaffRole.AUDITOR, (), (*ADMIN_LINKS, IMPORT_LINK, AUDIT_LINK)),  # a county's auditor
    ],
)
def test_each_role_sees_its_links_and_no_other(reviewer_for, code, role, shown, hidden):
    # A department administrator is served first, so a cached menu with more links would show.
    admin_menu = staff_menu(reviewer_for("630000", role=StaffRole.DEPARTMENT_ADMIN))
    assert all(link in admin_menu for link in ADMIN_LINKS)

    menu = staff_menu(reviewer_for(code, role=role))

    assert f'href="{reverse("review:queue")}">审核队列</a>' in menu
    assert all(link in menu for link in shown)
    assert not any(link in menu for link in hidden)

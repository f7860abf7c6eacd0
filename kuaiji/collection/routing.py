"""Which department reviews a submission — one function, for the review issue to extend."""

from kuaiji.regions.models import Department
from kuaiji.regions.selectors import provincial_department

from .constants import SubmissionKind


class NoDepartment(Exception):
    pass


def route(*, kind: str, management_department: Department | None) -> Department:
    """The department that reviews a submission of ``kind`` for a person managed by ``management_department``.

    - a first collection (信息采集) goes to the provincial finance department above it;
    - a change (信息变更) goes to the person's own department;
    - a transfer (调转) goes to the receiving department (``management_department`` is the new one).
    """
    if management_department is None:
        raise NoDepartment("请先在“工作单位与会计管理部门”中选择会计管理部门")
    if kind == SubmissionKind.INITIAL:
        return provincial_department(management_department)
    return management_department

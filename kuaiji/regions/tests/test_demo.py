"""Requirements covered: the demo departments of Qinghai — the provincial one, one per prefecture in
force, a few counties under their prefecture — are created idempotently and keyed by division code.
"""

import pytest

from kuaiji.regions.constants import DepartmentLevel
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.models import Department

pytestmark = pytest.mark.django_db

PREFECTURES = {"630100", "630200", "632200", "632300", "632500", "632600", "632700", "632800"}
COUNTIES = {"630102", "630103", "630106", "630121", "632801", "632802"}


def test_tree_of_qinghai():
    demo = ensure_demo_departments()
    assert set(demo) == {"630000"} | PREFECTURES | COUNTIES
    province = demo["630000"]
    assert (province.name, province.level, province.parent) == (
        "青海省财政厅会计管理部门",
        DepartmentLevel.PROVINCE,
        None,
    )
    for code in PREFECTURES:
        assert demo[code].parent == province
        assert demo[code].level == DepartmentLevel.PREFECTURE
        assert demo[code].name.endswith("财政局会计科")
    assert demo["630100"].name == "西宁市财政局会计科"
    for code in COUNTIES:
        assert demo[code].level == DepartmentLevel.COUNTY
        assert demo[code].parent == demo[code[:4] + "00"]
    assert demo["632801"].name == "格尔木市财政局会计股"
    assert all(d.phones and d.address and d.office_hours and d.is_active for d in demo.values())


def test_idempotent():
    first = ensure_demo_departments()
    Department.objects.filter(pk=first["630100"].pk).update(phones="", is_active=False)
    second = ensure_demo_departments()
    assert {code: d.pk for code, d in first.items()} == {code: d.pk for code, d in second.items()}
    assert Department.objects.count() == len(first)
    refreshed = Department.objects.get(pk=first["630100"].pk)
    assert refreshed.phones and refreshed.is_active

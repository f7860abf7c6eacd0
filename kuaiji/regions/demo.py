"""Demo departments for Qinghai: the province, every prefecture in force and a few counties.

The prefectures come from the division table (whatever is in force under 630000), so the demo follows
the reference data. ALL ADDRESSES AND PHONE NUMBERS BELOW ARE FICTIONAL (555 numbers, 示例 streets):
they exist so the contact directory and routing have something to show, and must never be published.
"""

from django.db import transaction

from .constants import DepartmentLevel, DivisionLevel
from .models import Department, Division
from .selectors import divisions_in_force

PROVINCE_CODE = "630000"

OFFICE_HOURS = "周一至周五 8:30–12:00，14:30–18:00（法定节假日除外）"

# Telephone area codes of Qinghai, by prefecture; the numbers after them are fictional.
_AREA_CODES = {
    "630100": "0971",
    "630200": "0972",
    "632200": "0970",
    "632300": "0973",
    "632500": "0974",
    "632600": "0975",
    "632700": "0976",
    "632800": "0977",
}

# County-level demo departments: code → (name, fictional phone).
_COUNTIES = {
    "630102": ("西宁市城东区财政局会计股", "0971-5550201"),
    "630103": ("西宁市城中区财政局会计股", "0971-5550202"),
    "630106": ("西宁市湟中区财政局会计股", "0971-5550203"),
    "630121": ("大通回族土族自治县财政局会计股", "0971-5550204"),
    "632801": ("格尔木市财政局会计股", "0979-5550205"),
    "632802": ("德令哈市财政局会计股", "0977-5550206"),
}


def _save(*, division: Division, name: str, level: str, parent: Department | None, phone: str) -> Department:
    department, _created = Department.objects.update_or_create(
        division=division,
        defaults={
            "name": name,
            "level": level,
            "parent": parent,
            "address": f"{division.name}示例路 1 号（虚构地址）",
            "phones": phone,
            "office_hours": OFFICE_HOURS,
            "is_active": True,
        },
    )
    return department


@transaction.atomic
def ensure_demo_departments() -> dict[str, Department]:
    """Create or update the demo departments of Qinghai; returns them keyed by division code.

    Idempotent (one department per division, matched on the division). Requires the division table
    (loaded by migration ``0003_load_divisions``).
    """
    province = Division.objects.get(code=PROVINCE_CODE)
    departments = {
        PROVINCE_CODE: _save(
            division=province,
            name="青海省财政厅会计管理部门",
            level=DepartmentLevel.PROVINCE,
            parent=None,
            phone="0971-5550001",
        )
    }
    prefectures = divisions_in_force(parent_code=PROVINCE_CODE).filter(level=DivisionLevel.PREFECTURE)
    for number, prefecture in enumerate(prefectures, start=1):
        area_code = _AREA_CODES.get(prefecture.code, "0971")
        departments[prefecture.code] = _save(
            division=prefecture,
            name=f"{prefecture.name}财政局会计科",
            level=DepartmentLevel.PREFECTURE,
            parent=departments[PROVINCE_CODE],
            phone=f"{area_code}-55501{number:02d}",
        )
    for code, (name, phone) in _COUNTIES.items():
        county = Division.objects.get(code=code)
        departments[code] = _save(
            division=county,
            name=name,
            level=DepartmentLevel.COUNTY,
            parent=departments[county.parent_id or ""],
            phone=phone,
        )
    return departments

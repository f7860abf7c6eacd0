"""Requirements covered: the division table comes from python-stdnum's cn/loc.dat (not a hand-typed
table), is loaded by a data migration into every database, can be reloaded idempotently (also through
``manage.py load_divisions``), records its vintage in ``DivisionSource``, folds each code's name
history into one row (current name, first and last year in force), derives levels and parents from the
code, and keeps placeholder codes (marked) so province-administered counties have a parent.
"""

from io import StringIO

from django.core.management import call_command

import pytest
import stdnum

from kuaiji.regions.constants import DivisionLevel
from kuaiji.regions.loader import SOURCE_NAME, load_divisions, read_divisions
from kuaiji.regions.models import Division, DivisionSource

# python-stdnum 2.2 ships 6,885 codes; later versions only add codes.
MIN_CODES = 6885


def test_source_is_read_from_stdnum():
    records = read_divisions()
    assert len(records) >= MIN_CODES
    assert len({r.code for r in records}) == len(records)
    assert all(len(r.code) == 6 and r.code.isdigit() for r in records)


@pytest.mark.django_db
def test_migration_loaded_every_code_and_recorded_the_vintage():
    assert Division.objects.count() == len(read_divisions())
    source = DivisionSource.objects.get()
    assert source.source_name == SOURCE_NAME
    assert source.version == stdnum.__version__
    assert source.division_count == Division.objects.count()


@pytest.mark.django_db
def test_reload_is_idempotent_and_records_each_load(django_assert_max_num_queries):
    before = list(Division.objects.values_list("code", "name", "parent_id", "valid_from", "valid_until"))
    # Nothing changed, so no bulk writes: read the table, insert the source row (plus savepoints).
    with django_assert_max_num_queries(6):
        count = load_divisions()
    assert count == len(before)
    after = list(Division.objects.values_list("code", "name", "parent_id", "valid_from", "valid_until"))
    assert after == before
    assert DivisionSource.objects.count() == 2


@pytest.mark.django_db
def test_reload_repairs_a_changed_row():
    Division.objects.filter(code="630106").update(name="改错的名字", valid_until=2000)
    load_divisions()
    huangzhong = Division.objects.get(code="630106")
    assert (huangzhong.name, huangzhong.valid_until) == ("湟中区", None)


@pytest.mark.django_db
def test_management_command_reloads():
    out = StringIO()
    call_command("load_divisions", stdout=out)
    assert f"Loaded {Division.objects.count()} divisions" in out.getvalue()
    assert DivisionSource.objects.count() == 2


@pytest.mark.django_db
def test_name_history_is_folded_into_the_current_name():
    datong = Division.objects.get(code="630121")  # [-1984]大通县,[1985-]大通回族土族自治县
    assert (datong.name, datong.valid_from, datong.valid_until) == ("大通回族土族自治县", None, None)
    wuzhishan_old = Division.objects.get(code="460001")  # [1988-2000]通什市,[2001-2002]五指山市
    assert (wuzhishan_old.name, wuzhishan_old.valid_from, wuzhishan_old.valid_until) == (
        "五指山市",
        1988,
        2002,
    )


@pytest.mark.django_db
def test_huangzhong_district_replaced_the_county_in_2019():
    district = Division.objects.get(code="630106")
    county = Division.objects.get(code="630122")
    assert (district.name, district.valid_from, district.in_force) == ("湟中区", 2019, True)
    assert (county.name, county.valid_until, county.in_force) == ("湟中县", 2019, False)


@pytest.mark.django_db
def test_haidong_city_replaced_the_prefecture_in_2013():
    city = Division.objects.get(code="630200")
    prefecture = Division.objects.get(code="632100")
    assert (city.name, city.in_force, city.level) == ("海东市", True, DivisionLevel.PREFECTURE)
    assert (prefecture.name, prefecture.valid_until, prefecture.in_force) == ("海东地区", 2013, False)


@pytest.mark.django_db
def test_levels_and_parents_follow_the_code():
    huangzhong = Division.objects.select_related("parent__parent").get(code="630106")
    assert huangzhong.level == DivisionLevel.COUNTY
    assert huangzhong.parent.code == "630100"
    assert huangzhong.parent.level == DivisionLevel.PREFECTURE
    assert huangzhong.parent.parent.code == "630000"
    assert huangzhong.parent.parent.level == DivisionLevel.PROVINCE
    assert huangzhong.parent.parent.parent is None


@pytest.mark.django_db
def test_placeholders_are_kept_and_marked():
    hainan_direct = Division.objects.get(code="469000")
    assert hainan_direct.is_placeholder
    assert hainan_direct.in_force
    assert Division.objects.get(code="469001").parent_id == "469000"
    assert Division.objects.get(code="429000").is_placeholder  # 湖北 省直辖县级行政单位
    assert Division.objects.get(code="429021").parent_id == "429000"  # 神农架林区
    assert Division.objects.get(code="110100").is_placeholder  # 北京 市辖区
    assert Division.objects.get(code="630101").is_placeholder  # 西宁 市辖区
    assert not Division.objects.get(code="630100").is_placeholder


@pytest.mark.django_db
def test_hainan_counties_of_1988_2002_hang_directly_under_the_province():
    # 4600xx: their XXYY00 is the province code itself (469000 only appeared in 2002).
    qiongshan = Division.objects.get(code="460021")
    assert (qiongshan.name, qiongshan.parent_id, qiongshan.in_force) == ("琼山县", "460000", False)

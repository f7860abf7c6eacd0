"""Requirements covered: the address picker lists divisions in force under a parent (provinces at the
top), hiding placeholders and abolished codes but lifting a placeholder's children to the province
(Hainan's 4690xx, Beijing's districts); cities without counties (东莞, 中山, 嘉峪关) are leaves;
``division_path`` gives province → prefecture → county; ``department_covering`` follows the parent chain
to the nearest active department (county, else prefecture, else province, else None);
``departments_below`` reads the department tree (one recursive query, cycles end).
"""

import pytest

from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.regions.models import Department
from kuaiji.regions.selectors import (
    department_covering,
    departments_below,
    division_path,
    divisions_in_force,
    provincial_department,
)

pytestmark = pytest.mark.django_db


def codes(queryset) -> list[str]:
    return [d.code for d in queryset]


class TestDivisionsInForce:
    def test_provinces_at_the_top(self):
        provinces = codes(divisions_in_force(parent_code=None))
        assert provinces[:3] == ["110000", "120000", "130000"]
        assert {"460000", "630000", "650000", "710000", "810000", "820000"} <= set(provinces)
        assert len(provinces) == 34

    def test_qinghai_prefectures_in_force(self):
        names = {d.code: d.name for d in divisions_in_force(parent_code="630000")}
        assert names == {
            "630100": "西宁市",
            "630200": "海东市",
            "632200": "海北藏族自治州",
            "632300": "黄南藏族自治州",
            "632500": "海南藏族自治州",
            "632600": "果洛藏族自治州",
            "632700": "玉树藏族自治州",
            "632800": "海西蒙古族藏族自治州",
        }  # not 632100 海东地区 (abolished 2013) nor 632400 省直辖行政单位 (placeholder, abolished)

    def test_xining_counties_hide_placeholder_and_abolished_codes(self):
        xining = codes(divisions_in_force(parent_code="630100"))
        assert "630106" in xining  # 湟中区
        assert "630122" not in xining  # 湟中县, abolished 2019
        assert "630101" not in xining  # 市辖区
        assert xining == ["630102", "630103", "630104", "630105", "630106", "630121", "630123"]

    def test_province_administered_counties_appear_under_the_province(self):
        hainan = divisions_in_force(parent_code="460000")
        hainan_codes = codes(hainan)
        assert "469001" in hainan_codes  # 五指山市, under the placeholder 469000
        assert "469000" not in hainan_codes
        assert "460100" in hainan_codes  # 海口市
        assert "469003" not in hainan_codes  # 儋州市 as a county-level code, abolished 2015
        assert "460400" in hainan_codes  # 儋州市 as a prefecture-level city since 2015
        wuzhishan = next(d for d in hainan if d.code == "469001")
        assert not wuzhishan.has_children
        assert next(d for d in hainan if d.code == "460100").has_children

    def test_hubei_directly_administered_cities_and_shennongjia(self):
        hubei = codes(divisions_in_force(parent_code="420000"))
        assert {"429004", "429005", "429006", "429021"} <= set(hubei)

    def test_municipality_districts_appear_under_the_municipality(self):
        beijing = codes(divisions_in_force(parent_code="110000"))
        assert "110101" in beijing  # 东城区
        assert "110100" not in beijing  # 市辖区
        assert "110228" not in beijing  # 密云县, became 110118 密云区 in 2015
        assert "110118" in beijing

    @pytest.mark.parametrize(
        ("province", "city"), [("440000", "441900"), ("440000", "442000"), ("620000", "620200")]
    )
    def test_cities_without_counties_are_selectable_leaves(self, province, city):
        listed = {d.code: d for d in divisions_in_force(parent_code=province)}
        assert city in listed
        assert not listed[city].has_children
        assert codes(divisions_in_force(parent_code=city)) == []

    def test_unknown_parent_gives_nothing(self):
        assert codes(divisions_in_force(parent_code="999999")) == []

    def test_one_query(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            list(divisions_in_force(parent_code="460000"))


class TestDivisionPath:
    def test_county(self):
        assert codes(division_path("630106")) == ["630000", "630100", "630106"]

    def test_placeholders_are_left_out_unless_asked(self):
        assert codes(division_path("469001")) == ["460000", "469001"]
        assert codes(division_path("469001", include_placeholders=True)) == ["460000", "469000", "469001"]
        assert [d.name for d in division_path("110101")] == ["北京市", "东城区"]

    def test_province_and_unknown(self):
        assert codes(division_path("630000")) == ["630000"]
        assert division_path("999999") == []

    def test_one_query(self, django_assert_num_queries):
        with django_assert_num_queries(1):
            division_path("630106")


class TestDepartmentCovering:
    @pytest.fixture
    def demo(self):
        return ensure_demo_departments()

    def test_county_with_its_own_department(self, demo):
        assert department_covering("630106") == demo["630106"]  # 湟中区

    def test_county_without_falls_back_to_the_prefecture(self, demo):
        assert department_covering("630104") == demo["630100"]  # 城西区 → 西宁市
        assert department_covering("632803") == demo["632800"]  # 茫崖市 → 海西州

    def test_abolished_county_falls_back_to_its_prefecture(self, demo):
        assert department_covering("630122") == demo["630100"]  # 湟中县 (abolished 2019) → 西宁市

    def test_prefecture_without_department_falls_back_to_the_province(self, demo):
        assert department_covering("632100") == demo["630000"]  # 海东地区, abolished
        assert department_covering("632121") == demo["630000"]  # 平安县 under 海东地区
        assert department_covering("632400") == demo["630000"]  # 省直辖行政单位 placeholder

    def test_inactive_department_is_skipped(self, demo):
        Department.objects.filter(pk=demo["632801"].pk).update(is_active=False)
        assert department_covering("632801") == demo["632800"]  # 格尔木市 → 海西州

    def test_unknown_code_or_outside_the_demo_province(self, demo):
        assert department_covering("639999") is None  # not a code: prefixes are not guessed
        assert department_covering("469001") is None  # 五指山市, Hainan has no department
        assert department_covering("110101") is None

    def test_two_queries(self, demo, django_assert_num_queries):
        with django_assert_num_queries(2):
            department_covering("630106")


class TestDepartmentsBelow:
    def test_province_sees_everything(self):
        demo = ensure_demo_departments()
        below = departments_below(demo["630000"])
        assert set(below) == set(demo.values())

    def test_prefecture_sees_itself_and_its_counties(self):
        demo = ensure_demo_departments()
        assert set(departments_below(demo["630100"])) == {
            demo[code] for code in ["630100", "630102", "630103", "630106", "630121"]
        }
        assert set(departments_below(demo["632800"])) == {demo[c] for c in ["632800", "632801", "632802"]}

    def test_county_sees_itself(self):
        demo = ensure_demo_departments()
        assert list(departments_below(demo["630106"])) == [demo["630106"]]

    def test_one_query_whatever_the_depth(self, django_assert_num_queries):
        demo = ensure_demo_departments()
        # The recursive read of the tree, then the result.
        with django_assert_num_queries(2):
            assert set(departments_below(demo["630000"])) == set(demo.values())

    def test_a_cycle_in_the_parent_links_ends(self):
        demo = ensure_demo_departments()
        province = demo["630000"]
        Department.objects.filter(pk=province.pk).update(parent=demo["630102"])  # 630102 is below it
        assert set(departments_below(province)) == set(demo.values())


def test_the_provincial_department_is_defined_once_for_routing_and_appeals(departments):
    """A county's and a prefecture's province is the one above them; the province is its own; with no
    department to start from (an appeal whose number names no region) it is the platform's top one."""
    province = departments["630000"]
    assert provincial_department(departments["630102"]) == province
    assert provincial_department(departments["630100"]) == province
    assert provincial_department(province) == province
    assert provincial_department() == province


def test_with_no_active_top_department_there_is_no_provincial_department(departments):
    Department.objects.filter(parent__isnull=True).update(is_active=False)
    assert provincial_department() is None


def test_a_selectable_division_knows_whether_the_picker_must_go_on(django_assert_num_queries):
    """``selectable_division`` answers, in one query, what the listing would: a division is a leaf exactly
    when ``divisions_in_force`` lists nothing under it — placeholders' children counted (北京市 → 东城区,
    海南省 → 五指山市), abolished codes and unknown codes refused."""
    from kuaiji.regions.models import Division
    from kuaiji.regions.selectors import selectable_division

    codes = list(Division.objects.filter(valid_until__isnull=True).values_list("code", flat=True)[:400])
    codes += ["110000", "110100", "460000", "469001", "441900", "630102", "632801"]
    for code in codes:
        division, has_children = selectable_division(code)
        assert division is not None and division.code == code
        assert has_children == divisions_in_force(parent_code=code).exists(), code
    assert selectable_division("999999") == (None, False)
    abolished = Division.objects.filter(valid_until__isnull=False).values_list("code", flat=True).first()
    assert abolished is not None
    assert selectable_division(abolished) == (None, False)
    with django_assert_num_queries(1):
        selectable_division("630102")


def test_a_division_field_asks_the_database_once_per_code(django_assert_num_queries):
    """Every save and submit checks its division codes: the answer is cached; what is not a 6-digit code
    is refused without a query (and never becomes a cache key)."""
    from django.core.exceptions import ValidationError

    from kuaiji.regions.forms import DivisionField

    field = DivisionField()
    with django_assert_num_queries(1):
        assert field.clean("630102") == "630102"
    with django_assert_num_queries(0):
        assert field.clean("630102") == "630102"
        for junk in ("63010２", "630 102", "x" * 200):
            with pytest.raises(ValidationError):
                field.clean(junk)
    with django_assert_num_queries(1), pytest.raises(ValidationError) as not_a_leaf:
        field.clean("630100")
    assert not_a_leaf.value.code == "not_a_leaf"

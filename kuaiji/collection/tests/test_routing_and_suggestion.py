"""Which department reviews a submission, and which management department is suggested for an address.

Requirements covered:
- ``route``: a first collection (信息采集) goes to the provincial department above the person's
  management department, whether that is a county's, a prefecture's or the province's own; a change
  (信息变更) goes to the person's own department; a transfer (调转) to the receiving department; with no
  department it raises ``NoDepartment`` with a Chinese message; a submitted first collection is
  routed to the province, a submitted transfer to the receiving department (due in the transfer's
  ``KUAIJI_REVIEW_WORKING_DAYS``);
- ``department_covering``: a county with its own department → that one; a county without one → its
  prefecture's; a county whose chain has no department below the province (an abolished prefecture,
  海东地区 → its old county 民和) → the province's; an inactive department is passed over; a code not
  in the table, an empty one, or an address outside the demo province (北京市东城区) → None;
- the JSON endpoint ``/collection/department-suggestion/?division=…`` answers with the department's id,
  name and phones (or ``null``), for signed-in applicants only.
"""

from django.urls import reverse
from django.utils import timezone

import pytest

from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.calendar.selectors import due_on
from kuaiji.collection import services
from kuaiji.collection.constants import Status, SubmissionKind
from kuaiji.collection.models import Submission
from kuaiji.collection.routing import NoDepartment, route
from kuaiji.collection.tests import helpers
from kuaiji.regions.models import Department
from kuaiji.regions.selectors import department_covering

pytestmark = pytest.mark.django_db

PROVINCE = "630000"
XINING = "630100"
CHENGDONG = "630102"  # a county (district) of Xining with its own demo department
CHENGXI = "630104"  # a district of Xining without one
HAIXI = "632800"


@pytest.mark.parametrize("own", [CHENGDONG, XINING, PROVINCE, "632801"])
def test_a_first_collection_goes_to_the_province(departments, own):
    assert route(kind=SubmissionKind.INITIAL, management_department=departments[own]) == departments[PROVINCE]


@pytest.mark.parametrize("own", [CHENGDONG, XINING, PROVINCE])
def test_a_change_goes_to_the_persons_own_department(departments, own):
    assert route(kind=SubmissionKind.CHANGE, management_department=departments[own]) == departments[own]


def test_a_transfer_goes_to_the_receiving_department(departments):
    receiving = departments["632802"]  # 德令哈 receives someone from 城东区

    assert route(kind=SubmissionKind.TRANSFER, management_department=receiving) == receiving


@pytest.mark.parametrize("kind", SubmissionKind.values)
def test_without_a_department_there_is_no_route(kind):
    with pytest.raises(NoDepartment, match="请先在“工作单位与会计管理部门”中选择会计管理部门"):
        route(kind=kind, management_department=None)


def test_a_submitted_first_collection_is_routed_to_the_province(applicant_client, fill, departments):
    submission = fill(applicant_client.applicant, department="632801")

    services.submit(submission, expected_version=submission.version, commitment_accepted=True)

    submission.refresh_from_db()
    assert submission.department == departments[PROVINCE]
    assert submission.revisions.get().department == departments[PROVINCE]


# --- department_covering ------------------------------------------------------------------------------------


def test_a_county_with_its_own_department_gets_it(departments):
    assert department_covering(CHENGDONG) == departments[CHENGDONG]


def test_a_county_without_one_gets_its_prefectures(departments):
    assert department_covering(CHENGXI) == departments[XINING]
    assert department_covering("632821") == departments[HAIXI]  # 乌兰县
    assert department_covering(XINING) == departments[XINING]


def test_a_chain_without_a_department_below_the_province_falls_back_to_it(departments):
    # 民和回族土族自治县 under the abolished 海东地区 (632100): no demo department on its chain but the province.
    assert department_covering("632122") == departments[PROVINCE]


def test_an_inactive_department_is_passed_over(departments):
    Department.objects.filter(pk=departments[XINING].pk).update(is_active=False)

    assert department_covering(CHENGXI) == departments[PROVINCE]
    assert department_covering(CHENGDONG) == departments[CHENGDONG]


@pytest.mark.parametrize("code", ["999999", "", "63010", "110101"])
def test_an_unknown_or_uncovered_address_has_no_department(departments, code):
    assert department_covering(code) is None


# --- the JSON endpoint ----------------------------------------------------------------------------------------


def suggestion(client, code):
    return client.get(reverse("collection:department_suggestion"), {"division": code})


def test_the_endpoint_answers_with_the_covering_department(applicant_client, departments):
    response = suggestion(applicant_client, CHENGXI)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    xining = departments[XINING]
    assert response.json() == {
        "department": {"id": xining.pk, "name": "西宁市财政局会计科", "phones": xining.phones}
    }
    assert suggestion(applicant_client, CHENGDONG).json()["department"]["id"] == departments[CHENGDONG].pk


@pytest.mark.parametrize("code", ["999999", "", "110101"])
def test_the_endpoint_says_null_when_nothing_covers(applicant_client, code):
    response = suggestion(applicant_client, code)

    assert response.status_code == 200
    assert response.json() == {"department": None}


def test_the_endpoint_is_for_signed_in_applicants(client, departments):
    assert suggestion(client, CHENGXI).status_code == 302
    client.force_login(StaffFactory())
    assert suggestion(client, CHENGXI).status_code == 403


def test_a_submitted_transfer_goes_to_the_receiving_department(applicant_client, fill, departments, settings):
    settings.KUAIJI_REVIEW_WORKING_DAYS = {"initial": 5, "change": 5, "transfer": 10}
    applicant = applicant_client.applicant
    first = fill(applicant)
    services.submit(first, expected_version=first.version, commitment_accepted=True)
    Submission.objects.filter(pk=first.pk).update(status=Status.APPROVED, decided_at=timezone.now())
    transfer = services.start_change(applicant, kind=SubmissionKind.TRANSFER)
    receiving = departments["632802"]
    employer = {**transfer.answers["employer"], "management_department": str(receiving.pk)}
    services.save_section(transfer, section="employer", data=employer, expected_version=transfer.version)
    helpers.re_sign_submission(transfer)  # the form names the new department: signed again

    services.submit(transfer, expected_version=transfer.version, commitment_accepted=True)

    transfer.refresh_from_db()
    assert transfer.kind == SubmissionKind.TRANSFER
    assert transfer.department == receiving
    start = timezone.localdate(transfer.submitted_at)
    assert transfer.due_on == due_on(start=start, working_days=10)

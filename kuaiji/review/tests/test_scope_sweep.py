"""The scope sweep: every staff URL of ``review``, ``archive``, ``audit``, ``credit`` and ``questions``, taken from the URL
resolvers (a new URL is covered the day it is added), refuses another region's objects.

- For two regions, 城东区 (630102, under 西宁) and 格尔木 (632801, under 海西), a person with an approved
  first collection (archive record, version 1) and a pending change routed to their own department (with
  attachments), an account appeal with its photos, the department itself, a staff member, and a published
  credit entry (with its scan) under the person's objection (with evidence), the person's question about
  their change (with a photo) answered by the department, and the FAQ entry made of it.
- A member of staff of one region, holding every role a department hands out, gets 403 or 404 for every
  URL built with the other region's ids, by GET and by POST — never a page with someone else's data. A
  405 is accepted only when the owning region's staff get 405 too (the method is refused before any
  lookup). Child ids (an attachment, a photo) are also tried under the staff member's own parent.
- The owning region's staff open the same URLs (so the ids are real and the refusal is the scope's);
  their POSTs are rolled back.
- URLs without an id (queue, lists, search, export) never show the other region's names, under any of
  the filters tried; the owning region's staff do see them (so the check means something).
- Anonymous visitors are sent to the staff sign-in page and applicants get 403, everywhere.

A URL whose id the sweep does not know fails with its name: add the id to ``ID_OF``.
"""

import random
from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlencode

from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse

import pytest

from kuaiji.accounts.constants import AppealReason, AppealStatus, StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory, sign_in_staff
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection.constants import Status
from kuaiji.collection.models import Attachment
from kuaiji.collection.tests.factories import SubmissionFactory
from kuaiji.core.fakes import fake_resident_id
from kuaiji.regions.models import Department

from .test_appeals import file_appeal

pytestmark = pytest.mark.django_db

STAFF_URLCONFS = ("review", "archive", "audit", "credit", "questions")
# Every role a department can hold, so a refusal is never only a missing role.
SWEEPER_ROLES = (StaffRole.REVIEWER, StaffRole.DEPARTMENT_ADMIN, StaffRole.AUDITOR)
# Ids that belong to a parent id in the same URL: tried with the sweeper's own parent too.
CHILD_IDS = ("attachment_uuid", "photo_uuid", "message_uuid")
# Names chosen so no generated name or page text contains them.
NAMES = {
    "630102": {"person": "端木初霁", "appeal": "闻人若溪", "staff": "东方慕白"},
    "632801": {"person": "公孙远岫", "appeal": "令狐清和", "staff": "上官暮雪"},
}


@dataclass
class Region:
    code: str
    department: Department
    person: User
    record: ArchiveRecord
    change: object
    attachment: Attachment
    appeal: object
    photo: object
    staff_member: User
    names: dict
    entry: object
    objection: object
    question: object
    faq: object


ID_OF = {
    "submission_uuid": lambda region: region.change.uuid,
    "attachment_uuid": lambda region: region.attachment.uuid,
    "appeal_uuid": lambda region: region.appeal.uuid,
    "photo_uuid": lambda region: region.photo.uuid,
    "record_uuid": lambda region: region.record.uuid,
    "number": lambda region: 1,
    "staff_uuid": lambda region: region.staff_member.uuid,
    "entry_uuid": lambda region: region.entry.uuid,
    "objection_uuid": lambda region: region.objection.uuid,
    "question_uuid": lambda region: region.question.uuid,
    "message_uuid": lambda region: region.question.messages.exclude(attachment="").get().uuid,
    "faq_uuid": lambda region: region.faq.uuid,
    "division_code": lambda region: region.code,
}


def staff_patterns():
    """(namespaced name, keyword names) of every URL in the staff URL confs, includes followed."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}:{pattern.name}", tuple(pattern.pattern.regex.groupindex)

    for app in STAFF_URLCONFS:
        module = import_module(f"kuaiji.{app}.urls")
        yield from walk(module.urlpatterns, module.app_name)


def test_the_sweep_sees_every_staff_url():
    names = [name for name, _kwargs in staff_patterns()]
    assert len(names) == len(set(names)), "URL names must be unique for the sweep"
    for expected in ("review:detail", "review:staff_detail", "archive:version_pdf", "audit:search"):
        assert expected in names


def _signed_in_staff(department, roles, **fields) -> Client:
    staff = StaffFactory.create(department=department, **fields)
    staff.groups.add(*[Group.objects.get_or_create(name=role)[0] for role in roles])
    client = Client()
    sign_in_staff(client, staff)
    client.staff = staff  # type: ignore[attr-defined]  # the tests' helpers read the person off the client
    return client


def _region(code: str, departments, province: Client) -> Region:
    names = NAMES[code]
    department = departments[code]
    person = ApplicantFactory.create(full_name=names["person"])
    # Approved by the province (archive record, version 1), then a pending change routed to the county.
    change = SubmissionFactory.create(
        changed=True,
        applicant=person,
        department=code,
        sections={"personal": {"full_name": names["person"]}},
        reviewer=province.staff,  # type: ignore[attr-defined]  # the tests' helpers read the person off the client
    )
    record = ArchiveRecord.objects.get(person=person)
    assert record.department == department and record.full_name == names["person"]
    assert change.status == Status.PENDING and change.department == department
    attachment = Attachment.objects.filter(revisions__submission=change).first()
    assert attachment is not None

    number = fake_resident_id(rng=random.Random(code), region_code=code)
    appeal = file_appeal(reason=AppealReason.PHONE_LOST, document_number=number, full_name=names["appeal"])
    assert appeal.department == department
    staff_member = StaffFactory.create(department=department, full_name=names["staff"])
    staff_member.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    entry, objection = _credit_entry_with_objection(record, recorder=staff_member, checker=province.staff)  # type: ignore[attr-defined]
    question, faq = _answered_question_with_faq(change, staff_member=staff_member)
    assert question.department == department
    return Region(
        code=code,
        department=department,
        person=person,
        record=record,
        change=change,
        attachment=attachment,
        appeal=appeal,
        photo=appeal.photos.first(),
        staff_member=staff_member,
        names=names,
        entry=entry,
        objection=objection,
        question=question,
        faq=faq,
    )


def _credit_entry_with_objection(record, *, recorder, checker):
    """A published penalty with its scan, recorded by the county and checked by the province, and the
    person's objection to it with evidence."""
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kuaiji.accounts.tests.helpers import jpeg_bytes
    from kuaiji.credit import services as credit_services

    def scan(name):
        return SimpleUploadedFile(name, jpeg_bytes(200, 150), content_type="image/jpeg")

    facts = {
        "kind": "penalty",
        "title": "未按规定填制会计凭证",
        "award_level": "",
        "penalty_type": "warning",
        "legal_basis": "《中华人民共和国会计法》第四十二条",
        "authority": "财政局",
        "document_number": "",
        "decided_on": date(2026, 11, 2),
        "effective_from": date(2026, 11, 2),
        "effective_until": None,
        "is_blacklist": False,
    }
    entry = credit_services.record_entry(staff=recorder, record=record, data=facts, scan=scan("scan.jpg"))
    credit_services.publish_entry(staff=checker, entry=entry, expected_version=entry.version)
    entry.refresh_from_db()
    objection = credit_services.file_objection(
        person=record.person, entry=entry, reason="有误", evidence=scan("evidence.jpg")
    )
    return entry, objection


def _answered_question_with_faq(change, *, staff_member):
    """The person's question about their change, with a photo, answered by their department, and the
    FAQ entry made of the answer."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kuaiji.accounts.tests.helpers import jpeg_bytes
    from kuaiji.questions import services as question_services

    photo = SimpleUploadedFile("question.jpg", jpeg_bytes(200, 150), content_type="image/jpeg")
    question = question_services.ask_question(
        person=change.applicant,
        subject="变更何时生效",
        body="请问多久审核？",
        submission=change,
        attachment=photo,
    )
    question_services.answer_question(
        staff=staff_member, question=question, body="一般 5 个工作日内。", expected_version=question.version
    )
    faq = question_services.publish_faq_from_answer(
        staff=staff_member, question=question, faq_question="变更多久审核？", answer="一般 5 个工作日内。"
    )
    return question, faq


@pytest.fixture
def regions(departments):
    province = _signed_in_staff(departments["630000"], [StaffRole.REVIEWER])
    return {code: _region(code, departments, province) for code in NAMES}


def _kwargs_for(url_name, keywords, region) -> dict:
    missing = [keyword for keyword in keywords if keyword not in ID_OF]
    if missing:
        pytest.fail(f"{url_name}: the sweep has no id for {missing}; add it to ID_OF")
    kwargs = {keyword: ID_OF[keyword](region) for keyword in keywords}
    if url_name == "archive:version_attachment":
        # An archive version serves only the files of the revision it was approved from.
        version = region.record.versions.get(number=kwargs["number"])
        kwargs["attachment_uuid"] = version.revision.attachments.first().uuid
    return kwargs


def _variants(url_name, keywords, mine: Region, theirs: Region):
    """(label, url, who opens the control, control url) for each way to reach ``theirs``'s objects.

    The control shows the refusal is the scope's, not a URL that answers 404 to everyone: the owner
    opens the same URL; for a child id under my parent, I open my own parent with my own child."""
    url = reverse(url_name, kwargs=_kwargs_for(url_name, keywords, theirs))
    yield "their ids", url, "owner", url
    own = _kwargs_for(url_name, keywords, mine)
    foreign = _kwargs_for(url_name, keywords, theirs)
    for child in CHILD_IDS:
        if child in keywords:
            yield (
                f"their {child} under my parent",
                reverse(url_name, kwargs={**own, child: foreign[child]}),
                "me",
                reverse(url_name, kwargs=own),
            )


def _post_rolled_back(client, url):
    with transaction.atomic():
        response = client.post(url)
        transaction.set_rollback(True)
    return response


def _content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig", errors="replace")
    return response.content.decode(errors="replace")


@pytest.mark.parametrize(("mine", "theirs"), [("630102", "632801"), ("632801", "630102")])
def test_another_regions_ids_are_refused_on_every_staff_url(regions, departments, mine, theirs):
    me = _signed_in_staff(departments[mine], SWEEPER_ROLES)
    owner = _signed_in_staff(departments[theirs], SWEEPER_ROLES)
    failures = []
    swept = 0
    for url_name, keywords in staff_patterns():
        if not keywords:
            continue
        for label, url, who, control_url in _variants(url_name, keywords, regions[mine], regions[theirs]):
            swept += 1
            controller = owner if who == "owner" else me
            control = {
                "GET": controller.get(control_url).status_code,
                "POST": _post_rolled_back(controller, control_url).status_code,
            }
            for method, status in control.items():
                if status in (403, 404):
                    failures.append(f"{url_name} ({label}): the control ({who}) gets {status} on {method}")
            for method, response in (("GET", me.get(url)), ("POST", me.post(url))):
                allowed = {403, 404} | ({405} if control.get(method, 405) == 405 else set())
                if response.status_code not in allowed:
                    failures.append(f"{url_name} ({label}): {method} gave {response.status_code}")
                elif any(name in _content(response) for name in regions[theirs].names.values()):
                    failures.append(f"{url_name} ({label}): {method} shows their names")
    assert swept >= 15
    assert not failures, "\n".join(failures)

    theirs_region = regions[theirs]
    theirs_region.change.refresh_from_db()
    theirs_region.appeal.refresh_from_db()
    theirs_region.staff_member.refresh_from_db()
    department = Department.objects.get(pk=theirs_region.department.pk)
    assert theirs_region.change.status == Status.PENDING
    assert theirs_region.appeal.status == AppealStatus.PENDING
    assert theirs_region.staff_member.is_active
    theirs_region.entry.refresh_from_db()
    theirs_region.objection.refresh_from_db()
    assert (theirs_region.entry.state, theirs_region.objection.state) == ("published", "pending")
    theirs_region.question.refresh_from_db()
    theirs_region.faq.refresh_from_db()
    assert (theirs_region.question.state, theirs_region.faq.withdrawn_at) == ("answered", None)
    assert department.address == theirs_region.department.address
    assert department.phones == theirs_region.department.phones


def _list_queries(theirs: Region) -> list[dict]:
    person = theirs.names["person"]
    return [
        {},
        {"q": person},
        {"name": person},
        {"actor": person},
        {"department": theirs.department.pk},
        {"status": Status.PENDING},
        {"status": AppealStatus.PENDING},
    ]


# No exceptions: the audit log, which names people of every region, is only for platform administrators
# and auditors of the provincial department (``kuaiji.audit.permissions``).
UNSCOPED_BY_DESIGN: set[str] = set()


@pytest.mark.parametrize(("mine", "theirs"), [("630102", "632801"), ("632801", "630102")])
def test_pages_without_an_id_never_show_another_regions_people(regions, departments, mine, theirs):
    me = _signed_in_staff(departments[mine], SWEEPER_ROLES)
    owner = _signed_in_staff(departments[theirs], SWEEPER_ROLES)
    their_names = regions[theirs].names
    failures = []
    seen_by_owner = set()
    for url_name, keywords in staff_patterns():
        if keywords or url_name in UNSCOPED_BY_DESIGN:
            continue
        for query in _list_queries(regions[theirs]):
            url = reverse(url_name) + ("?" + urlencode(query) if query else "")
            response = me.get(url)
            if response.status_code >= 500:
                failures.append(f"{url_name} {query}: {response.status_code}")
                continue
            # The filter typed in is echoed in its input; anything else naming them is a leak.
            page = _content(response).replace(
                f'value="{query.get("q") or query.get("name") or query.get("actor")}"', ""
            )
            shown = [name for name in their_names.values() if name in page]
            if shown:
                failures.append(f"{url_name} {query}: shows {shown}")
            owner_page = _content(owner.get(url))
            seen_by_owner.update(name for name in their_names.values() if name in owner_page)
    assert not failures, "\n".join(failures)
    assert seen_by_owner == set(their_names.values()), "the owning region should see its own people"


def test_a_county_auditor_cannot_read_the_platform_wide_audit_log(regions, departments):
    me = _signed_in_staff(departments["630102"], SWEEPER_ROLES)
    response = me.get(reverse("audit:search"))
    assert response.status_code == 403
    assert NAMES["632801"]["person"] not in response.content.decode()


def _urls_with_real_ids(region: Region):
    for url_name, keywords in staff_patterns():
        yield url_name, reverse(url_name, kwargs=_kwargs_for(url_name, keywords, region))


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(regions, client):
    failures = []
    for url_name, url in _urls_with_real_ids(regions["630102"]):
        response = client.get(url)
        if response.status_code != 302 or not response["Location"].startswith("/staff/sign-in/"):
            failures.append(f"{url_name}: GET gave {response.status_code}")
        response = client.post(url)
        redirected = response.status_code == 302 and response["Location"].startswith("/staff/sign-in/")
        if not (redirected or response.status_code == 405):
            failures.append(f"{url_name}: POST gave {response.status_code}")
    assert not failures, "\n".join(failures)


def test_applicants_are_refused_everywhere(regions):
    # The owner of the records too: an applicant never reaches a staff page, not even about themselves.
    applicant = Client()
    applicant.force_login(regions["630102"].person)
    failures = []
    for url_name, url in _urls_with_real_ids(regions["630102"]):
        if (status := applicant.get(url).status_code) != 403:
            failures.append(f"{url_name}: GET gave {status}")
        if (status := applicant.post(url).status_code) not in (403, 405):
            failures.append(f"{url_name}: POST gave {status}")
    assert not failures, "\n".join(failures)

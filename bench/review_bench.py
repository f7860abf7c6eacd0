"""The review queue and the archive search at a province's scale, on PostgreSQL only.

Loads a synthetic Qinghai into a database of its own (dropped at the end): every county in force gets a
department, ``KUAIJI_BENCH_PEOPLE`` archived people (default 1,000,000) and ``KUAIJI_BENCH_PENDING``
pending submissions (default 100,000), spread over the counties by (approximate) population with the
cities heavier. Every person is generated: a valid resident ID number of their county, a made-up name,
an unusable password, a small answers JSON; departments have fictional phones. The rows are streamed
with ``COPY`` on five connections at once (one per table), with the foreign-key triggers off
(``session_replication_role = replica``: the generator writes consistent ids), then VACUUM ANALYZE.

Then, for a county reviewer (城东区, 630102) and the province reviewer (630000), each page is fetched
through the test client with a verified staff session, and the staff API's queue and archive search with a
bearer token (``WARMUP`` times, then ``RUNS`` timed), and
compared with the bare SQL the page needs: every SELECT it issues on the list's table (the count and the
page: its ids then its rows, or before those were split one SELECT), captured from one request and
replayed on a raw cursor in the same run. ``KUAIJI_BENCH_EXPLAIN=1`` prints EXPLAIN ANALYZE of those
queries; ``KUAIJI_BENCH_KEEP_DB=1`` keeps the database for a look with psql (drop it yourself). Then
``bench/scale_reports.py`` exports the province's archive (XLSX, CSV, against bare xlsxwriter) and times
the dashboard's queries (``KUAIJI_BENCH_SKIP_REPORTS=1`` leaves them out).
"""

import json
import os
import random
import statistics
import time
import uuid
from contextlib import ExitStack
from datetime import date, timedelta
from math import gcd

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment
from django.utils import timezone

PEOPLE = int(os.environ.get("KUAIJI_BENCH_PEOPLE", "1000000"))
PENDING = int(os.environ.get("KUAIJI_BENCH_PENDING", "100000"))
RUNS = int(os.environ.get("KUAIJI_BENCH_RUNS", "20"))
WARMUP = 3
DATABASE_NAME = os.environ.get("KUAIJI_BENCH_DATABASE", "kuaiji_bench_review")
USER_ID_BASE = 1000  # ids below are left to the staff accounts the ORM creates
COUNTY_CODE = "630102"  # 西宁市城东区
PROVINCE_CODE = "630000"
SURNAME = "王"
FLUSH_LINES = 5000

# Resident population of Qinghai's counties in ten thousands (2020 census, rounded; for weighting only).
POPULATION = {
    "630102": 40, "630103": 38, "630104": 30, "630105": 36, "630106": 46, "630121": 43, "630123": 12,
    "630202": 25, "630203": 11, "630222": 35, "630223": 33, "630224": 22, "630225": 15,
    "632221": 14, "632222": 5, "632223": 3.5, "632224": 4.5,
    "632301": 10, "632322": 6, "632323": 8, "632324": 4,
    "632521": 13, "632522": 6.5, "632523": 10, "632524": 7.5, "632525": 8,
    "632621": 5.5, "632622": 3, "632623": 4, "632624": 3.5, "632625": 3, "632626": 1.5,
    "632701": 12, "632722": 7, "632723": 6.5, "632724": 3.5, "632725": 11, "632726": 3.5,
    "632801": 22, "632802": 7.5, "632803": 3, "632821": 3.5, "632822": 7.5, "632823": 2.5,
}  # fmt: skip
# Accountants gather where the employers are: 西宁's urban districts most, other districts and cities more.
URBAN_FACTOR = {"630102": 3, "630103": 3, "630104": 3, "630105": 3}
TOWN_FACTOR = 1.5  # other 区 and county-level 市
# Who manages a person: their county's department mostly, else the prefecture's or the province's.
MANAGED_BY = (("county", 0.75), ("prefecture", 0.15), ("province", 0.10))
# Pending submissions: first collections (new people, routed to the province), changes (to the person's
# own department) and transfers (to the receiving department; the releasing one sees them too).
PENDING_MIX = (("initial", 0.55), ("change", 0.40), ("transfer", 0.05))

EARLIEST_BIRTH = date(1960, 1, 1)
BIRTH_DAYS = (date(2003, 12, 31) - EARLIEST_BIRTH).days + 1
ID_SPACE = BIRTH_DAYS * 1000  # (birth date, three-digit order code) pairs of one county
ID_STEP = 1_000_003  # a prime: k → k * step mod space visits every pair once
MOBILE_STEP = 48_271
EMPLOYER_WORDS = ("高原", "三江", "昆仑", "青湖", "雪域", "河湟", "柴达木", "祁连", "金银滩", "湟水")
EMPLOYER_TRADES = (
    "商贸",
    "建筑工程",
    "物流",
    "农牧业",
    "旅游",
    "医药",
    "能源",
    "信息技术",
    "餐饮",
    "会计服务",
)
EDUCATION = (("bachelor", 0.45), ("junior_college", 0.35), ("master", 0.08), ("secondary_vocational", 0.12))
QUALIFICATION = (("none", 0.35), ("junior", 0.40), ("intermediate", 0.20), ("senior", 0.05))
NATURE = (
    ("private_enterprise", 0.55), ("state_enterprise", 0.15), ("government", 0.1),
    ("public_institution", 0.12), ("other", 0.08),
)  # fmt: skip
POST = (("none", 0.3), ("clerk", 0.25), ("assistant", 0.25), ("accountant", 0.15), ("senior", 0.05))


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _weighted(rng: random.Random, choices):
    return rng.choices([value for value, _w in choices], [weight for _v, weight in choices])[0]


class _Stream:
    """One table's COPY on its own connection, fed tab-separated lines in chunks."""

    def __init__(self, stack: ExitStack, params: dict, model, columns: tuple[str, ...]):
        import psycopg

        concrete = {field.column for field in model._meta.concrete_fields}
        assert set(columns) == concrete, f"{model._meta.db_table}: {set(columns) ^ concrete}"
        self.table = model._meta.db_table
        self.conn = stack.enter_context(psycopg.connect(**params))
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET synchronous_commit = off")
        names = ", ".join(f'"{column}"' for column in columns)
        self.copy = stack.enter_context(self.conn.cursor().copy(f'COPY "{self.table}" ({names}) FROM STDIN'))
        self.lines: list[str] = []
        self.rows = 0

    def write(self, *values) -> None:
        self.lines.append("\t".join(values) + "\n")
        if len(self.lines) >= FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("".join(self.lines))
            self.rows += len(self.lines)
            self.lines = []


def _ensure_county_departments() -> dict:
    """The demo departments, plus one for every county of Qinghai in force (generated names and phones)."""
    from kuaiji.regions.constants import DepartmentLevel, DivisionLevel
    from kuaiji.regions.demo import ensure_demo_departments
    from kuaiji.regions.models import Department, Division

    departments = ensure_demo_departments()
    counties = Division.objects.filter(
        code__startswith="63", level=DivisionLevel.COUNTY, valid_until__isnull=True, is_placeholder=False
    ).order_by("code")
    for number, county in enumerate(counties, start=1):
        if county.code in departments:
            continue
        departments[county.code] = Department.objects.create(
            division=county,
            name=f"{county.name}财政局会计股",
            level=DepartmentLevel.COUNTY,
            parent=departments[county.parent_id],
            address=f"{county.name}示例路 1 号（虚构地址）",
            phones=f"0971-5559{number:03d}",
        )
    return departments


class _People:
    """Generated people: county by weight, a unique valid resident ID of that county, a unique mobile."""

    def __init__(self, rng: random.Random, departments: dict):
        from kuaiji.regions.models import Division

        self.rng = rng
        self.departments = departments
        names = dict(Division.objects.filter(code__in=POPULATION).values_list("code", "name"))
        self.counties = sorted(POPULATION)
        weights = []
        for code in self.counties:
            town = names[code].endswith(("区", "市"))
            weights.append(POPULATION[code] * URBAN_FACTOR.get(code, TOWN_FACTOR if town else 1))
        self.cumulative = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.issued = dict.fromkeys(self.counties, 0)
        self.offsets = {code: rng.randrange(ID_SPACE) for code in self.counties}
        assert gcd(ID_STEP, ID_SPACE) == 1
        self.mobiles = 0
        self.mobile_offset = rng.randrange(10**8)
        # A pool of employers per county (about one per 15 people), each with a valid credit code.
        from kuaiji.core.fakes import fake_credit_code

        self.employers = {}
        for code, weight in zip(self.counties, weights, strict=True):
            count = max(3, int(PEOPLE * weight / total / 15) // 10)  # reused: ~150 people per employer
            self.employers[code] = [
                (
                    f"{names[code][:2]}{rng.choice(EMPLOYER_WORDS)}{rng.choice(EMPLOYER_TRADES)}有限公司{n}",
                    fake_credit_code(rng=rng, region_code=code),
                )
                for n in range(count)
            ]

    def county(self) -> str:
        from bisect import bisect

        return self.counties[bisect(self.cumulative, self.rng.random() * self.cumulative[-1])]

    def management_department(self, county: str):
        level = _weighted(self.rng, MANAGED_BY)
        if level == "county":
            return self.departments[county]
        if level == "prefecture":
            return self.departments[county[:4] + "00"]
        return self.departments[PROVINCE_CODE]

    def resident_id(self, county: str) -> tuple[str, date, str]:
        from kuaiji.core.validators import gb11643_check_digit

        k = self.issued[county]
        self.issued[county] = k + 1
        if k >= ID_SPACE:
            raise ValueError(f"more people than resident ID numbers in {county}")
        pair = (k * ID_STEP + self.offsets[county]) % ID_SPACE
        birth = EARLIEST_BIRTH + timedelta(days=pair // 1000)
        body = f"{county}{birth:%Y%m%d}{pair % 1000:03d}"
        return body + gb11643_check_digit(body), birth, "male" if pair % 2 else "female"

    def mobile(self) -> str:
        from kuaiji.core.fakes import MOBILE_PREFIXES

        self.mobiles += 1
        suffix = (self.mobiles * MOBILE_STEP + self.mobile_offset) % 10**8
        return f"{self.rng.choice(MOBILE_PREFIXES)}{suffix:08d}"


def _answers(
    rng, *, name, birth, sex, mobile, county, department_id, employer, education, qualification, nature, post
):
    return json.dumps(
        {
            "personal": {
                "full_name": name,
                "sex": sex,
                "birth_date": birth.isoformat(),
                "ethnicity": "01",
                "political_status": "13",
                "mobile": mobile,
                "residence_division": county,
                "residence_address": f"虚构路 {rng.randint(1, 300)} 号",
            },
            "employer": {
                "has_employer": True,
                "employer_name": employer[0],
                "credit_code": employer[1],
                "employer_nature": nature,
                "management_department": department_id,
                "department_post": "财务部 会计",
                "started_accounting_on": f"{min(birth.year + 22, 2024)}-07",
            },
            "education": {"level": education, "school": "虚构财经大学", "major": "会计学"},
            "qualification": {"qualification_level": qualification, "accounting_post": post},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _uuid(rng) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


USER_COLUMNS = (
    "id", "password", "last_login", "is_superuser", "uuid", "account_type", "username", "document_type",
    "document_number", "full_name", "mobile", "mobile_verified_at", "department_id", "is_active",
    "is_staff", "date_joined", "legacy_holder_id",
)  # fmt: skip
SUBMISSION_COLUMNS = (
    "id", "uuid", "applicant_id", "kind", "status", "version", "answers", "notice_id", "department_id",
    "releasing_department_id", "based_on_id", "submitted_at", "due_on", "decided_at", "decision_reason",
    "created_at", "updated_at", "basic_info_generated_from",
)  # fmt: skip
REVISION_COLUMNS = (
    "id", "submission_id", "number", "answers", "notice_id", "department_id", "submitted_at", "due_on",
    "document_type", "document_number", "full_name",
)  # fmt: skip
RECORD_COLUMNS = (
    "id", "uuid", "person_id", "current_version_id", "full_name", "document_type", "document_number",
    "mobile", "department_id", "employer_name", "credit_code", "qualification_level", "education_level",
    "updated_at", "accounting_post", "employer_nature",
)  # fmt: skip
VERSION_COLUMNS = ("id", "record_id", "number", "revision_id", "answers", "approved_by_id", "approved_at")
NULL = "\\N"


def _load(departments: dict, approver_id: int, notice_id: int) -> tuple[int, float]:
    """Stream the data set in; returns (rows, seconds)."""
    from kuaiji.accounts.models import User
    from kuaiji.archive.models import ArchiveRecord, ArchiveVersion
    from kuaiji.collection.models import Revision, Submission
    from kuaiji.core.fakes import fake_person_name

    rng = random.Random(20261125)
    people = _People(rng, departments)
    province_id = str(departments[PROVINCE_CODE].pk)
    all_department_ids = [department.pk for department in departments.values()]
    notice = str(notice_id)
    approver = str(approver_id)
    now = timezone.now()
    five_years = 5 * 365 * 86400

    # Which archived people have a change or transfer pending; the rest of the pending are new people.
    kinds = [_weighted(rng, PENDING_MIX) for _ in range(PENDING)]
    changing = [kind for kind in kinds if kind != "initial"]
    changing = changing[: min(len(changing), PEOPLE)]
    pending_kind = dict(zip(rng.sample(range(PEOPLE), len(changing)), changing, strict=True))
    new_people = PENDING - len(pending_kind)

    settings = connection.settings_dict
    params = {
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "dbname": settings["NAME"],
    }
    params = {key: value for key, value in params.items() if value is not None}
    start = time.perf_counter()
    with ExitStack() as stack:
        users = _Stream(stack, params, User, USER_COLUMNS)
        submissions = _Stream(stack, params, Submission, SUBMISSION_COLUMNS)
        revisions = _Stream(stack, params, Revision, REVISION_COLUMNS)
        records = _Stream(stack, params, ArchiveRecord, RECORD_COLUMNS)
        versions = _Stream(stack, params, ArchiveVersion, VERSION_COLUMNS)
        next_submission = PEOPLE + 1

        def person(index: int):
            county = people.county()
            number, birth, sex = people.resident_id(county)
            name = fake_person_name(rng=rng)
            mobile = people.mobile()
            joined = now - timedelta(seconds=rng.randrange(five_years))
            user_id = str(USER_ID_BASE + index)
            users.write(
                user_id, f"!{rng.getrandbits(160):040x}", NULL, "f", _uuid(rng), "applicant", NULL,
                "resident_id", number, name, mobile, joined.isoformat(), NULL, "t", "f", joined.isoformat(),
                NULL,
            )  # fmt: skip
            return county, number, birth, sex, name, mobile, joined, user_id

        def pending(user_id, kind, *, identity, answers, department_id, releasing_id=NULL, based_on=NULL):
            nonlocal next_submission
            submitted = now - timedelta(seconds=rng.randrange(25 * 86400))
            due = (submitted + timedelta(days=14)).date().isoformat()
            sid = str(next_submission)
            next_submission += 1
            stamp = submitted.isoformat()
            created = (submitted - timedelta(days=rng.randint(0, 20))).isoformat()
            submissions.write(
                sid, _uuid(rng), user_id, kind, "pending", str(rng.randint(3, 30)), answers, notice,
                department_id, releasing_id, based_on, stamp, due, NULL, "", created, stamp, "",
            )  # fmt: skip
            revisions.write(
                sid, sid, "1", answers, notice, department_id, stamp, due, "resident_id", *identity
            )

        for index in range(PEOPLE):
            county, number, birth, sex, name, mobile, joined, user_id = person(index)
            department = people.management_department(county)
            employer = rng.choice(people.employers[county])
            education = _weighted(rng, EDUCATION)
            qualification = _weighted(rng, QUALIFICATION)
            nature, post = _weighted(rng, NATURE), _weighted(rng, POST)
            answers = _answers(
                rng, name=name, birth=birth, sex=sex, mobile=mobile, county=county,
                department_id=department.pk, employer=employer, education=education,
                qualification=qualification, nature=nature, post=post,
            )  # fmt: skip
            approved = joined + timedelta(days=rng.randint(3, 40))
            approved = min(approved, now)
            submitted = approved - timedelta(days=rng.randint(1, 10))
            due = (submitted + timedelta(days=14)).date().isoformat()
            pk = str(index + 1)
            submissions.write(
                pk, _uuid(rng), user_id, "initial", "approved", "4", answers, notice, province_id, NULL, NULL,
                submitted.isoformat(), due, approved.isoformat(), "", joined.isoformat(), approved.isoformat(),
                "",
            )  # fmt: skip
            revisions.write(
                pk,
                pk,
                "1",
                answers,
                notice,
                province_id,
                submitted.isoformat(),
                due,
                "resident_id",
                number,
                name,
            )
            versions.write(pk, pk, "1", pk, answers, approver, approved.isoformat())
            records.write(
                pk, _uuid(rng), user_id, pk, name, "resident_id", number, mobile, str(department.pk),
                employer[0], employer[1], qualification, education, approved.isoformat(), post, nature,
            )  # fmt: skip
            kind = pending_kind.get(index)
            if kind == "change":
                pending(
                    user_id, kind, identity=(number, name), answers=answers,
                    department_id=str(department.pk), based_on=pk,
                )  # fmt: skip
            elif kind == "transfer":
                target = rng.choice([pk_ for pk_ in all_department_ids if pk_ != department.pk])
                pending(
                    user_id, kind, identity=(number, name), answers=answers, department_id=str(target),
                    releasing_id=str(department.pk), based_on=pk,
                )  # fmt: skip

        for offset in range(new_people):
            county, number, birth, sex, name, mobile, _joined, user_id = person(PEOPLE + offset)
            identity = (number, name)
            department = people.management_department(county)
            answers = _answers(
                rng, name=name, birth=birth, sex=sex, mobile=mobile, county=county,
                department_id=department.pk, employer=rng.choice(people.employers[county]),
                education=_weighted(rng, EDUCATION), qualification=_weighted(rng, QUALIFICATION),
                nature=_weighted(rng, NATURE), post=_weighted(rng, POST),
            )  # fmt: skip
            # A first collection goes to the provincial department above the management department.
            pending(user_id, "initial", identity=identity, answers=answers, department_id=province_id)

        streams = (users, submissions, revisions, records, versions)
        for stream in streams:
            stream.flush()
    # Leaving the stack ended each COPY, then committed and closed its connection (psycopg's context).
    rows = sum(stream.rows for stream in streams)
    seconds = time.perf_counter() - start
    return rows, seconds


def _reset_sequences_and_analyze() -> None:
    from kuaiji.accounts.models import User
    from kuaiji.archive.models import ArchiveRecord, ArchiveVersion
    from kuaiji.collection.models import Revision, Submission

    tables = [model._meta.db_table for model in (User, Submission, Revision, ArchiveRecord, ArchiveVersion)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"
            )
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')


def _staff(username: str, department):
    from django.contrib.auth.models import Group

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kuaiji.accounts.constants import AccountType
    from kuaiji.accounts.models import User
    from kuaiji.accounts.permissions import REVIEWER

    staff = User(account_type=AccountType.STAFF, username=username, full_name=username, department=department)
    staff.set_unusable_password()
    staff.save()
    staff.groups.add(Group.objects.get_or_create(name=REVIEWER)[0])
    TOTPDevice.objects.create(user=staff, name="bench", confirmed=True)
    return staff


def _verified_client(staff) -> Client:
    """A client whose session passed the second factor, as django-otp records it."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(staff)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=staff).persistent_id
    session.save()
    return client


def _api_client(staff) -> Client:
    """A client sending a staff API bearer token of ``staff``."""
    from kuaiji.api.models import ApiToken

    _token, secret = ApiToken.issue(user=staff, lifetime=timedelta(hours=2))
    return Client(headers={"Authorization": f"Bearer {secret}"})


def _page_facts(response) -> tuple[int, int]:
    """(rows, page number) of a list page or of a staff API list."""
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return body["count"], body["page"]
    page = response.context["page"]
    return page.paginator.count, page.number


def _bare_queries(client: Client, url: str, table: str) -> tuple[list[str], int]:
    """Every SELECT the page issues on ``table`` (its count and its page: the ids then the rows, or one
    SELECT of the rows), captured from one request."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT") and f'FROM "{table}"' in query["sql"]
    ]
    assert 2 <= len(queries) <= 3, (url, [query["sql"][:120] for query in captured.captured_queries])
    return queries, _page_facts(response)[1]


def _measure(client: Client, url: str, table: str) -> dict:
    for _ in range(WARMUP):
        assert client.get(url).status_code == 200
    queries, page_number = _bare_queries(client, url, table)
    pages, bare = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        pages.append(time.perf_counter() - start)
        assert response.status_code == 200
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute(sql)
                cursor.fetchall()
        bare.append(time.perf_counter() - start)
    if os.environ.get("KUAIJI_BENCH_EXPLAIN"):
        with connection.cursor() as cursor:
            for sql in queries:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print(f"--- {url}\n{sql}\n" + "\n".join(row[0] for row in cursor.fetchall()))
    count = _page_facts(response)[0]
    return {"page": _stats(pages), "bare": _stats(bare), "rows": count, "page_number": page_number}


def _report(scope: str, name: str, result: dict) -> None:
    (median, p95), (bare_median, bare_p95) = result["page"], result["bare"]
    print(
        f"[postgresql] {scope:<6} {name:<34} median {median * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms  "
        f"= {median / bare_median:5.1f} x bare SQL ({bare_median * 1000:.2f} ms, p95 {bare_p95 * 1000:.2f} ms)"
        f"  [{result['rows']} rows, page {result['page_number']}]"
    )


def run() -> None:
    if connection.vendor != "postgresql":
        print(
            "review: skipped: this benchmark needs PostgreSQL (set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/postgres); it creates and drops its own database "
            f"{DATABASE_NAME}."
        )
        return
    from kuaiji.collection.models import Notice

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DATABASE_NAME
    keep = bool(os.environ.get("KUAIJI_BENCH_KEEP_DB"))
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        departments = _ensure_county_departments()
        province_staff = _staff("bench-province", departments[PROVINCE_CODE])
        county_staff = _staff("bench-county", departments[COUNTY_CODE])
        notice = Notice.objects.order_by("-version").first()
        rows, seconds = _load(departments, province_staff.pk, notice.pk if notice else None)
        start = time.perf_counter()
        _reset_sequences_and_analyze()
        analyze = time.perf_counter() - start
        print(
            f"[postgresql] load {PEOPLE} archived people + {PENDING} pending submissions "
            f"({len(departments)} departments): {rows} rows COPY in {seconds:.1f} s "
            f"({rows / seconds:,.0f} rows/s), VACUUM ANALYZE {analyze:.1f} s, total {seconds + analyze:.1f} s"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT document_number FROM archive_archiverecord WHERE department_id = %s ORDER BY id LIMIT 1",
                [departments[COUNTY_CODE].pk],
            )
            number = cursor.fetchone()[0]
        for scope, staff in (("county", county_staff), ("province", province_staff)):
            client = _verified_client(staff)
            api = _api_client(staff)
            for name, url, table in (
                ("queue page 1", "/review/?status=pending", "collection_submission"),
                ("queue page 100", "/review/?status=pending&page=100", "collection_submission"),
                (f"archive name={SURNAME}", f"/archive/?name={SURNAME}", "archive_archiverecord"),
                (
                    "archive document_number (exact)",
                    f"/archive/?document_number={number}",
                    "archive_archiverecord",
                ),
            ):
                _report(scope, name, _measure(client, url, table))
            for name, url, table in (
                ("API queue page 1", "/api/v1/staff/submissions?status=pending", "collection_submission"),
                (
                    "API queue page 100",
                    "/api/v1/staff/submissions?status=pending&page=100",
                    "collection_submission",
                ),
                (
                    f"API archive name={SURNAME}",
                    f"/api/v1/staff/archive?name={SURNAME}",
                    "archive_archiverecord",
                ),
            ):
                _report(scope, name, _measure(api, url, table))
        if not os.environ.get("KUAIJI_BENCH_SKIP_REPORTS"):
            from bench import scale_reports

            scale_reports.run(province_staff=province_staff, county_staff=county_staff)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=keep)
        if keep:
            print(f"review: kept database {DATABASE_NAME} (drop it with: dropdb {DATABASE_NAME})")
        teardown_test_environment()

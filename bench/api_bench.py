"""Every hot request under concurrent load through a real server, on PostgreSQL only.

Creates a database of its own (``kuaiji_bench_hot``, dropped at the end; never the test suite's) with the
demo departments and, for ``THREADS`` client threads: applicants with a complete first collection and a
bearer token (the savers and submitters), an applicant with a page session, some pending and approved
submissions for the staff pages, a verified province reviewer's page session and an integration key.
Then serves the project with gunicorn on 127.0.0.1 (``-w 2 --threads 4``) in the demo mode — the
production password hasher, database tasks, Redis as the cache when it answers — and, from ``THREADS``
client threads with keep-alive connections, sends each kind for ``SECONDS`` (after a short warm-up), in
``KUAIJI_BENCH_ROUNDS`` (4) slices that alternate with slices of the baseline, each kind's ratio being to
the baseline's slices beside it (a noisy neighbour on the machine slows both):

- ``GET /healthz/``: a bare Django view returning a constant — the baseline every ratio is against;
- ``GET /api/v1/health``: the same through django-ninja;
- ``GET /api/v1/me/submission`` (bearer token) and ``GET /collection/`` (page session): the applicant's
  submission and status;
- ``GET /api/v1/integration/collection-status`` (API key);
- ``PUT /api/v1/me/submission/sections/education``: a wizard save;
- ``POST /api/v1/me/submission/submit``: submit (each thread withdraws again, untimed, between submits);
- ``GET /review/`` and ``GET /archive/?name=…``: the staff queue page and archive name search;
- ``POST /api/v1/tokens``: sign-in (Argon2id at the production cost).

Each read also gets its **floor** (``bench/floor_wsgi.py``): one request of it is served with its SQL
statements recorded, and a bare view then runs exactly those statements through the same middleware, in
slices beside the kind's. The floor's share of the baseline is the most the kind could reach with its
statements as they are; the kind's share of its floor is what the project's own code costs on top.

Prints requests per second, median / p95 / p99 of each, and the share of the baseline's throughput. The
clients share the machine with the server and PostgreSQL: read the ratios, not the absolutes.
``KUAIJI_BENCH_SECONDS`` (default 10) and ``KUAIJI_BENCH_THREADS`` (default 8) change the load;
``KUAIJI_BENCH_ONLY=submit,queue`` runs only the kinds whose names contain one of these words.
``KUAIJI_BENCH_PROFILE=<dir>`` serves with one single-threaded worker under cProfile instead
(``bench/profiled_wsgi.py``) and prints, for each kind, where its time goes; its rates are not comparable.
"""

import json
import os
import random
import re
import shutil
import tempfile
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from bench.serving import WORKER_THREADS, WORKERS, Client, Server, database_url, load, merged

DATABASE_NAME = os.environ.get("KUAIJI_BENCH_HOT_DATABASE", "kuaiji_bench_hot")
SECONDS = float(os.environ.get("KUAIJI_BENCH_SECONDS", "10"))
THREADS = int(os.environ.get("KUAIJI_BENCH_THREADS", "8"))
ONLY = [word for word in os.environ.get("KUAIJI_BENCH_ONLY", "").split(",") if word]
WARMUP_SECONDS = 1.5
ROUNDS = int(os.environ.get("KUAIJI_BENCH_ROUNDS", "4"))  # baseline and kind in turn, SECONDS / ROUNDS each
PASSWORD = "Bench2026pass"
QUEUE_ROWS = 60  # pending submissions, more than one queue page
REDIS_BENCH_URL = os.environ.get("KUAIJI_BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
PROFILE_DIR = os.environ.get("KUAIJI_BENCH_PROFILE", "")


def _page_session(user, *, device=None) -> str:
    """A signed-in session cookie for ``user`` (with the second factor passed for staff), made the way
    Django's login does; the server shares the SECRET_KEY, so it accepts it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from django_otp import DEVICE_ID_SESSION_KEY

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = (
        "kuaiji.accounts.backends.StaffBackend" if device else "kuaiji.accounts.backends.ApplicantBackend"
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return session.session_key


def _prepare() -> dict:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kuaiji.accounts.constants import StaffRole
    from kuaiji.accounts.hashers import KuaijiArgon2PasswordHasher
    from kuaiji.accounts.models import User
    from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
    from kuaiji.api.models import ApiToken, IntegrationKey
    from kuaiji.collection.tests.factories import SubmissionFactory
    from kuaiji.core.fakes import fake_resident_id
    from kuaiji.regions.demo import ensure_demo_departments

    departments = ensure_demo_departments()
    rng = random.Random(11)

    def applicant():
        return ApplicantFactory(document_number=fake_resident_id(rng=rng))

    reviewer = StaffFactory(department=departments["630000"])
    reviewer.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])

    savers, submitters = [], []
    for _ in range(THREADS):
        submission = SubmissionFactory(complete=True, applicant=applicant())
        _, secret = ApiToken.issue(user=submission.applicant, lifetime=timedelta(hours=2))
        savers.append({"token": secret, "version": submission.version})
        submission = SubmissionFactory(complete=True, applicant=applicant())
        _, secret = ApiToken.issue(user=submission.applicant, lifetime=timedelta(hours=2))
        submitters.append({"token": secret, "version": submission.version})
    for _ in range(QUEUE_ROWS):
        SubmissionFactory(submitted=True, applicant=applicant(), reviewer=reviewer)
    approved = SubmissionFactory(approved=True, applicant=applicant(), reviewer=reviewer)
    for _ in range(20):
        SubmissionFactory(approved=True, applicant=applicant(), reviewer=reviewer)

    # Sign-in at the production cost: the hasher the server will use.
    signers = [applicant() for _ in range(THREADS)]
    User.objects.filter(pk__in=[person.pk for person in signers]).update(
        password=make_password(PASSWORD, hasher=KuaijiArgon2PasswordHasher())
    )
    page_applicant = SubmissionFactory(submitted=True, applicant=applicant(), reviewer=reviewer).applicant
    _, key = IntegrationKey.issue(name="bench", scopes=["collection_status"], rate_limit_per_minute=10**9)
    return {
        "savers": savers,
        "submitters": submitters,
        "approved_number": approved.applicant.document_number,
        "approved_name": approved.applicant.full_name,
        "key": key,
        "signers": [person.document_number for person in signers],
        "applicant_cookie": _page_session(page_applicant),
        "reviewer_cookie": _page_session(reviewer, device=TOTPDevice.objects.get(user=reviewer)),
    }


def _redis_answers() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_BENCH_URL, socket_connect_timeout=1).ping()
        return True
    except Exception:
        return False


def _kinds(data: dict) -> list[tuple[str, object]]:
    from kuaiji.collection.tests import helpers

    def get(path, headers=None, expect=b""):
        def make(index, client):
            def send():
                status, body = client.send("GET", path, headers=headers or {})
                return status == 200 and expect in body, f"{status} {body[:200]!r}"

            return send

        make.request = ("GET", path, headers or {})  # type: ignore[attr-defined]  # for its floor
        return make

    def bearer(token):
        return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def save_section(index, client):
        saver = data["savers"][index]

        def send():
            body = json.dumps({"version": saver["version"], "data": helpers.EDUCATION}).encode()
            status, answer = client.send(
                "PUT", "/api/v1/me/submission/sections/education", body, bearer(saver["token"])
            )
            if status != 200:
                return False, f"{status} {answer[:200]!r}"
            saver["version"] = json.loads(answer)["version"]
            return True, ""

        return send

    def submit(index, client):
        submitter = data["submitters"][index]
        headers = bearer(submitter["token"])

        def send():
            body = json.dumps({"version": submitter["version"], "commitment_accepted": True}).encode()
            started = time.perf_counter()
            status, answer = client.send("POST", "/api/v1/me/submission/submit", body, headers)
            seconds = time.perf_counter() - started
            if status != 200:
                return False, f"submit {status} {answer[:300]!r}", seconds
            version = json.loads(answer)["version"]
            status, answer = client.send(
                "POST", "/api/v1/me/submission/withdraw", json.dumps({"version": version}).encode(), headers
            )
            if status != 200:
                return False, f"withdraw {status} {answer[:300]!r}", seconds
            submitter["version"] = json.loads(answer)["version"]
            return True, "", seconds

        return send

    def sign_in(index, client):
        body = json.dumps({"login": data["signers"][index], "password": PASSWORD}).encode()

        def send():
            status, answer = client.send("POST", "/api/v1/tokens", body, {"Content-Type": "application/json"})
            return status == 200 and b'"token"' in answer, f"{status} {answer[:200]!r}"

        return send

    staff = {"Cookie": f"sessionid={data['reviewer_cookie']}"}
    own = {"Cookie": f"sessionid={data['applicant_cookie']}"}
    status_path = f"/api/v1/integration/collection-status?document_number={data['approved_number']}"
    from urllib.parse import quote

    search_path = f"/archive/?name={quote(data['approved_name'][:1])}"
    return [
        ("GET /healthz/ (baseline)", get("/healthz/")),
        ("GET /api/v1/health", get("/api/v1/health")),
        ("GET /api/v1/me/submission", get("/api/v1/me/submission", bearer(data["savers"][0]["token"]))),
        ("GET /collection/ (status page)", get("/collection/", own, "登记".encode())),
        ("GET /integration/collection-status", get(status_path, {"X-Api-Key": data["key"]}, b'"completed"')),
        ("PUT /me/submission/sections/education", save_section),
        ("POST /me/submission/submit", submit),
        ("GET /review/ (queue page)", get("/review/", staff, "审核".encode())),
        ("GET /archive/?name= (search page)", get(search_path, staff, "档案".encode())),
        ("POST /api/v1/tokens (sign-in)", sign_in),
    ]


def run() -> None:
    if connection.vendor != "postgresql":
        print(
            "hot: skipped: this benchmark needs PostgreSQL (set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/postgres); it serves the app with gunicorn against a "
            f"database of its own, {DATABASE_NAME}, created and dropped by the run."
        )
        return

    import logging

    logging.getLogger("django_tasks").setLevel(logging.WARNING)  # the set-up's SMS tasks, run inline
    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DATABASE_NAME
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    floor_dir = tempfile.mkdtemp(prefix="kuaiji-bench-floors-")
    try:
        data = _prepare()
        connection.close()  # the server's connections are the only ones while it runs
        env = {"KUAIJI_ENV": "demo", "SECRET_KEY": settings.SECRET_KEY}
        if _redis_answers():
            env["REDIS_URL"] = REDIS_BENCH_URL
        served: dict = {"app": "bench.floor_wsgi"}
        env["KUAIJI_BENCH_FLOOR_DIR"] = floor_dir
        if PROFILE_DIR:
            env["KUAIJI_BENCH_PROFILE"] = PROFILE_DIR
            served = {"app": "bench.profiled_wsgi", "workers": 1, "threads": 1}
        server = Server(database_url(connection.settings_dict["NAME"]), env=env, **served)
        server.wait_until_ready()

        results = {}
        kinds = _kinds(data)
        (baseline_name, baseline), others = kinds[0], kinds[1:]
        baseline_runs = []
        load(server.port, baseline, WARMUP_SECONDS, threads=THREADS)
        for name, make_request in others:
            if ONLY and not any(word in name for word in ONLY):
                continue
            load(server.port, make_request, WARMUP_SECONDS, threads=THREADS)
            floor = None if PROFILE_DIR else _floor(server.port, name, make_request)
            # Slices of the baseline, the kind (and its floor) in turn: a neighbour that slows the machine
            # for a while slows them all, and the ratios are of those measured side by side.
            paired, runs, floors = [], [], []
            for _ in range(ROUNDS):
                paired.append(load(server.port, baseline, SECONDS / ROUNDS, threads=THREADS))
                runs.append(load(server.port, make_request, SECONDS / ROUNDS, threads=THREADS))
                if floor is not None:
                    floors.append(load(server.port, floor, SECONDS / ROUNDS, threads=THREADS))
            baseline_runs += paired
            results[name] = {**merged(runs), "baseline_rps": merged(paired)["rps"]}
            if floors:
                results[name]["floor"] = merged(floors)
        results = {baseline_name: merged(baseline_runs), **results}
        _report(results, redis="REDIS_URL" in env)
        if PROFILE_DIR:
            server.stop()
            server = None
            _print_profiles(PROFILE_DIR)
        failed = {name: result["errors"][:3] for name, result in results.items() if result["errors"]}
        if failed:
            raise AssertionError(f"requests failed under load: {failed}\n{server.tail()}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(floor_dir, ignore_errors=True)
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


# The reads whose floor is measured: what their SQL statements alone cost through the same stack.
FLOORED = ("me/submission", "status page", "collection-status", "queue page", "search page")


def _floor(port: int, name: str, make_request):
    """The floor of a GET kind (``bench/floor_wsgi.py``): one request of it served with its statements
    recorded, then a request that runs only those; None for the kinds without one."""
    request = getattr(make_request, "request", None)
    if request is None or not any(word in name for word in FLOORED):
        return None
    method, path, headers = request
    slug = re.sub(r"[^a-z]+", "-", name.lower()).strip("-")
    status, body = Client(port).send(method, path, headers={**headers, "X-Bench-Record": slug})
    if status != 200:
        raise AssertionError(f"recording {name}: {status} {body[:200]!r}")
    expect = b'"ok"'

    def make(index, client):
        def send():
            status, body = client.send("GET", f"/bench-floor/{slug}/")
            return status == 200 and expect in body, f"floor {status} {body[:200]!r}"

        return send

    return make


def _print_profiles(directory: str) -> None:
    """Where each kind's time goes: the 40 functions of most cumulative time, then the 15 of most own time."""
    import pstats
    from pathlib import Path

    for path in sorted(Path(directory).glob("*.prof")):
        print(f"\n=== {path.name}")
        stats = pstats.Stats(str(path))
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(15)


def _report(results: dict, *, redis: bool) -> None:
    base = results["GET /healthz/ (baseline)"]
    print(
        f"[postgresql] hot requests: gunicorn -w {WORKERS} --threads {WORKER_THREADS} on 127.0.0.1, demo mode, "
        f"cache {'Redis' if redis else 'local memory'}, {THREADS} client threads (keep-alive), {SECONDS:g} s "
        f"each, {os.cpu_count()} CPUs shared by clients, server and database"
    )
    save = results.get("PUT /me/submission/sections/education")
    for name, result in results.items():
        share = f"{result['rps'] / result.get('baseline_rps', base['rps']):6.3f} x the baseline's req/s"
        if name.startswith("POST /me/submission/submit") and save:
            share += f", median {result['median'] / save['median']:4.1f} x a wizard save's"
        if floor := result.get("floor"):
            # The floor's own share, and the kind's share of its floor (1.0: nothing but the statements).
            share += (
                f"; its statements alone {floor['rps'] / result['baseline_rps']:5.3f} x,"
                f" the kind {result['rps'] / floor['rps']:5.3f} x its floor"
            )
        errors = (
            f"  {len(result['errors'])} errors (first: {result['errors'][0]})" if result["errors"] else ""
        )
        print(
            f"  {name:<40} {result['rps']:8.1f} req/s  median {result['median'] * 1000:7.1f} ms  "
            f"p95 {result['p95'] * 1000:7.1f} ms  p99 {result['p99'] * 1000:7.1f} ms  "
            f"({result['requests']} requests)  {share}{errors}"
        )

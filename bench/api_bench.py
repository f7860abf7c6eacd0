"""The API under concurrent load through a real WSGI server, on PostgreSQL only.

Creates a database of its own (``kuaiji_bench_api``, dropped at the end) with the demo departments,
``THREADS`` applicants each with a started, complete first collection and a bearer token, one approved
person (an archive record) and an integration key. Then serves the project with gunicorn on 127.0.0.1
(``-w 2 --threads 4``, KUAIJI_ENV=test, that database) and, from ``THREADS`` client threads with
keep-alive connections, sends for ``SECONDS`` each (after a short warm-up):

- ``GET /api/v1/health``: a bare django-ninja endpoint returning a constant (the baseline);
- ``GET /api/v1/integration/collection-status?document_number=…`` with ``X-Api-Key`` (key lookup, rate
  limit, archive and submission queries, an audit event);
- ``PUT /api/v1/me/submission/sections/education`` with a bearer token (an applicant's wizard save: the
  token lookup, the section form, the draft's versioned update), each thread saving its own applicant's
  draft with the version the previous save returned.

Prints requests per second and latency (median, p95) of each, with the ratios to the baseline of the same
run. The clients share the machine with the server and PostgreSQL: read the ratios, not the absolutes.
``KUAIJI_BENCH_SECONDS`` (default 10) and ``KUAIJI_BENCH_THREADS`` (default 8) change the load.
"""

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

DATABASE_NAME = os.environ.get("KUAIJI_BENCH_API_DATABASE", "kuaiji_bench_api")
SECONDS = float(os.environ.get("KUAIJI_BENCH_SECONDS", "10"))
THREADS = int(os.environ.get("KUAIJI_BENCH_THREADS", "8"))
WARMUP_SECONDS = 1.5
WORKERS, WORKER_THREADS = 2, 4
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def _prepare():
    """The bench's rows: drafts and tokens for the savers, an approved person and a key for the lookups."""
    from django.contrib.auth.models import Group

    from kuaiji.accounts.constants import StaffRole
    from kuaiji.accounts.tests.factories import ApplicantFactory, StaffFactory
    from kuaiji.api.models import ApiToken, IntegrationKey
    from kuaiji.collection import services
    from kuaiji.collection.tests import helpers
    from kuaiji.core.fakes import fake_resident_id
    from kuaiji.core.portraits import normalise_portrait
    from kuaiji.regions.demo import ensure_demo_departments
    from kuaiji.review import services as review_services

    departments = ensure_demo_departments()
    rng = random.Random(11)

    def complete_draft(person):
        submission = services.start_collection(person)
        services.accept_notice(
            submission, notice=services.current_notice(), expected_version=submission.version
        )
        for section, data in (
            ("personal", {**helpers.PERSONAL, "mobile": person.mobile}),
            ("employer", helpers.employer(departments["630102"].pk)),
            ("education", helpers.EDUCATION),
            ("qualification", helpers.QUALIFICATION_NONE),
        ):
            services.save_section(submission, section=section, data=data, expected_version=submission.version)
        services.set_portrait(submission, portrait=normalise_portrait(helpers.image_upload(size=(600, 800))))
        for requirement in services.missing_attachments(submission):
            upload = helpers.image_upload(name=f"{requirement.slot}.jpg", size=(800, 600))
            services.add_attachment(submission, slot=requirement.slot, upload=upload)
        submission.refresh_from_db()
        return submission

    savers = []
    for _ in range(THREADS):
        person = ApplicantFactory(document_number=fake_resident_id(rng=rng))
        submission = complete_draft(person)
        _, secret = ApiToken.issue(user=person, lifetime=timedelta(hours=2))
        savers.append({"token": secret, "version": submission.version})

    reviewer = StaffFactory(department=departments["630000"], totp_device=False)
    reviewer.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    approved = ApplicantFactory(document_number=fake_resident_id(rng=rng))
    submission = complete_draft(approved)
    submission = services.submit(submission, expected_version=submission.version, commitment_accepted=True)
    review_services.decide(
        reviewer=reviewer,
        submission=submission,
        expected_version=submission.version,
        outcome="approve",
        reason="",
    )
    _, key = IntegrationKey.issue(name="bench", scopes=["collection_status"], rate_limit_per_minute=10**9)
    return savers, approved.document_number, key


class Server:
    """gunicorn serving kuaiji.wsgi on a free loopback port, against the bench's database."""

    def __init__(self, database_url: str):
        self.port = _free_port()
        handle, self.log_path = tempfile.mkstemp(prefix="kuaiji-api-bench-", suffix=".log")
        os.close(handle)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "KUAIJI_ENV": "test",
            "DJANGO_SETTINGS_MODULE": "kuaiji.settings",
        }
        env.pop("PYTEST_VERSION", None)
        with open(self.log_path, "wb") as log:  # the child keeps its own descriptor
            self.process = self._start(env, log)

    def _start(self, env: dict, log) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "kuaiji.wsgi",
                "-w",
                str(WORKERS),
                "--threads",
                str(WORKER_THREADS),
                "-b",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log_path)


class Client:
    """One keep-alive connection; reconnects when the server closed an idle one."""

    def __init__(self, port: int):
        self.port = port
        self.conn = None

    def send(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _load(port: int, make_request, seconds: float) -> dict:
    """``THREADS`` threads each sending ``make_request(index, client)`` back to back for ``seconds``."""
    samples: list[list[float]] = [[] for _ in range(THREADS)]
    errors: list[str] = []
    ready, go = threading.Barrier(THREADS + 1), threading.Barrier(THREADS + 1)
    window: dict = {}

    def worker(index: int):
        client = Client(port)
        send = make_request(index, client)
        send()  # one request before the clock starts: the connection is open
        ready.wait()
        go.wait()
        until = window["end"]
        mine = samples[index]
        while True:
            start = time.perf_counter()
            if start >= until:
                break
            try:
                ok, detail = send()
            except Exception as exc:  # counted and reported
                ok, detail = False, repr(exc)
            mine.append(time.perf_counter() - start)
            if not ok and len(errors) < 5:
                errors.append(detail)
            elif not ok:
                errors.append("")

    threads = [threading.Thread(target=worker, args=(index,), daemon=True) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    window["end"] = started + seconds  # read by the threads once they pass ``go``
    go.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(sample for per_thread in samples for sample in per_thread)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "median": statistics.median(latencies),
        "p95": latencies[max(0, int(len(latencies) * 0.95) - 1)],
        "errors": errors,
    }


def run() -> None:
    if connection.vendor != "postgresql":
        print(
            "api: skipped: this benchmark needs PostgreSQL (set DATABASE_URL, e.g. "
            "postgres://postgres@127.0.0.1:5432/postgres); it serves the app with gunicorn against a "
            f"database of its own, {DATABASE_NAME}, created and dropped by the run."
        )
        return

    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DATABASE_NAME
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    try:
        savers, document_number, key = _prepare()
        connection.close()  # the server's connections are the only ones while it runs
        server = Server(_database_url(connection.settings_dict["NAME"]))
        server.wait_until_ready()

        def health(index, client):
            def send():
                status, body = client.send("GET", "/api/v1/health")
                return status == 200, f"{status} {body[:200]!r}"

            return send

        status_path = f"/api/v1/integration/collection-status?document_number={document_number}"

        def collection_status(index, client):
            headers = {"X-Api-Key": key}

            def send():
                status, body = client.send("GET", status_path, headers=headers)
                return status == 200 and b'"completed": true' in body, f"{status} {body[:200]!r}"

            return send

        def save_section(index, client):
            from kuaiji.collection.tests import helpers

            saver = savers[index]
            headers = {"Authorization": f"Bearer {saver['token']}", "Content-Type": "application/json"}

            def send():
                body = json.dumps({"version": saver["version"], "data": helpers.EDUCATION}).encode()
                status, answer = client.send("PUT", "/api/v1/me/submission/sections/education", body, headers)
                if status != 200:
                    return False, f"{status} {answer[:200]!r}"
                saver["version"] = json.loads(answer)["version"]
                return True, ""

            return send

        results = {}
        for name, make_request in (
            ("GET /health (baseline)", health),
            ("GET /integration/collection-status", collection_status),
            ("PUT /me/submission/sections/education", save_section),
        ):
            _load(server.port, make_request, WARMUP_SECONDS)
            results[name] = _load(server.port, make_request, SECONDS)

        base = results["GET /health (baseline)"]
        print(
            f"[postgresql] api under load: gunicorn -w {WORKERS} --threads {WORKER_THREADS} on 127.0.0.1, "
            f"{THREADS} client threads (keep-alive), {SECONDS:g} s each, {os.cpu_count()} CPUs shared by "
            "clients, server and database"
        )
        for name, result in results.items():
            ratio = (
                ""
                if result is base
                else f"  = {base['rps'] / result['rps']:5.1f} x fewer req/s, "
                f"{result['median'] / base['median']:5.1f} x the median of /health"
            )
            errors = (
                f"  {len(result['errors'])} errors (first: {result['errors'][0]})" if result["errors"] else ""
            )
            print(
                f"  {name:<40} {result['rps']:8.0f} req/s  median {result['median'] * 1000:7.2f} ms  "
                f"p95 {result['p95'] * 1000:7.2f} ms  ({result['requests']} requests){ratio}{errors}"
            )
        failed = {name: result["errors"][:3] for name, result in results.items() if result["errors"]}
        if failed:
            raise AssertionError(f"requests failed under load: {failed}\n{server.tail()}")
    finally:
        if server is not None:
            server.stop()
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

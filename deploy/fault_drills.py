"""The fault drills on the production shape: ``deploy/fault-drill app|worker|database|storage|all``.

Each drill breaks one part while people use the site, says what they saw, puts it right, and ends with
``manage.py check_consistency`` (kuaiji.core.consistency). It stops at the first thing that is wrong.

- ``app``: SIGKILL app server A (its master and workers) during a load through nginx. nginx sends the rest
  to B; every request the load was answered as successful (a registration, a wizard save, an upload, a
  submit) is then found in the database.
- ``worker``: SIGKILL the task worker while it sends an SMS (the drill sink made slow as a provider is).
  The task stays RUNNING; ``requeue_stale_tasks`` puts it back; the next worker sends it; the person
  gets exactly one message, and the code in it registers them.
- ``database``: restart PostgreSQL (stopped for a few seconds) during a load. While it is down a page
  answers the site's Chinese 503 and the API a JSON 503; afterwards the servers serve again without a
  hand on them; every success the load saw is in the database.
- ``storage``: the app servers' S3 endpoint points at a dead port. /readyz/ names the storage; an
  upload (page and API) is refused next to its slot in Chinese, no 500; reading a stored file is a 503;
  no row points at a missing file once the storage is back.
"""

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.core.management import call_command
from django.db import close_old_connections, connection
from django.utils import timezone

import loadkit
from loadkit import API, NGINX, STATE, Applicant, Failed, SmsSink, expect

SCRIPT = str(Path(__file__).resolve().parent / "production-shape")
A = f"http://127.0.0.1:{os.environ.get('KUAIJI_SHAPE_APP_A_PORT', '8781')}"
B = f"http://127.0.0.1:{os.environ.get('KUAIJI_SHAPE_APP_B_PORT', '8782')}"
PG_CLUSTER = os.environ.get("KUAIJI_SHAPE_PG_CLUSTER", "15 main")
TIMEOUT = 35


def step(text: str) -> None:
    print(f"--- {text}", flush=True)


def ok(text: str) -> None:
    print(f"    ok: {text}", flush=True)


def shape(*args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run([SCRIPT, *args], check=True, capture_output=True, env={**os.environ, **(env or {})})


def wait_ready(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/readyz/", timeout=3).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} not ready in {timeout:.0f} s")


def consistency(since, *, sweep_orphans: bool = False) -> None:
    """check_consistency, which must find nothing. With ``sweep_orphans`` (the drills that kill a process or
    the database mid-request) files stored whose transaction never committed are shown, removed by
    ``prune_orphan_files`` (hourly from cron on a real site), and the check is made again."""
    step("consistency check (manage.py check_consistency)")
    close_old_connections()
    from kuaiji.core.consistency import consistency_problems

    if sweep_orphans:
        problems = consistency_problems(
            orphan_grace=timedelta(0), stale_after=timedelta(seconds=120), tasks_since=since
        )
        orphans = [problem.ref for problem in problems if problem.kind == "orphan_file"]
        if orphans:
            print(
                f"    found {len(orphans)} orphan file(s): stored, then the request died before its row "
                f"committed: {orphans}; prune_orphan_files removes them",
                flush=True,
            )
            call_command("prune_orphan_files", "--older-than", "0")
    try:
        call_command(
            "check_consistency",
            "--orphan-grace",
            "0",
            "--stale-after",
            "120",
            "--tasks-since",
            since.isoformat(),
        )
    except SystemExit as exit_status:
        raise AssertionError("check_consistency found problems (above)") from exit_status


def descendants(pid: int) -> list[int]:
    """The pids below ``pid`` (gunicorn's workers), read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def sigkill_tree(pidfile: Path) -> list[int]:
    master = int(pidfile.read_text())
    pids = [master, *descendants(master)]
    for pid in pids:
        os.kill(pid, 9)
    return pids


# --- a load: people registering, filling in, uploading and submitting through nginx -------------------------


class Load:
    """``threads`` people at a time, each a new generated person going as far as they get; what the site
    answered as successful is written down to be looked for in the database afterwards."""

    def __init__(self, threads: int, *, department_id: int) -> None:
        self.threads = threads
        self.department_id = department_id
        self.sink = SmsSink()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.errors: Counter[str] = Counter()
        self.registered: list[str] = []  # document numbers
        self.registered_at: list[float] = []  # when (time.monotonic)
        self.saved: list[tuple[str, str, int]] = []  # (document number, section, version answered)
        self.uploaded: list[str] = []  # attachment uuids
        self.submitted: list[str] = []  # document numbers
        self.workers: list[threading.Thread] = []

    def call_for(self, session: requests.Session):
        def call(kind: str, method: str, path: str, **kwargs: Any):
            try:
                response = session.request(method, NGINX + path, timeout=TIMEOUT, **kwargs)
            except requests.RequestException as error:
                with self.lock:
                    self.errors[f"{kind}: {type(error).__name__}"] += 1
                raise Failed(str(error)) from error
            with self.lock:
                self.statuses[(kind, response.status_code)] += 1
            return response

        return call

    def person(self, rng: random.Random) -> None:
        session = requests.Session()
        person = Applicant(self.call_for(session), self.sink, rng=rng)
        number = person.person["document_number"]
        person.register()
        with self.lock:
            self.registered.append(number)
            self.registered_at.append(time.monotonic())
        person.sign_in()
        person.start()
        for section, data in person.sections(self.department_id).items():
            answer = person.save_section(section, data)
            with self.lock:
                self.saved.append((number, section, answer["version"]))
            if self.stop.is_set():
                return
        uuids = person.photos_and_form()
        with self.lock:
            self.uploaded += uuids
        person.submit()
        with self.lock:
            self.submitted.append(number)

    def run_one(self, seed: int) -> None:
        rng = random.Random(seed)
        while not self.stop.is_set():
            try:
                self.person(rng)
            except Exception as error:
                if not isinstance(error, Failed):
                    with self.lock:
                        self.errors[f"client: {type(error).__name__}"] += 1
                time.sleep(0.2)  # a refused or failed step: this person gives up, the next one starts
            finally:
                close_old_connections()

    def start(self) -> None:
        base = random.randrange(10**9)
        for number in range(self.threads):
            thread = threading.Thread(target=self.run_one, args=(base + number,), daemon=True)
            thread.start()
            self.workers.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self.workers:
            thread.join(timeout=120)

    def report(self) -> None:
        by_kind: dict[str, Counter[int]] = {}
        for (kind, status), count in self.statuses.items():
            by_kind.setdefault(kind, Counter())[status] += count
        for kind, statuses in sorted(by_kind.items()):
            print(f"      {kind:34} " + ", ".join(f"{status}×{n}" for status, n in sorted(statuses.items())))
        for error, count in self.errors.items():
            print(f"      {error:34} ×{count} (no answer)")

    def failures(self) -> dict[tuple[str, int], int]:
        return {key: n for key, n in self.statuses.items() if key[1] >= 500}

    def verify(self) -> None:
        """Every success the load was told of is in the database."""
        from kuaiji.accounts.models import User
        from kuaiji.collection.constants import Status
        from kuaiji.collection.models import Attachment, Submission

        close_old_connections()
        users = set(
            User.objects.filter(document_number__in=self.registered).values_list("document_number", flat=True)
        )
        missing = set(self.registered) - users
        assert not missing, f"registrations answered 201 but not in the database: {sorted(missing)[:5]}"
        drafts = {
            row["applicant__document_number"]: row
            for row in Submission.objects.filter(
                applicant__document_number__in={n for n, _s, _v in self.saved}
            ).values("applicant__document_number", "answers", "version", "status")
        }
        for number, section, version in self.saved:
            row = drafts.get(number)
            assert row is not None, f"{number}: a saved section but no submission"
            assert section in row["answers"], f"{number}: section {section} answered 200 but not stored"
            assert row["version"] >= version, f"{number}: version {row['version']} < the {version} answered"
        stored = set(Attachment.objects.filter(uuid__in=self.uploaded).values_list("uuid", flat=True))
        assert len(stored) == len(set(self.uploaded)), "uploads answered 201 but not in the database"
        pending = set(
            Submission.objects.filter(
                applicant__document_number__in=self.submitted, status__in=[Status.PENDING, Status.APPROVED]
            ).values_list("applicant__document_number", flat=True)
        )
        assert pending == set(self.submitted), (
            f"submits answered 200 but not pending: {set(self.submitted) - pending}"
        )
        ok(
            f"every success answered is in the database: {len(self.registered)} registrations, "
            f"{len(self.saved)} wizard saves, {len(self.uploaded)} uploads, {len(self.submitted)} submits"
        )


def load_fixtures() -> dict[str, Any]:
    if not (STATE / "load.json").exists():
        loadkit.setup()
    return loadkit.fixtures()


# --- the drills --------------------------------------------------------------------------------------------------


def drill_app() -> None:
    since = timezone.now()
    load = Load(6, department_id=load_fixtures()["department_id"])
    step("load through nginx: 6 people at a time registering, filling in, uploading and submitting")
    nginx_log = STATE / "nginx/logs/access.log"
    seen = len(nginx_log.read_text(encoding="utf-8").splitlines())
    load.start()
    time.sleep(15)
    step("SIGKILL app server A (master and workers)")
    killed_at = time.monotonic()
    pids = sigkill_tree(STATE / "app-a.pid")
    ok(f"killed pids {pids}")
    time.sleep(20)
    load.finish()
    step("what the load saw")
    load.report()
    import json

    entries = [json.loads(line) for line in nginx_log.read_text(encoding="utf-8").splitlines()[seen:]]
    a_port, b_port = A.removeprefix("http://"), B.removeprefix("http://")
    after = [e for e in entries if e["upstream"]]
    retried = [e for e in after if "," in e["upstream"]]
    bad_gateway = [e for e in entries if e["status"] == 502]
    ok(
        f"{len(entries)} requests through nginx; {len(retried)} retried on B after A refused "
        f"({sum(1 for e in after if e['upstream'].endswith(b_port))} answered by B, "
        f"{sum(1 for e in after if e['upstream'] == a_port)} by A before the kill); "
        f"{len(bad_gateway)} answered 502 (in flight on A when it died; nginx does not resend a POST)"
    )
    assert len(bad_gateway) <= 2 * 4, f"too many 502s: {len(bad_gateway)}"  # A's workers × threads in flight
    failures = {k: n for k, n in load.failures().items() if k[1] != 502}
    assert not failures, f"server errors other than the in-flight 502s: {failures}"
    assert load.submitted, "no submit succeeded during the drill"
    load.verify()
    step("app server A back")
    shape("start-app", "a")
    wait_ready(A)
    ok(f"A ready again {time.monotonic() - killed_at:.0f} s after the kill")
    consistency(since, sweep_orphans=True)


def drill_worker() -> None:
    from django_tasks_db.models import DBTaskResult

    from kuaiji.core.fakes import fake_mobile

    since = timezone.now()
    sink = SmsSink()
    deadline = time.monotonic() + 120
    while (
        DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists() and time.monotonic() < deadline
    ):
        time.sleep(0.5)  # the queue empty first (a load before this one may have left codes to send)
    step("a worker whose SMS provider takes 4 s (the drill sink, KUAIJI_SMS_DRILL_DELAY_MS)")
    shape("stop-worker")
    shape(
        "start-worker",
        env={"KUAIJI_SMS_DRILL_DELAY_MS": "4000", "KUAIJI_SHAPE_WORKER_ID": "drill-slow-worker"},
    )
    session = requests.Session()
    person = Applicant(
        lambda kind, method, path, **kw: session.request(method, NGINX + path, timeout=TIMEOUT, **kw), sink
    )
    mobile = person.person["mobile"] = fake_mobile(rng=random.Random())
    expect(
        session.post(
            f"{NGINX}{API}/sms-codes",
            json={"purpose": "register", "mobile": mobile, **person.captcha()},
            timeout=TIMEOUT,
        ),
        202,
    )
    deadline = time.monotonic() + 30
    task = None
    while time.monotonic() < deadline:
        task = DBTaskResult.objects.filter(args_kwargs__kwargs__mobile=mobile).first()
        if task is not None and task.status == "RUNNING":
            break
        time.sleep(0.1)
    assert task is not None and task.status == "RUNNING", task and task.status
    ok(f"task {task.id} RUNNING on {task.worker_ids}")
    step("SIGKILL the worker while it sends")
    sigkill_tree(STATE / "worker.pid")
    time.sleep(5)  # longer than the send would have taken
    task.refresh_from_db()
    assert task.status == "RUNNING" and sink.count_for(mobile) == 0, (task.status, sink.count_for(mobile))
    ok("the task is still RUNNING, and nothing was sent: a killed worker leaves it so")
    step("requeue_stale_tasks --older-than 3, then a new worker")
    call_command("requeue_stale_tasks", "--older-than", "3")
    task.refresh_from_db()
    assert task.status == "READY", task.status
    ok("the task is READY again")
    shape("stop-worker")  # the pid file of the killed one
    shape("start-worker")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        task.refresh_from_db()
        if task.status in {"SUCCESSFUL", "FAILED"}:
            break
        time.sleep(0.2)
    assert task.status == "SUCCESSFUL", task.status
    assert task.worker_ids == ["drill-slow-worker", "production-shape-worker"], task.worker_ids
    time.sleep(1)
    assert sink.count_for(mobile) == 1, sink.count_for(mobile)
    ok(f"SUCCESSFUL, claimed by {task.worker_ids}: retried once, one message in the sink for {mobile}")
    code = sink.code_for(mobile)
    expect(
        session.post(
            f"{NGINX}{API}/accounts",
            data={**person.person, "sms_code": code, "password": loadkit.PASSWORD, "agreement": "true"},
            files={"id_photo": ("id.jpg", loadkit.photo("id"), "image/jpeg")},
            timeout=TIMEOUT,
        ),
        201,
    )
    ok("the code in it registers the person")
    consistency(since)


def drill_database() -> None:
    since = timezone.now()
    fixtures = load_fixtures()
    step("a signed-in person (page session and API token), and a load of 4 people")
    from check_production_shape import Browser, csrf_token, page_captcha

    probe_person = Applicant(
        lambda kind, method, path, **kw: requests.request(method, NGINX + path, timeout=TIMEOUT, **kw),
        SmsSink(),
    )
    probe_person.register()
    probe_person.sign_in()
    probe_person.start()
    browser = Browser()
    page = browser.get(f"{NGINX}/sign-in/")
    credentials = {"login": probe_person.person["document_number"], "password": loadkit.PASSWORD}
    response = browser.post(
        f"{NGINX}/sign-in/",
        data={"csrfmiddlewaretoken": csrf_token(page), **credentials, **page_captcha(page)},
    )
    assert response.status_code == 302, response.status_code
    assert browser.get(f"{NGINX}/account/").status_code == 200
    load = Load(4, department_id=fixtures["department_id"])
    load.start()
    time.sleep(8)

    samples: list[tuple[float, float, str, int, str]] = []  # (sent, answered, kind, status, body)
    probing = threading.Event()

    def probe(kind: str, fetch) -> None:
        while not probing.is_set():
            sent = time.monotonic()
            try:
                answer = fetch()
                samples.append((sent, time.monotonic(), kind, answer.status_code, answer.text[:3000]))
            except requests.RequestException as error:
                samples.append((sent, time.monotonic(), kind, 0, type(error).__name__))
            time.sleep(0.2)

    def page() -> requests.Response:
        return requests.get(
            f"{NGINX}/account/", cookies=dict(browser.cookies), allow_redirects=False, timeout=TIMEOUT
        )

    def api() -> requests.Response:
        return requests.get(f"{NGINX}{API}/me/submission", headers=probe_person.auth, timeout=TIMEOUT)

    # Three of each, so that several are sent during the outage (each waits up to 3 s for the pool).
    probes = [
        threading.Thread(target=probe, args=(kind, fetch), daemon=True)
        for kind, fetch in [("page", page), ("api", api)] * 3
    ]
    for thread in probes:
        thread.start()
    time.sleep(2)
    pg_ctl = ["pg_ctlcluster", "--skip-systemctl-redirect", *PG_CLUSTER.split()]
    step(f"PostgreSQL stopped ({' '.join(pg_ctl[:1] + pg_ctl[2:])} stop -m fast), 6 s, started again")
    stop_sent_at = time.monotonic()
    subprocess.run([*pg_ctl, "stop", "-m", "fast"], check=True)
    down_at = time.monotonic()  # stopped for certain from here
    time.sleep(6)
    starting_at = time.monotonic()  # down for certain until here
    subprocess.run([*pg_ctl, "start"], check=True)
    up_at = time.monotonic()
    ok(f"down for {starting_at - down_at:.1f} s; start took {up_at - starting_at:.1f} s")
    time.sleep(12)
    probing.set()
    for thread in probes:
        thread.join()
    load.finish()
    connection.close()

    step("what a person saw")
    outage = [s for s in samples if stop_sent_at <= s[0] <= starting_at]  # sent from the stop to the start
    print(
        f"      sent from the stop command to the start command: {dict(Counter((s[2], s[3]) for s in outage))}"
    )
    print(f"      all probes: {dict(Counter((s[2], s[3]) for s in samples))}")
    problems: list[str] = []  # every check is made (one restart tells all), then the drill fails on any

    def check(condition: bool, text: str) -> None:
        if condition:
            ok(text)
        else:
            problems.append(text)
            print(f"    FAILED: {text}", flush=True)

    pages = [s for s in outage if s[2] == "page" and s[3] == 503]
    api_503 = [s for s in outage if s[2] == "api" and s[3] == 503]
    check(
        bool(pages) and all("服务暂时不可用" in s[4] for s in pages),
        f"while PostgreSQL was down a page answered the Chinese 503 (服务暂时不可用) {len(pages)} times",
    )
    check(
        bool(api_503) and all('"code"' in s[4] for s in api_503),
        f"while PostgreSQL was down the API answered a JSON 503 {len(api_503)} times",
    )
    other = [s for s in samples if s[3] not in (200, 503)]
    check(not other, f"no answer other than 200 or 503 ({[(s[2], s[3], s[4][:80]) for s in other]})")
    if outage:
        ok(
            f"the slowest answer sent during the outage took {max(s[1] - s[0] for s in outage):.1f} s (pool wait 3 s)"
        )
    recovered = [s for s in samples if s[0] > up_at and s[3] == 200]
    after = [s for s in samples if recovered and s[0] >= min(r[0] for r in recovered)]
    check(
        bool(recovered) and all(s[3] == 200 for s in after),
        f"every probe sent after PostgreSQL was ready answered 200 ({len(after)}), no server restarted",
    )
    answered = [s[1] for s in samples if s[1] > starting_at and s[3] == 200]
    if answered:
        ok(f"first 200 answered {min(answered) - starting_at:.1f} s after the start command was given")
    step("what the load saw")
    load.report()
    failures = {k: n for k, n in load.failures().items() if k[1] != 503}
    check(not failures, f"the load saw no server error but 503 ({failures})")
    try:
        load.verify()
    except AssertionError as error:
        check(False, f"every success the load was answered is in the database ({error})")
    for base in (A, B):
        wait_ready(base, timeout=10)
    worker_pid = int((STATE / "worker.pid").read_text())
    late = [at for at in load.registered_at if at > up_at]
    check(
        Path(f"/proc/{worker_pid}").exists() and bool(late),
        f"the worker (supervised, pid {worker_pid}) sent codes after the restart: {len(late)} registrations after",
    )
    consistency(since, sweep_orphans=True)
    assert not problems, problems


def drill_storage() -> None:
    from check_production_shape import Browser, csrf_token, page_captcha

    from kuaiji.collection.models import Attachment

    since = timezone.now()
    fixtures = load_fixtures()
    step("a person with a draft and a stored attachment, while the storage works")
    call = lambda kind, method, path, **kw: requests.request(method, NGINX + path, timeout=TIMEOUT, **kw)  # noqa: E731
    person = Applicant(call, SmsSink())
    person.register()
    person.sign_in()
    person.start()
    for section, data in person.sections(fixtures["department_id"]).items():
        person.save_section(section, data)
    listing = expect(call("", "GET", f"{API}/me/submission/attachments", headers=person.auth), 200).json()
    stored = listing["files"][0]
    ok(f"draft started; {stored['slot']} stored")
    browser = Browser()
    page = browser.get(f"{NGINX}/sign-in/")
    credentials = {"login": person.person["document_number"], "password": loadkit.PASSWORD}
    response = browser.post(
        f"{NGINX}/sign-in/",
        data={"csrfmiddlewaretoken": csrf_token(page), **credentials, **page_captcha(page)},
    )
    assert response.status_code == 302, response.status_code
    rows_before = Attachment.objects.count()

    step("both app servers restarted with a dead storage endpoint (127.0.0.1:9)")
    try:
        for server in ("a", "b"):
            shape("stop-app", server)
            shape("start-app", server, env={"KUAIJI_SHAPE_DEAD_STORAGE": "1"})
        time.sleep(3)
        for base in (A, B, NGINX):
            ready = requests.get(f"{base}/readyz/", timeout=TIMEOUT)
            assert ready.status_code == 503 and ready.json()["failed"] == ["storage"], (base, ready.text)
        ok("/readyz/ is 503 failed: [storage] on A, B and through nginx")

        started = time.monotonic()
        answer = call(
            "",
            "POST",
            f"{API}/me/submission/attachments/id_back",
            files={"files": ("back.jpg", loadkit.photo("scan"), "image/jpeg")},
            headers=person.auth,
        )
        assert answer.status_code == 400, (answer.status_code, answer.text[:300])
        message = answer.json()["errors"]["files"][0]
        assert "文件存储服务暂时不可用" in message, message
        ok(f"API upload: 400 in {time.monotonic() - started:.1f} s, errors.files: {message}")

        attachments_page = browser.get(f"{NGINX}/collection/attachments/")
        assert attachments_page.status_code == 200, attachments_page.status_code
        upload = browser.post(
            f"{NGINX}/collection/attachments/id_back/upload/",
            data={"csrfmiddlewaretoken": csrf_token(attachments_page)},
            files={"files": ("back.jpg", loadkit.photo("scan"), "image/jpeg")},
        )
        assert upload.status_code == 302, upload.status_code
        shown = browser.get(f"{NGINX}{upload.headers['Location'].split('#')[0]}")
        assert shown.status_code == 200 and "文件存储服务暂时不可用" in shown.text, shown.status_code
        slot_html = shown.text[shown.text.find('id="slot-id_back"') :][:4000]
        assert "文件存储服务暂时不可用" in slot_html, "the message is not in the id_back slot"
        ok("page upload: back on the attachments page, the message inside the id_back slot")

        other = Applicant(call, SmsSink())
        expect(
            call(
                "",
                "POST",
                f"{API}/sms-codes",
                json={"purpose": "register", "mobile": other.person["mobile"], **other.captcha()},
            ),
            202,
        )
        code = other.sink.code_for(other.person["mobile"])
        registration = call(
            "",
            "POST",
            f"{API}/accounts",
            data={**other.person, "sms_code": code, "password": loadkit.PASSWORD, "agreement": "true"},
            files={"id_photo": ("id.jpg", loadkit.photo("id"), "image/jpeg")},
        )
        assert registration.status_code == 400, (registration.status_code, registration.text[:300])
        assert "文件存储服务暂时不可用" in registration.json()["errors"]["id_photo"][0], registration.text[
            :300
        ]
        ok("registration with its ID photo: 400, the message on id_photo")

        read = call("", "GET", f"{API}/me/submission/attachments/{stored['uuid']}/file", headers=person.auth)
        assert read.status_code == 503, read.status_code
        page_read = browser.get(f"{NGINX}/collection/attachments/{stored['uuid']}/")
        assert page_read.status_code == 503 and "服务暂时不可用" in page_read.text, page_read.status_code
        ok("reading a stored file: 503 (API JSON, page 服务暂时不可用), not 500")
        assert Attachment.objects.count() == rows_before, "a row was written for an upload that failed"
        ok("no attachment row was written")
    finally:
        step("storage back: both app servers restarted with the real endpoint")
        for server in ("a", "b"):
            shape("stop-app", server)
            shape("start-app", server)
    for base in (A, B, NGINX):
        wait_ready(base)
    ok("/readyz/ 200 again")
    retry = call(
        "",
        "POST",
        f"{API}/me/submission/attachments/id_back",
        files={"files": ("back.jpg", loadkit.photo("scan"), "image/jpeg")},
        headers=person.auth,
    )
    assert retry.status_code == 201, retry.text[:300]
    ok("the same upload again: 201")
    consistency(since)


DRILLS = {"app": drill_app, "worker": drill_worker, "database": drill_database, "storage": drill_storage}


def main(names: list[str]) -> None:
    if names == ["all"]:
        names = list(DRILLS)
    if names == ["setup"]:
        loadkit.setup()
        print(f"load setup written to {STATE / 'load.json'}")
        return
    unknown = [name for name in names if name not in DRILLS]
    if unknown or not names:
        raise SystemExit(f"usage: fault-drill setup|{'|'.join(DRILLS)}|all (unknown: {unknown})")
    for base in (A, B, NGINX):
        wait_ready(base, timeout=10)
    for name in names:
        print(f"\n===== fault drill: {name} =====", flush=True)
        started = time.monotonic()
        DRILLS[name]()
        print(f"===== {name}: passed in {time.monotonic() - started:.0f} s =====", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

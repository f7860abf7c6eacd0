"""The load test of the production shape: the real mix, through nginx, on loopback (docs/performance.md).

Run by ``deploy/load-test`` (``make load-test``), which starts locust headless at a few user counts and
writes the report; by hand::

    deploy/fault-drill setup     # once: reviewers with TOTP, an integration key
    set -a; . var/production-shape/env; set +a
    .venv/bin/locust -f deploy/locustfile.py --headless -u 20 -r 5 -t 60s --host http://127.0.0.1:8780

Who does what:
- applicants (most users): a new generated person each journey: a code through the SMS sink, register
  with an ID photo, sign in (argon2id), start, read and accept the notice, save the four wizard sections,
  read their status, upload the portrait and the attachments, print the form (PDF), submit;
- reviewers (2): sign in with password and TOTP once, then read the pending queue and approve;
- another system (1): looks up the collection status of people registered in this run with its API key;
- the bare endpoint (1): ``/healthz/`` (the process answers, one ``SELECT 1``), the yardstick each
  request kind is compared to in the same run.
"""

import itertools
import random
import sys
import threading
from pathlib import Path
from typing import Any

from locust import HttpUser, SequentialTaskSet, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

import loadkit
from loadkit import Applicant, Failed, Reviewer, SmsSink

SINK = SmsSink()
FIXTURES = loadkit.fixtures()
REGISTERED: list[str] = []  # document numbers registered in this run, for the integration lookups
_reviewer_accounts = itertools.cycle(FIXTURES["reviewers"])
_lock = threading.Lock()

# Answers that are part of the mix, not failures: another reviewer decided first.
EXPECTED = {"decide (approve)": {409}, "review detail": {404}}


def caller(user: HttpUser):
    def call(kind: str, method: str, path: str, **kwargs: Any):
        with user.client.request(
            method, path, name=kind, catch_response=True, timeout=60, **kwargs
        ) as response:
            if response.status_code < 400 or response.status_code in EXPECTED.get(kind, ()):
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:120]}")
        return response

    return call


class Journey(SequentialTaskSet):
    """One person from registration to a submitted first collection; then the next person."""

    def on_start(self) -> None:
        self.person = Applicant(caller(self.user), SINK, rng=random.Random())

    def step(self, action, *args) -> None:
        try:
            action(*args)
        except Failed:
            self.interrupt(reschedule=True)  # this person gives up; on_start makes the next one

    @task
    def register(self) -> None:
        self.step(self.person.register)
        with _lock:
            REGISTERED.append(self.person.person["document_number"])

    @task
    def sign_in(self) -> None:
        self.step(self.person.sign_in)

    @task
    def start(self) -> None:
        self.step(self.person.start)

    @task
    def sections(self) -> None:
        for section, data in self.person.sections(FIXTURES["department_id"]).items():
            self.step(self.person.save_section, section, data)

    @task
    def status(self) -> None:
        self.step(self.person.status)

    @task
    def photos(self) -> None:
        self.step(self.person.photos_and_form)

    @task
    def submit(self) -> None:
        self.step(self.person.submit)
        self.step(self.person.status)
        self.interrupt(reschedule=True)


class ApplicantUser(HttpUser):
    weight = 10
    wait_time = between(0.5, 1.5)  # a person reads and types between steps
    tasks = [Journey]


class ReviewerUser(HttpUser):
    fixed_count = 2
    wait_time = between(1, 2)

    def on_start(self) -> None:
        with _lock:
            account = next(_reviewer_accounts)
        self.reviewer = Reviewer(caller(self), username=account["username"], totp_key=account["totp_key"])
        self.reviewer.sign_in()

    @task(3)
    def queue(self) -> None:
        with contextlib.suppress(Failed):
            self.reviewer.queue()

    @task(2)
    def decide(self) -> None:
        try:
            items = self.reviewer.queue()
            if items:
                self.reviewer.decide(random.choice(items[:10])["uuid"])
        except Failed:
            pass


class IntegrationUser(HttpUser):
    fixed_count = 1
    wait_time = constant(0.5)

    @task
    def lookup(self) -> None:
        with _lock:
            number = random.choice(REGISTERED) if REGISTERED else "630104199003141781"
        with contextlib.suppress(Failed):
            loadkit.integration_lookup(caller(self), FIXTURES["api_key"], number)


class BareUser(HttpUser):
    fixed_count = 1
    wait_time = constant(0.25)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz/", name="bare /healthz/")

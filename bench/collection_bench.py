"""Wizard step save and submit latency through the whole request path (middleware, sessions, forms,
the database), against /healthz/ served the same way in the same run. Runs on the configured database:
SQLite by default, PostgreSQL when DATABASE_URL is set (``make bench`` runs both)."""

import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment

SAVES = 60
SUBMITS = 15


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def _timed_requests(send, count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        response = send()
        samples.append(time.perf_counter() - start)
        assert response.status_code in (200, 302), response.status_code
    return samples


def run() -> None:
    from kuaiji.accounts.tests.factories import ApplicantFactory
    from kuaiji.collection.models import Submission
    from kuaiji.collection.services import missing_attachments
    from kuaiji.collection.tests import helpers
    from kuaiji.regions.demo import ensure_demo_departments

    setup_test_environment()
    # A database of its own, never the test suite's (test_<name>): a bench must not drop what a test run uses.
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        "kuaiji_bench_collection" if connection.vendor == "postgresql" else None
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        departments = ensure_demo_departments()
        rng = random.Random(3)
        vendor = connection.vendor

        def new_client():
            from kuaiji.core.fakes import fake_resident_id

            applicant = ApplicantFactory(document_number=fake_resident_id(rng=rng))
            client = Client()
            client.force_login(applicant)
            client.applicant = applicant
            client.post("/collection/start/")
            return client

        client = new_client()
        baseline = _timed_requests(lambda: client.get("/healthz/"), SAVES)

        def save_education():
            version = Submission.objects.get(applicant=client.applicant).version
            return client.post(
                "/collection/section/education/", {**helpers.EDUCATION, "version": version, "action": "save"}
            )

        saves = _timed_requests(save_education, SAVES)

        submit_samples = []
        for _ in range(SUBMITS):
            submitter = new_client()
            from kuaiji.collection.tests.test_wizard import fill_everything

            submission = fill_everything(submitter, departments)
            assert missing_attachments(submission) == []
            version = Submission.objects.get(pk=submission.pk).version
            start = time.perf_counter()
            response = submitter.post("/collection/check/", {"commitment": "1", "version": version})
            submit_samples.append(time.perf_counter() - start)
            assert response.status_code == 302

        base_median, base_p95 = _stats(baseline)
        for name, samples in (
            ("wizard step save (学历信息)", saves),
            ("submit (核对并提交)", submit_samples),
        ):
            median, p95 = _stats(samples)
            print(
                f"[{vendor}] {name:<28} median {median * 1000:8.2f} ms  p95 {p95 * 1000:8.2f} ms  "
                f"= {median / base_median:5.1f} x /healthz/ ({base_median * 1000:.2f} ms, p95 {base_p95 * 1000:.2f} ms)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

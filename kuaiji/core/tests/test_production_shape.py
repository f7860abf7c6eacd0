"""The production shape's pieces inside one process: readiness, request ids, JSON logs, metrics, the
replica router, the drill SMS sink. (deploy/check_production_shape.py runs the real thing.)

Requirements covered:
- /readyz answers 200 JSON when database, cache and storage answer, else 503 JSON naming what failed
  and nothing of why;
- every answer (page, API, error page) carries X-Request-ID: a sane incoming one is kept, anything else
  replaced; every log line written during the request carries it; production logs are JSON lines;
- /metrics shows request latency per view and the task queue depth to loopback, the allow-list or the
  bearer token, and refuses everyone else (a visitor behind the proxy included);
- reads go to the replica only inside using_replica(), never inside a transaction, never without one;
- the drill SMS sink is refused in production unless ALLOWED_HOSTS are loopback names, and
  `check --deploy` warns about it.
"""

import io
import json
import logging
import secrets

import pytest
from django_tasks_db.models import DBTaskResult

from kuaiji.accounts.models import User
from kuaiji.accounts.tasks import send_sms
from kuaiji.core import views
from kuaiji.core.db import ReplicaRouter, using_replica
from kuaiji.core.request_id import RequestIdFilter, current_request_id
from kuaiji.core.tests.test_security import REAL_SMS_BACKEND, run_manage

# --- /readyz ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_ok_when_everything_answers(client):
    response = client.get("/readyz/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


@pytest.mark.django_db
def test_readyz_names_what_failed_and_not_why(client, monkeypatch, caplog):
    def broken_cache():
        raise ConnectionError("redis://:s3cret@10.0.0.9:6379 refused")

    monkeypatch.setitem(views.READINESS_CHECKS, "cache", broken_cache)

    response = client.get("/readyz/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["cache"]
    assert body["checks"]["database"] == "ok"
    assert "s3cret" not in response.content.decode()
    assert "s3cret" not in caplog.text
    assert "cache is not reachable (ConnectionError)" in caplog.text


@pytest.mark.django_db
def test_readyz_checks_the_s3_bucket(client, settings, monkeypatch):
    """S3 storage (moto in-process): ready once the bucket answers, not before."""
    from django.core.files.storage import storages

    import boto3
    from moto import mock_aws

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "kuaiji-readyz", "region_name": "us-east-1"},
        },
    }
    with mock_aws():
        missing = client.get("/readyz/")
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="kuaiji-readyz")
        storages._storages.pop("default", None)  # a new storage object, with the bucket there
        present = client.get("/readyz/")

    assert missing.status_code == 503
    assert missing.json()["failed"] == ["storage"]
    assert present.status_code == 200, present.json()


# --- request ids ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sign-in/", "/api/v1/health", "/no-such-page/", "/healthz/"])
def test_every_answer_carries_a_new_request_id(client, path):
    first = client.get(path)
    second = client.get(path)

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/sign-in/", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    forged = client.get("/sign-in/", HTTP_X_REQUEST_ID='x" injected\nline')
    too_long = client.get("/sign-in/", HTTP_X_REQUEST_ID="a" * 500)

    assert kept["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert forged["X-Request-ID"] != 'x" injected\nline'
    assert len(forged["X-Request-ID"]) == 32
    assert len(too_long["X-Request-ID"]) == 32


@pytest.fixture
def captured_log():
    """The project's console handler set-up (its filter and a formatter) on a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("%(request_id)s %(name)s %(message)s"))
    logging.getLogger().addHandler(handler)
    yield stream
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_log_lines_of_a_request_carry_its_id(client, monkeypatch, captured_log):
    def logging_check():
        logging.getLogger("kuaiji.probe").warning("probe line for %s", current_request_id())

    monkeypatch.setitem(views.READINESS_CHECKS, "probe", logging_check)

    response = client.get("/readyz/", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    logging.getLogger("kuaiji.probe").warning("outside")

    lines = captured_log.getvalue().splitlines()
    assert response["X-Request-ID"] == "req-0123456789abcdef"
    assert "req-0123456789abcdef kuaiji.probe probe line for req-0123456789abcdef" in lines
    assert "- kuaiji.probe outside" in lines


@pytest.mark.django_db
def test_djangos_own_line_for_an_error_answer_carries_the_id(client, captured_log):
    """Django logs "Not Found: ..." after the middleware chain has returned."""
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-notfound-0123")
    logging.getLogger("kuaiji.probe").warning("after")

    lines = captured_log.getvalue().splitlines()
    assert "req-notfound-0123 django.request Not Found: /no-such-page/" in lines
    assert "- kuaiji.probe after" in lines


def test_production_logs_are_json_lines(tmp_path):
    script = (
        "import logging\n"
        "from kuaiji.core.request_id import _current_request_id\n"
        "_current_request_id.set('req-abcdef012345')\n"
        "logging.getLogger('kuaiji.probe').warning('登记 %s', 'ok')\n"
    )
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        script,
        SECRET_KEY=secrets.token_urlsafe(50),
        KUAIJI_SMS_BACKEND=REAL_SMS_BACKEND,
    )

    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if "kuaiji.probe" in line)
    record = json.loads(line)
    assert record["level"] == "WARNING"
    assert record["logger"] == "kuaiji.probe"
    assert record["request_id"] == "req-abcdef012345"
    assert record["message"] == "登记 ok"
    assert "time" in record


def test_json_log_lines_leave_out_the_query_string(tmp_path):
    """Django's "Not Found" record carries the request, whose text holds the query (a searched name)."""
    script = (
        "from django.test import RequestFactory\n"
        "from django.utils.log import log_response\n"
        "from django.http import HttpResponseNotFound\n"
        "request = RequestFactory().get('/no-such-page/?q=secret-search-term')\n"
        "log_response('Not Found: %s', request.path, response=HttpResponseNotFound(), request=request)\n"
    )
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        script,
        SECRET_KEY=secrets.token_urlsafe(50),
        KUAIJI_SMS_BACKEND=REAL_SMS_BACKEND,
    )

    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stderr.splitlines() if "Not Found" in line)
    record = json.loads(line)
    assert record["message"] == "Not Found: /no-such-page/"
    assert record["status_code"] == 404
    assert "secret-search-term" not in result.stderr


# --- /metrics -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_show_latency_per_view_and_the_task_queue_depth(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }
    send_sms.using(backend="default").enqueue(mobile="13800000000", text="x")
    send_sms.using(backend="default").enqueue(mobile="13800000001", text="y")
    assert DBTaskResult.objects.count() == 2
    client.get("/sign-in/")

    response = client.get("/metrics")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'kuaiji_task_queue_depth{queue="default"} 2.0' in body
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="accounts:sign_in"}'
        in body
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"REMOTE_ADDR": "10.1.2.3"},
        {"REMOTE_ADDR": "10.1.2.3", "HTTP_AUTHORIZATION": "Bearer wrong-token"},
        {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "127.0.0.1"},
    ],
    ids=["other-address", "wrong-token", "forged-forwarded-for"],
)
def test_metrics_are_refused_to_anyone_else(client, settings, headers):
    settings.KUAIJI_METRICS_TOKEN = "scraper-token-0123456789"

    response = client.get("/metrics", **headers)

    assert response.status_code == 403
    assert b"django_http" not in response.content


@pytest.mark.django_db
def test_metrics_are_refused_to_a_visitor_through_the_proxy(client, settings):
    """nginx on loopback: REMOTE_ADDR is 127.0.0.1 for every visitor, who is told apart by X-Forwarded-For."""
    settings.KUAIJI_TRUSTED_PROXY_COUNT = 1

    visitor = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7")
    scraper = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert visitor.status_code == 403
    assert scraper.status_code == 200


@pytest.mark.django_db
def test_metrics_answer_the_token_and_the_allow_list(client, settings):
    settings.KUAIJI_METRICS_TOKEN = "scraper-token-0123456789"
    settings.KUAIJI_METRICS_ALLOWED_IPS = ["10.9.9.9"]

    by_token = client.get(
        "/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer scraper-token-0123456789"
    )
    by_address = client.get("/metrics", REMOTE_ADDR="10.9.9.9")
    loopback_no_longer = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert by_token.status_code == 200
    assert by_address.status_code == 200
    assert loopback_no_longer.status_code == 403


# --- the replica router ----------------------------------------------------------------------------------------


def test_reads_stay_on_the_primary_without_a_replica():
    with using_replica():
        assert ReplicaRouter().db_for_read(User) is None
        assert User.objects.all().db == "default"


def test_only_marked_reads_go_to_the_replica(monkeypatch):
    """The router alone: a replica configured, and outside any transaction on the primary. (Run without
    a second real database, and without a transactional test: connections and flushes stay the suite's.)"""
    from django.db import connections

    from kuaiji.core import db

    monkeypatch.setattr(db, "replica_configured", lambda: True)
    router = ReplicaRouter()
    assert router.db_for_read(User) is None
    with using_replica():
        monkeypatch.setattr(connections["default"], "in_atomic_block", False)
        assert router.db_for_read(User) == "replica"
        # Writes never do.
        assert router.db_for_write(User) is None
        # Nor reads inside a transaction on the primary (they must see its own writes).
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(User) is None
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    assert router.db_for_read(User) is None
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is True


# --- database options from the environment -------------------------------------------------------------------


def test_database_pool_and_statement_timeout_from_the_environment(tmp_path):
    script = (
        "from django.conf import settings\n"
        "d = settings.DATABASES\n"
        "print(d['default']['OPTIONS']['pool'], d['default']['OPTIONS']['options'], d['default']['CONN_MAX_AGE'])\n"
        "print(d['replica']['NAME'], settings.DATABASE_ROUTERS)\n"
    )
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        script,
        SECRET_KEY=secrets.token_urlsafe(50),
        KUAIJI_SMS_BACKEND=REAL_SMS_BACKEND,
        DATABASE_URL="postgres://kuaiji@db.internal:5432/kuaiji",
        DATABASE_REPLICA_URL="postgres://kuaiji@replica.internal:5432/kuaiji",
        DATABASE_POOL_MAX_SIZE="6",
        DATABASE_STATEMENT_TIMEOUT_MS="15000",
    )

    assert result.returncode == 0, result.stderr
    pool_line, replica_line = result.stdout.strip().splitlines()[-2:]
    assert pool_line == "{'min_size': 2, 'max_size': 6, 'timeout': 10} -c statement_timeout=15000 0"
    assert replica_line == "kuaiji ['kuaiji.core.db.ReplicaRouter']"


# --- the drill SMS sink -----------------------------------------------------------------------------------------

DRILL = "kuaiji.accounts.sms.LoopbackDrillBackend"


def test_the_drill_sms_sink_is_refused_on_a_public_host_name(tmp_path):
    result = run_manage(tmp_path, "check", SECRET_KEY=secrets.token_urlsafe(50), KUAIJI_SMS_BACKEND=DRILL)

    assert result.returncode != 0
    assert "only a site whose ALLOWED_HOSTS are loopback names may use it" in result.stderr


def test_the_drill_sms_sink_on_loopback_is_warned_about_by_the_deploy_check(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        SECRET_KEY=secrets.token_urlsafe(50),
        KUAIJI_SMS_BACKEND=DRILL,
        ALLOWED_HOSTS="127.0.0.1,localhost",
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "kuaiji.W001" in output


@pytest.mark.django_db
def test_the_drill_sms_sink_writes_a_file_only_its_owner_reads(settings):
    from kuaiji.accounts.sms import LoopbackDrillBackend, read_outbox

    LoopbackDrillBackend().send(mobile="13800000000", text="验证码 123456")

    assert settings.KUAIJI_SMS_OUTBOX.stat().st_mode & 0o077 == 0
    assert read_outbox()[0]["text"] == "验证码 123456"

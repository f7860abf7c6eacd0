"""The production shape's end-to-end check: run by ``deploy/production-shape check`` (``make
production-shape-check``) against what ``deploy/production-shape start`` started.

It talks HTTP to nginx and to each app server directly (as a browser behind a load balancer would land
on either), and reads the shape's own database, bucket and SMS sink only to learn what a person would
read off a screen or a phone (the captcha's letters, the SMS code) and to confirm where things went.
Each step asserts; the first failure stops the run with its reason.

What it shows:
- nginx and both app servers are ready (/readyz/); nginx's request id comes back in X-Request-ID and is
  in nginx's and the app server's JSON access log; /metrics is refused through nginx and answered on
  an app server's loopback port;
- a code requested through app server A is sent by the worker (a task enqueued by one process, done by
  another), and the per-phone rate limit holds when the next request goes to B (Redis);
- a person registered through B (identity photo to S3) signs in on A's sign-in page, and the session
  works on B and A alike (cached_db sessions in Redis and PostgreSQL);
- with app server A stopped, nginx answers every request from B, in the same session;
- an image uploaded through A is stored in the bucket (not on A's disk) and read through B, by its
  owner only;
- five wrong passwords spread over A and B lock the account on both (django-axes in PostgreSQL);
- connections to PostgreSQL come from psycopg pools, within their bound, with a statement timeout.
"""

import io
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuaiji.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

import boto3  # noqa: E402
from captcha.models import CaptchaStore  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402
from PIL import Image  # noqa: E402

from kuaiji.accounts.models import User  # noqa: E402
from kuaiji.collection.models import Attachment  # noqa: E402
from kuaiji.core.fakes import fake_mobile, fake_person_name, fake_resident_id  # noqa: E402

STATE = Path(os.environ["KUAIJI_SHAPE_DIR"])
NGINX = f"http://127.0.0.1:{os.environ['KUAIJI_SHAPE_NGINX_PORT']}"
A = f"http://127.0.0.1:{os.environ['KUAIJI_SHAPE_APP_A_PORT']}"
B = f"http://127.0.0.1:{os.environ['KUAIJI_SHAPE_APP_B_PORT']}"
WORKER_ID = "production-shape-worker"
PASSWORD = "Shape2026drill"
TIMEOUT = 30


def step(text: str) -> None:
    print(f"--- {text}", flush=True)


def ok(text: str) -> None:
    print(f"    ok: {text}", flush=True)


class Browser:
    """Cookies kept by hand: production cookies are Secure, and this drill speaks plain http on
    loopback (a browser treats localhost as a secure context and keeps them too)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, url, cookies=dict(self.cookies), allow_redirects=False, timeout=TIMEOUT, **kwargs
        )
        for cookie in response.cookies:
            if cookie.value:
                self.cookies[cookie.name] = cookie.value
            else:
                self.cookies.pop(cookie.name, None)
        return response

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> requests.Response:
        return self.request("POST", url, **kwargs)


def jpeg(color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def captcha(base: str) -> dict[str, str]:
    """A new picture captcha, answered with the letters its image shows."""
    response = requests.get(f"{base}/api/v1/captcha", timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    key = response.json()["key"]
    return {"captcha_key": key, "captcha_answer": CaptchaStore.objects.get(hashkey=key).response}


def wait_for_sms(mobile: str, *, after: int) -> str:
    """The code in the newest message to ``mobile`` that the worker wrote to the drill sink."""
    outbox = Path(settings.KUAIJI_SMS_OUTBOX)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if outbox.exists():
            lines = outbox.read_text(encoding="utf-8").splitlines()[after:]
            for line in reversed(lines):
                message = json.loads(line)
                if message["mobile"] == mobile:
                    return re.search(r"验证码 (\d{6})", message["text"]).group(1)  # type: ignore[union-attr]
        time.sleep(0.3)
    raise AssertionError(
        f"no SMS reached the sink for {mobile} in 30 s (worker log: {STATE}/logs/worker.log)"
    )


def outbox_lines() -> int:
    outbox = Path(settings.KUAIJI_SMS_OUTBOX)
    return len(outbox.read_text(encoding="utf-8").splitlines()) if outbox.exists() else 0


def csrf_token(page: requests.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, "no CSRF token on the page"
    return match.group(1)


def page_captcha(page: requests.Response) -> dict[str, str]:
    """The picture captcha's fields when the page asks for one (after failures from this address, as
    earlier runs of this check leave), answered with the letters its image shows."""
    match = re.search(r'name="captcha_0" value="([0-9a-f]+)"', page.text) or re.search(
        r'value="([0-9a-f]+)"[^>]*name="captcha_0"', page.text
    )
    if not match:
        return {}
    return {
        "captcha_0": match.group(1),
        "captcha_1": CaptchaStore.objects.get(hashkey=match.group(1)).response,
    }


def access_log_has(path: Path, request_id: str) -> bool:
    return path.exists() and any(
        json.loads(line).get("request_id") == request_id
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("{")
    )


def main() -> None:
    started_at = time.time()
    rng = random.Random()  # a new generated person each run

    step("nginx and both app servers are ready")
    for base in (A, B, NGINX):
        response = requests.get(f"{base}/readyz/", timeout=TIMEOUT)
        assert response.status_code == 200, (base, response.status_code, response.text)
        assert response.json()["checks"] == {"database": "ok", "cache": "ok", "storage": "ok"}
    ok(f"/readyz/ is 200 on :{A[-4:]}, :{B[-4:]} and through nginx")

    step("request ids and logs")
    response = requests.get(f"{NGINX}/sign-in/", timeout=TIMEOUT)
    request_id = response.headers["X-Request-ID"]
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", request_id), request_id
    time.sleep(0.5)
    assert access_log_has(STATE / "nginx/logs/access.log", request_id), "nginx's log lacks the request id"
    assert any(access_log_has(STATE / f"logs/app-{s}.log", request_id) for s in "ab"), "no app log has it"
    ok(f"X-Request-ID {request_id} is in nginx's and an app server's JSON access log")
    direct = requests.get(f"{A}/api/v1/health", timeout=TIMEOUT)
    assert re.fullmatch(r"[0-9a-f]{32}", direct.headers["X-Request-ID"])
    ok("the API answers its own request id without a proxy")

    stylesheet = re.search(r'href="(/static/css/kuaiji\.[0-9a-f]{12}\.css)"', response.text)
    assert stylesheet, "the page does not link a hashed stylesheet"
    static = requests.get(
        f"{NGINX}{stylesheet.group(1)}", headers={"Accept-Encoding": "gzip"}, timeout=TIMEOUT
    )
    assert static.status_code == 200
    assert static.headers.get("Content-Encoding") == "gzip", static.headers
    assert "immutable" in static.headers["Cache-Control"], static.headers["Cache-Control"]
    ok(f"static files have hashed names and come compressed with a long cache ({stylesheet.group(1)})")

    step("/metrics is not public")
    through_nginx = requests.get(f"{NGINX}/metrics", timeout=TIMEOUT)
    assert through_nginx.status_code == 404, through_nginx.status_code
    forwarded = requests.get(f"{A}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=TIMEOUT)
    assert forwarded.status_code == 403, forwarded.status_code
    scraped = requests.get(f"{A}/metrics", timeout=TIMEOUT)
    assert scraped.status_code == 200
    assert "django_http_requests_latency_seconds_by_view_method" in scraped.text
    assert "kuaiji_task_queue_depth" in scraped.text
    ok("404 through nginx, 403 for a forwarded visitor, 200 on the app server's loopback port")

    step("a task enqueued by app server A is done by the worker")
    person = {
        "document_type": "resident_id",
        "document_number": fake_resident_id(rng=rng),
        "full_name": fake_person_name(rng=rng),
        "mobile": fake_mobile(rng=rng),
    }
    before = outbox_lines()
    response = requests.post(
        f"{A}/api/v1/sms-codes",
        json={"purpose": "register", "mobile": person["mobile"], **captcha(A)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 202, response.text
    code = wait_for_sms(person["mobile"], after=before)
    task = (
        DBTaskResult.objects.filter(
            task_path="kuaiji.accounts.tasks.send_sms", args_kwargs__kwargs__mobile=person["mobile"]
        )
        .order_by("-enqueued_at")
        .first()
    )
    assert task is not None and task.status == "SUCCESSFUL", task and task.status
    assert task.worker_ids == [WORKER_ID], task.worker_ids
    ok(f"the SMS task ran once, by {WORKER_ID}; the code reached the drill sink")

    response = requests.post(
        f"{B}/api/v1/sms-codes",
        json={"purpose": "register", "mobile": person["mobile"], **captcha(B)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 429, (response.status_code, response.text)
    ok("a second code asked of app server B within the minute is refused (429): the limit is shared")

    step("register through app server B (identity photo to S3)")
    response = requests.post(
        f"{B}/api/v1/accounts",
        data={**person, "sms_code": code, "password": PASSWORD, "agreement": "true"},
        files={"id_photo": ("id.jpg", jpeg((180, 160, 140)), "image/jpeg")},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    user = User.objects.get(uuid=response.json()["uuid"])
    ok(f"registered (user {user.uuid})")

    step("the session hops between the app servers")
    browser = Browser()
    page = browser.get(f"{A}/sign-in/")
    assert page.status_code == 200
    credentials = {"login": person["document_number"], "password": PASSWORD}
    response = browser.post(f"{A}/sign-in/", data={"csrfmiddlewaretoken": csrf_token(page), **credentials})
    if response.status_code == 400 and page_captcha(response):
        # Earlier runs' wrong passwords from this address: the page now asks for the picture captcha.
        response = browser.post(
            f"{A}/sign-in/",
            data={"csrfmiddlewaretoken": csrf_token(response), **credentials, **page_captcha(response)},
        )
    assert response.status_code == 302, (response.status_code, response.text[:500])
    assert "sessionid" in browser.cookies, browser.cookies
    for base in (B, A, B):
        account = browser.get(f"{base}/account/")
        assert account.status_code == 200, (base, account.status_code, account.headers.get("Location"))
        assert person["full_name"] in account.text
    ok("signed in on A; /account/ shows the person on B, A and B again with the one session")
    anonymous = requests.get(f"{B}/account/", allow_redirects=False, timeout=TIMEOUT)
    assert anonymous.status_code == 302 and "/sign-in/" in anonymous.headers["Location"]
    ok("without the session B sends the visitor to sign in")

    step("nginx routes around a dead app server")
    script = str(Path(__file__).resolve().parent / "production-shape")
    nginx_log = STATE / "nginx/logs/access.log"
    seen = len(nginx_log.read_text(encoding="utf-8").splitlines())
    subprocess.run([script, "stop-app", "a"], check=True, capture_output=True)
    try:
        for _ in range(6):
            through = browser.get(f"{NGINX}/account/")
            assert through.status_code == 200, through.status_code
            assert person["full_name"] in through.text
    finally:
        subprocess.run([script, "start-app", "a"], check=True, capture_output=True)
    entries = [json.loads(line) for line in nginx_log.read_text(encoding="utf-8").splitlines()[seen:]]
    served = [entry["upstream"].split(", ")[-1] for entry in entries if entry["uri"] == "/account/"]
    assert served == [B.removeprefix("http://")] * 6, served
    ok("with A stopped, six requests through nginx are answered by B, in the same session; A is back")

    photo_link = re.search(r'href="(/account/identity-photos/[0-9a-f-]+/)"', account.text)
    assert photo_link, "no identity photo link on /account/"
    for base in (A, B):
        photo = browser.get(f"{base}{photo_link.group(1)}")
        assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg", photo.status_code
    assert (
        requests.get(f"{A}{photo_link.group(1)}", allow_redirects=False, timeout=TIMEOUT).status_code != 200
    )
    ok("the identity photo uploaded through B is served by A and B to its owner, to nobody else")

    step("a file uploaded through A is read through B (S3)")
    token = requests.post(
        f"{B}/api/v1/tokens",
        json={"login": person["document_number"], "password": PASSWORD, **captcha(B)},
        timeout=TIMEOUT,
    )
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    started = requests.post(f"{A}/api/v1/me/submission", headers=bearer, timeout=TIMEOUT)
    assert started.status_code == 201, started.text
    # id_front is filled from the registration's photo (copied when the draft starts): id_back is free.
    uploaded = requests.post(
        f"{A}/api/v1/me/submission/attachments/id_back",
        headers=bearer,
        files={"files": ("back.jpg", jpeg((90, 120, 200)), "image/jpeg")},
        timeout=TIMEOUT,
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment = Attachment.objects.get(uuid=uploaded.json()[0]["uuid"])
    s3 = boto3.client(
        "s3",
        endpoint_url=settings.STORAGES["default"]["OPTIONS"]["endpoint_url"],
        region_name="us-east-1",
        aws_access_key_id=os.environ["KUAIJI_S3_ACCESS_KEY"],
        aws_secret_access_key=os.environ["KUAIJI_S3_SECRET_KEY"],
    )
    stored = s3.get_object(Bucket=os.environ["KUAIJI_S3_BUCKET"], Key=attachment.file.name)["Body"].read()
    assert not (STATE / "var/files").exists() or not any((STATE / "var/files").rglob("*.jpg"))
    ok(f"stored in the bucket as {attachment.file.name} ({len(stored)} bytes), nothing on the app's disk")
    url = f"{B}/api/v1/me/submission/attachments/{attachment.uuid}/file"
    read = requests.get(url, headers=bearer, timeout=TIMEOUT)
    assert read.status_code == 200, read.status_code
    assert read.content == stored
    assert read.headers["Cache-Control"] == "private, no-store"
    assert requests.get(url, timeout=TIMEOUT).status_code == 401
    ok("B serves the very bytes to the owner (after its permission check), 401 without the token")

    step("five wrong passwords over A and B lock the account on both")
    # As if through nginx from a visitor's address (KUAIJI_TRUSTED_PROXY_COUNT=1): a new one each run, so
    # the runs' wrong passwords do not add up to the per-address limit on 127.0.0.1.
    visitor = {"X-Forwarded-For": f"203.0.113.{rng.randrange(1, 255)}"}
    for attempt in range(5):
        base = (A, B)[attempt % 2]
        body = {"login": person["document_number"], "password": "Wrong2026pass", **captcha(base)}
        response = requests.post(f"{base}/api/v1/tokens", json=body, headers=visitor, timeout=TIMEOUT)
        assert response.status_code in {401, 429}, (attempt, response.status_code, response.text)
    for base in (A, B):
        body = {"login": person["document_number"], "password": PASSWORD, **captcha(base)}
        response = requests.post(f"{base}/api/v1/tokens", json=body, headers=visitor, timeout=TIMEOUT)
        assert response.status_code == 429 and response.json()["code"] == "locked_out", response.text
    ok("the right password is refused (locked_out) on A and on B")

    step("database connections are pooled, bounded, and time-limited")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "15s"
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        in_use = cursor.fetchone()[0]
    pool = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    # Two app servers × their workers × the pool, the task worker's pool and this check's own.
    bound = 2 * int(os.environ.get("GUNICORN_WORKERS", "2")) * pool + pool + pool
    assert in_use <= bound, (in_use, bound)
    ok(f"{in_use} connections to the database (bound {bound}); statement_timeout 15s")

    print(f"\nproduction shape: all checks passed in {time.time() - started_at:.1f} s")


if __name__ == "__main__":
    main()

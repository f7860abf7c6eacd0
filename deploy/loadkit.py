"""What a person (and a reviewer, and another system) does through the production shape's public entrance,
step by step, over HTTP: shared by the fault drills (deploy/fault_drills.py) and the load test
(deploy/locustfile.py).

A step is ``call(kind, method, path, **requests_kwargs) -> response``: the drills pass a plain requests
session, locust its client (``kind`` becomes the name its report groups by). The kit reads the shape's
database only for what a person reads off a screen or a phone: a captcha's letters and, from the drill
SMS sink the worker writes, a code.

``setup()`` (``deploy/fault-drill setup``) makes the reviewers (with TOTP devices) and the integration
key the load needs, in the shape's database, and writes their secrets to ``$KUAIJI_SHAPE_DIR/load.json``
(mode 600).
"""

import io
import json
import os
import random
import re
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuaiji.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from captcha.models import CaptchaStore  # noqa: E402
from PIL import Image  # noqa: E402

from kuaiji.core.fakes import fake_credit_code, fake_mobile, fake_person_name, fake_resident_id  # noqa: E402

STATE = Path(
    os.environ.get("KUAIJI_SHAPE_DIR", Path(__file__).resolve().parent.parent / "var/production-shape")
)
NGINX = f"http://127.0.0.1:{os.environ.get('KUAIJI_SHAPE_NGINX_PORT', '8780')}"
API = "/api/v1"
PASSWORD = "Shape2026load"
REVIEWERS = 4

Call = Callable[..., Any]


class Failed(Exception):
    """A step did not answer what it should (the status and the start of the body)."""


def expect(response: Any, *statuses: int) -> Any:
    if response.status_code not in statuses:
        raise Failed(
            f"{response.request.method} {response.request.path_url}: {response.status_code} {response.text[:300]}"
        )
    return response


# --- what a person reads off the screen or the phone ------------------------------------------------------


_captcha_lock = threading.Lock()
_captcha_connection: Any = None


def captcha_answer(key: str) -> str:
    """The letters of captcha ``key``, read over one connection of this process (locust's users are
    greenlets: Django would open a connection for each)."""
    global _captcha_connection
    import psycopg

    with _captcha_lock:
        try:
            if _captcha_connection is None or _captcha_connection.closed:
                _captcha_connection = psycopg.connect(
                    os.environ["DATABASE_URL"], autocommit=True, connect_timeout=3
                )
            row = _captcha_connection.execute(
                f"SELECT response FROM {CaptchaStore._meta.db_table} WHERE hashkey = %s", [key]
            ).fetchone()
        except psycopg.OperationalError:  # the database drill restarted PostgreSQL
            _captcha_connection = None
            raise Failed("captcha: the database connection was lost") from None
    if row is None:
        raise Failed(f"captcha {key} not in the database")
    return row[0]


class SmsSink:
    """The drill sink's lines, read once each (from where the last read stopped), by mobile."""

    def __init__(self) -> None:
        self.path = Path(settings.KUAIJI_SMS_OUTBOX)
        self.offset = self.path.stat().st_size if self.path.exists() else 0
        self.codes: dict[str, list[str]] = {}
        self.lock = threading.Lock()

    def _read(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            data = handle.read()
        complete = data[: data.rfind(b"\n") + 1]
        self.offset += len(complete)
        for line in complete.decode("utf-8").splitlines():
            message = json.loads(line)
            match = re.search(r"验证码 (\d{6})", message["text"])
            if match:
                self.codes.setdefault(message["mobile"], []).append(match.group(1))

    def code_for(self, mobile: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                self._read()
                if self.codes.get(mobile):
                    return self.codes[mobile][-1]
            time.sleep(0.2)
        raise Failed(f"no SMS for {mobile} in {timeout:.0f} s")

    def count_for(self, mobile: str) -> int:
        with self.lock:
            self._read()
            return len(self.codes.get(mobile, []))


def jpeg(size: tuple[int, int], seed: int = 0) -> bytes:
    """A photo-like JPEG (noise compresses like a phone photo, not like a flat colour)."""
    buffer = io.BytesIO()
    image = Image.effect_noise(size, 40 + seed % 20).convert("RGB")
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


# One set of photos for every user: making them costs the client CPU the servers need.
PHOTOS: dict[str, bytes] = {}


def photo(kind: str) -> bytes:
    sizes = {"id": (1600, 1000), "portrait": (900, 1200), "scan": (1400, 1000)}
    if kind not in PHOTOS:
        PHOTOS[kind] = jpeg(sizes[kind], seed=len(PHOTOS))
    return PHOTOS[kind]


def fixtures() -> dict[str, Any]:
    return json.loads((STATE / "load.json").read_text(encoding="utf-8"))


# --- an applicant --------------------------------------------------------------------------------------------


class Applicant:
    """One generated person going from registration to a submitted first collection."""

    def __init__(self, call: Call, sink: SmsSink, *, rng: random.Random | None = None) -> None:
        self.call = call
        self.sink = sink
        rng = rng or random.Random()
        self.person = {
            "document_type": "resident_id",
            "document_number": fake_resident_id(rng=rng),
            "full_name": fake_person_name(rng=rng),
            "mobile": fake_mobile(rng=rng),
        }
        self.token = ""
        self.version = 0
        self.rng = rng

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def captcha(self) -> dict[str, str]:
        key = expect(self.call("captcha", "GET", f"{API}/captcha"), 200).json()["key"]
        return {"captcha_key": key, "captcha_answer": captcha_answer(key)}

    def register(self) -> None:
        expect(
            self.call(
                "sms code (register)",
                "POST",
                f"{API}/sms-codes",
                json={"purpose": "register", "mobile": self.person["mobile"], **self.captcha()},
            ),
            202,
        )
        code = self.sink.code_for(self.person["mobile"])
        expect(
            self.call(
                "register (ID photo)",
                "POST",
                f"{API}/accounts",
                data={**self.person, "sms_code": code, "password": PASSWORD, "agreement": "true"},
                files={"id_photo": ("id.jpg", photo("id"), "image/jpeg")},
            ),
            201,
        )

    def sign_in(self) -> None:
        answer = expect(
            self.call(
                "sign-in (argon2id)",
                "POST",
                f"{API}/tokens",
                json={"login": self.person["document_number"], "password": PASSWORD},
            ),
            200,
        )
        self.token = answer.json()["token"]

    def start(self) -> None:
        self.version = expect(
            self.call("start collection", "POST", f"{API}/me/submission", headers=self.auth), 201
        ).json()["version"]
        expect(self.call("read notice", "GET", f"{API}/me/submission/notice", headers=self.auth), 200)
        self.version = expect(
            self.call(
                "accept notice",
                "POST",
                f"{API}/me/submission/notice",
                json={"version": self.version},
                headers=self.auth,
            ),
            200,
        ).json()["version"]

    def sections(self, department_id: int) -> dict[str, dict[str, Any]]:
        credit_code = fake_credit_code(rng=self.rng, region_code="630102")
        return {
            "personal": {
                "full_name": self.person["full_name"],
                "sex": "female" if int(self.person["document_number"][16]) % 2 == 0 else "male",
                "birth_date": f"{self.person['document_number'][6:10]}-{self.person['document_number'][10:12]}-"
                f"{self.person['document_number'][12:14]}",
                "ethnicity": "01",
                "political_status": "13",
                "email": "",
                "mobile": self.person["mobile"],
                "residence_division_0": "630000",
                "residence_division_1": "630100",
                "residence_division_2": "630104",
                "residence_address": "虚构路 1 号",
            },
            "employer": {
                "has_employer": "yes",
                "started_accounting_on": "2012-07",
                "management_department": str(department_id),
                "history-TOTAL_FORMS": "1",
                "history-INITIAL_FORMS": "0",
                "history-MIN_NUM_FORMS": "0",
                "history-MAX_NUM_FORMS": "10",
                "credit_code": credit_code,
                "employer_name": "西宁虚构商贸有限公司",
                "employer_nature": "private_enterprise",
                "employer_division_0": "630000",
                "employer_division_1": "630100",
                "employer_division_2": "630102",
                "employer_address": "虚构大街 8 号",
                "department_post": "财务部 会计",
            },
            "education": {
                "level": "bachelor",
                "degree": "bachelor",
                "school": "虚构财经大学",
                "major": "会计学",
                "graduated_on": "2012-06-30",
                "certificate_number": "106001201205000123",
                "part_time-TOTAL_FORMS": "1",
                "part_time-INITIAL_FORMS": "0",
                "part_time-MIN_NUM_FORMS": "0",
                "part_time-MAX_NUM_FORMS": "5",
            },
            "qualification": {
                "qualification_level": "none",
                "accounting_post": "none",
                "abacus_level": "none",
            },
        }

    def save_section(self, section: str, data: dict[str, Any]) -> dict[str, Any]:
        answer = expect(
            self.call(
                "save wizard section",
                "PUT",
                f"{API}/me/submission/sections/{section}",
                json={"version": self.version, "data": data},
                headers=self.auth,
            ),
            200,
        ).json()
        if not answer.get("complete"):
            raise Failed(f"section {section} not complete: {answer.get('errors')}")
        self.version = answer["version"]
        return answer

    def status(self) -> dict[str, Any]:
        answer = expect(
            self.call("my submission", "GET", f"{API}/me/submission", headers=self.auth), 200
        ).json()
        self.version = answer["version"]
        return answer

    def photos_and_form(self) -> list[str]:
        """The portrait, the form printed (PDF) and signed, each attachment still missing; the uuids stored."""
        stored: list[str] = []
        expect(
            self.call(
                "upload photo",
                "POST",
                f"{API}/me/submission/portrait",
                files={"portrait": ("portrait.jpg", photo("portrait"), "image/jpeg")},
                headers=self.auth,
            ),
            200,
        )
        expect(
            self.call(
                "basic info form PDF", "GET", f"{API}/me/submission/basic-info-form.pdf", headers=self.auth
            ),
            200,
        )
        listing = expect(
            self.call("attachment list", "GET", f"{API}/me/submission/attachments", headers=self.auth), 200
        ).json()
        given = {item["slot"] for item in listing["files"]}
        for requirement in listing["required"]:
            if requirement["slot"] in given:
                continue
            answer = expect(
                self.call(
                    "upload photo",
                    "POST",
                    f"{API}/me/submission/attachments/{requirement['slot']}",
                    files={"files": (f"{requirement['slot']}.jpg", photo("scan"), "image/jpeg")},
                    headers=self.auth,
                ),
                201,
            ).json()
            stored += [item["uuid"] for item in answer]
        return stored

    def submit(self) -> dict[str, Any]:
        self.status()
        return expect(
            self.call(
                "submit",
                "POST",
                f"{API}/me/submission/submit",
                json={"version": self.version, "commitment_accepted": True},
                headers=self.auth,
            ),
            200,
        ).json()


# --- a reviewer and another system -------------------------------------------------------------------------------


def totp_now(hex_key: str) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(hex_key), step=30, t0=0, digits=6):06d}"


class Reviewer:
    def __init__(self, call: Call, *, username: str, totp_key: str) -> None:
        self.call = call
        self.username = username
        self.totp_key = totp_key
        self.token = ""

    def sign_in(self) -> None:
        for _ in range(3):  # a code is good once per 30 s step: a second sign-in in the same step waits
            response = self.call(
                "staff sign-in (argon2id + TOTP)",
                "POST",
                f"{API}/staff/tokens",
                json={"username": self.username, "password": PASSWORD, "totp": totp_now(self.totp_key)},
            )
            if response.status_code == 200:
                self.token = response.json()["token"]
                return
            time.sleep(31 - time.time() % 30)
        expect(response, 200)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def queue(self) -> list[dict[str, Any]]:
        return expect(
            self.call(
                "review queue",
                "GET",
                f"{API}/staff/submissions",
                params={"status": "pending"},
                headers=self.auth,
            ),
            200,
        ).json()["items"]

    def decide(self, uuid: str) -> bool:
        """Approve one; False when another reviewer was first (409, which is not a failure)."""
        detail = self.call("review detail", "GET", f"{API}/staff/submissions/{uuid}", headers=self.auth)
        if detail.status_code == 404:
            return False
        detail = expect(detail, 200).json()
        if not detail.get("can_decide"):
            return False
        response = self.call(
            "decide (approve)",
            "POST",
            f"{API}/staff/submissions/{uuid}/decision",
            json={"version": detail["version"], "outcome": "approve", "reason": ""},
            headers=self.auth,
        )
        if response.status_code == 409:
            return False
        expect(response, 200)
        return True


def integration_lookup(call: Call, api_key: str, document_number: str) -> dict[str, Any]:
    return expect(
        call(
            "integration collection-status",
            "GET",
            f"{API}/integration/collection-status",
            params={"document_type": "resident_id", "document_number": document_number},
            headers={"X-Api-Key": api_key},
        ),
        200,
    ).json()


# --- setup: reviewers and a key in the shape's database ---------------------------------------------------------


def setup() -> dict[str, Any]:
    import secrets

    from django.contrib.auth.models import Group

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kuaiji.accounts.constants import AccountType, StaffRole
    from kuaiji.accounts.models import User
    from kuaiji.api.models import IntegrationKey
    from kuaiji.regions.demo import ensure_demo_departments

    departments = ensure_demo_departments()
    reviewers = []
    group = Group.objects.get_or_create(name=StaffRole.REVIEWER)[0]
    for number in range(1, REVIEWERS + 1):
        username = f"load-reviewer-{number}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                account_type=AccountType.STAFF,
                full_name=f"压测审核员{number}",
                department=departments["630000"],
            )
            user.set_password(PASSWORD)
            user.save()
        user.groups.add(group)
        key = secrets.token_hex(20)
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="load test", key=key, confirmed=True)
        reviewers.append({"username": username, "totp_key": key})
    _key, secret = IntegrationKey.issue(
        name="load test", scopes=["collection_status"], rate_limit_per_minute=1_000_000
    )
    data = {
        "reviewers": reviewers,
        "api_key": secret,
        "department_id": departments["630102"].pk,
    }
    path = STATE / "load.json"
    path.touch(mode=0o600)
    path.write_text(json.dumps(data), encoding="utf-8")
    return data


if __name__ == "__main__" and sys.argv[1:] == ["setup"]:
    made = setup()
    print(
        f"load setup: {len(made['reviewers'])} reviewers with TOTP, an integration key → {STATE / 'load.json'}"
    )

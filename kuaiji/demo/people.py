"""The demo's people: generated from a fixed seed, so the README can list them, and never real."""

import random
from dataclasses import dataclass
from datetime import date

from kuaiji.core.constants import Sex
from kuaiji.core.fakes import fake_resident_id

DEMO_PASSWORD = "Kuaiji2026demo"
STAFF_PASSWORD = "Kuaiji-staff-2026"


@dataclass(frozen=True)
class DemoPerson:
    full_name: str
    document_number: str
    mobile: str


def _person(seed: int, name: str, region: str, born: date, sex: Sex, mobile: str) -> DemoPerson:
    return DemoPerson(
        name, fake_resident_id(rng=random.Random(seed), region_code=region, birth_date=born, sex=sex), mobile
    )


# Mobile numbers in the 170 segment below are made up for the demo; the outbox backend sends nothing.
APPLICANTS = [
    _person(1, "林晓芸", "630104", date(1990, 3, 14), Sex.FEMALE, "17000000001"),
    _person(2, "马海军", "630121", date(1985, 11, 2), Sex.MALE, "17000000002"),
    _person(3, "才让卓玛", "632801", date(1993, 7, 28), Sex.FEMALE, "17000000003"),
    _person(4, "阿依古丽·买买提", "630102", date(1988, 1, 9), Sex.FEMALE, "17000000004"),
]

LEGACY_HOLDERS = [
    _person(11, "赵文彬", "630103", date(1975, 5, 20), Sex.MALE, ""),
    _person(12, "韩淑珍", "632802", date(1979, 9, 30), Sex.FEMALE, ""),
]


# TOTP secrets of the demo's staff (hex for django-otp; the README lists them in base32 for
# authenticator apps and `oathtool --totp -b`). Demo only: real staff bind their own device.
STAFF_TOTP_KEYS = {
    "admin": "4b7561696a6944656d6f41646d696e3230323621",
    "qh_reviewer": "4b7561696a6944656d6f51696e67686169303236",
    "xn_reviewer": "4b7561696a6944656d6f58696e696e6732303236",
    "qh_admin": "4b7561696a6944656d6f41646d696e5169443236",
    "qh_auditor": "4b7561696a6944656d6f41756469746f72323621",
    "qh_support": "4b7561696a6944656d6f537570706f7274323032",
}

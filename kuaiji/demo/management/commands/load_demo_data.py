import hashlib
import io

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from django_otp.plugins.otp_totp.models import TOTPDevice

from kuaiji.accounts.constants import AccountType, StaffRole
from kuaiji.accounts.models import User
from kuaiji.accounts.services import ensure_role_groups, ensure_staff_member
from kuaiji.announcements.models import Announcement
from kuaiji.announcements.services import publish_announcement
from kuaiji.core.constants import DocumentType
from kuaiji.demo.collection import ensure_demo_submissions
from kuaiji.demo.people import APPLICANTS, DEMO_PASSWORD, LEGACY_HOLDERS, STAFF_PASSWORD, STAFF_TOTP_KEYS
from kuaiji.imports.models import ImportBatch
from kuaiji.imports.services import import_register_now
from kuaiji.regions.demo import ensure_demo_departments
from kuaiji.review.models import ReasonTemplate

DEMO_NOTICE_TITLE = "关于开展2027年度会计人员信息采集工作的通知（演示）"
DEMO_NOTICE_BODY = """各会计人员：
请于 2027 年 3 月 31 日前登录本平台完成会计人员信息采集（首次登记或信息变更）。
提交后可在“信息登记”页面随时查看审核进度；审核截止日期为提交后 10 个工作日。
如有疑问，请查看页面底部的咨询电话。本通知为演示数据。"""

DEMO_REASONS = [
    ("return", "证件照片不清晰，请重新拍摄上传"),
    ("return", "学历证书与填写的学历信息不一致，请核对"),
    ("return", "个人基本信息表未签字（或未加盖单位公章）"),
    ("refuse", "提供的信息与事实不符"),
]


class Command(BaseCommand):
    help = "Load the demo data (departments of 青海省, staff, applicants, legacy holders). Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        departments = ensure_demo_departments()
        ensure_role_groups()
        ensure_staff_member(
            username="admin",
            full_name="平台管理员",
            department=departments["630000"],
            roles=[StaffRole.PLATFORM_ADMIN],
            password=STAFF_PASSWORD,
            is_platform_admin=True,
        )
        ensure_staff_member(
            username="qh_reviewer",
            full_name="省厅审核员",
            department=departments["630000"],
            roles=[StaffRole.REVIEWER],
            password=STAFF_PASSWORD,
        )
        ensure_staff_member(
            username="qh_admin",
            full_name="省厅部门管理员",
            department=departments["630000"],
            roles=[StaffRole.DEPARTMENT_ADMIN, StaffRole.REVIEWER],
            password=STAFF_PASSWORD,
        )
        ensure_staff_member(
            username="qh_auditor",
            full_name="省厅审计员",
            department=departments["630000"],
            roles=[StaffRole.AUDITOR],
            password=STAFF_PASSWORD,
        )
        ensure_staff_member(
            username="qh_support",
            full_name="省厅客服人员",
            department=departments["630000"],
            roles=[StaffRole.SUPPORT],
            password=STAFF_PASSWORD,
        )
        ensure_staff_member(
            username="xn_reviewer",
            full_name="西宁市审核员",
            department=departments["630100"],
            roles=[StaffRole.REVIEWER],
            password=STAFF_PASSWORD,
        )
        for username, key in STAFF_TOTP_KEYS.items():
            staff = User.objects.get(username=username)
            TOTPDevice.objects.get_or_create(
                user=staff, name="demo", defaults={"key": key, "confirmed": True}
            )
        created = 0
        applicants = {}
        for person in APPLICANTS:
            existing = User.objects.filter(
                document_type=DocumentType.RESIDENT_ID, document_number=person.document_number
            ).first()
            if existing is not None:
                applicants[person.full_name] = existing
                continue
            user = User(
                account_type=AccountType.APPLICANT,
                document_type=DocumentType.RESIDENT_ID,
                document_number=person.document_number,
                full_name=person.full_name,
                mobile=person.mobile,
                mobile_verified_at=timezone.now(),
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            applicants[person.full_name] = user
            created += 1
        ensure_demo_submissions(
            applicants=applicants, departments=departments, reviewer=User.objects.get(username="qh_reviewer")
        )
        if "阿依古丽·买买提" in applicants:
            from kuaiji.demo.credit import ensure_demo_credit

            ensure_demo_credit(
                person=applicants["阿依古丽·买买提"],
                recorder=User.objects.get(username="xn_reviewer"),
                checker=User.objects.get(username="qh_reviewer"),
            )
        if not Announcement.objects.filter(title=DEMO_NOTICE_TITLE).exists():
            publish_announcement(
                staff=User.objects.get(username="qh_admin"),
                title=DEMO_NOTICE_TITLE,
                body=DEMO_NOTICE_BODY,
                department=departments["630000"],
                publish_at=timezone.now(),
                expire_at=None,
            )
        for position, (outcome, text) in enumerate(DEMO_REASONS):
            ReasonTemplate.objects.get_or_create(outcome=outcome, text=text, defaults={"position": position})
        register = "姓名,身份证号码,会计从业资格证书编号\n" + "".join(
            f"{p.full_name},{p.document_number},6301{index:08d}\n" for index, p in enumerate(LEGACY_HOLDERS)
        )
        if not ImportBatch.objects.filter(sha256=hashlib.sha256(register.encode()).hexdigest()).exists():
            import_register_now(handle=io.BytesIO(register.encode()), name="demo-原会计从业资格证书名册.csv")
        self.stdout.write(f"Demo data ready: {len(departments)} departments, {created} new applicants.")

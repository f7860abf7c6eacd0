"""Every action the audit log records, one name each. The stored values are the dotted strings the log has
always held (``submission.approved``), so the search by prefix and old events keep working."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    # Accounts
    ACCOUNT_REGISTERED = "account.registered", _("注册账号")
    ACCOUNT_PASSWORD_RESET = "account.password_reset", _("重置密码")
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", _("修改密码")
    ACCOUNT_LEGACY_ACTIVATED = "account.legacy_activated", _("激活原有账号")
    LEGACY_IMPORTED = "legacy.imported", _("导入原有持证人员")
    LEGACY_IMPORT_UPLOADED = "legacy.import_uploaded", _("上传原有人员名单")
    LEGACY_IMPORT_CHECKED = "legacy.import_checked", _("检查原有人员名单")
    LEGACY_IMPORT_STARTED = "legacy.import_started", _("开始导入原有人员")
    LEGACY_IMPORT_REPORT_DOWNLOADED = "legacy.import_report_downloaded", _("下载导入问题行")
    LEGACY_IMPORT_VIEWED = "legacy.import_viewed", _("查看导入批次")
    # Appeals
    APPEAL_FILED = "appeal.filed", _("提交申诉")
    APPEAL_GRANTED = "appeal.granted", _("申诉通过")
    APPEAL_REFUSED = "appeal.refused", _("申诉未通过")
    # Submissions (the workflow table in kuaiji.collection.workflow names these)
    SUBMISSION_STARTED = "submission.started", _("开始填报")
    SUBMISSION_CHANGE_STARTED = "submission.change_started", _("开始信息变更")
    SUBMISSION_TRANSFER_STARTED = "submission.transfer_started", _("开始调转")
    SUBMISSION_SUBMITTED = "submission.submitted", _("提交审核")
    SUBMISSION_RESUBMITTED = "submission.resubmitted", _("修改后重新提交")
    SUBMISSION_WITHDRAWN = "submission.withdrawn", _("撤回")
    SUBMISSION_APPROVED = "submission.approved", _("审核通过")
    SUBMISSION_RETURNED = "submission.returned", _("退回修改")
    SUBMISSION_REFUSED = "submission.refused", _("审核未通过")
    # Staff sessions and accounts
    STAFF_SIGNED_IN = "staff.signed_in", _("工作人员登录")
    STAFF_SIGNED_OUT = "staff.signed_out", _("工作人员退出")
    STAFF_SECOND_FACTOR_FAILED = "staff.second_factor_failed", _("动态验证码错误")
    STAFF_TOTP_RESET = "staff.totp_reset", _("重置动态验证码")
    STAFF_CREATED = "staff.created", _("新增工作人员")
    STAFF_DEACTIVATED = "staff.deactivated", _("停用工作人员")
    STAFF_ROLES_CHANGED = "staff.roles_changed", _("调整工作人员角色")
    # Staff reads of personal data
    STAFF_VIEWED_QUEUE = "staff.viewed_queue", _("查看审核队列")
    STAFF_VIEWED_SUBMISSION = "staff.viewed_submission", _("查看记录")
    STAFF_VIEWED_ATTACHMENT = "staff.viewed_attachment", _("查看附件")
    STAFF_VIEWED_APPEAL = "staff.viewed_appeal", _("查看申诉")
    STAFF_VIEWED_APPEAL_PHOTO = "staff.viewed_appeal_photo", _("查看申诉照片")
    STAFF_VIEWED_ARCHIVE_RECORD = "staff.viewed_archive_record", _("查看档案")
    STAFF_VIEWED_ARCHIVE_VERSION = "staff.viewed_archive_version", _("查看档案版本")
    STAFF_VIEWED_ARCHIVE_ATTACHMENT = "staff.viewed_archive_attachment", _("查看档案附件")
    STAFF_COMPARED_ARCHIVE_VERSIONS = "staff.compared_archive_versions", _("比较档案版本")
    STAFF_PRINTED_ARCHIVE_VERSION = "staff.printed_archive_version", _("打印档案版本")
    ARCHIVE_SEARCHED = "archive.searched", _("检索档案")
    ARCHIVE_EXPORTED = "archive.exported", _("导出档案")
    REVIEW_QUEUE_EXPORTED = "review.queue_exported", _("导出审核队列")
    EXPORT_REQUESTED = "export.requested", _("申请后台导出")
    EXPORT_COMPLETED = "export.completed", _("后台导出完成")
    EXPORT_DOWNLOADED = "export.downloaded", _("下载导出文件")
    REVIEW_OVERDUE_REPORTED = "review.overdue_reported", _("查看超期统计")
    DEPARTMENT_CONTACTS_UPDATED = "department.contacts_updated", _("修改部门联系方式")
    # The audit log itself
    AUDIT_SEARCHED = "audit.searched", _("检索审计日志")
    AUDIT_PRUNED = "audit.pruned", _("清理过期审计日志")
    # Integration (API keys)
    INTEGRATION_KEY_ISSUED = "integration_key.issued", _("签发接口密钥")
    INTEGRATION_KEY_REVOKED = "integration_key.revoked", _("吊销接口密钥")
    INTEGRATION_COLLECTION_STATUS = "integration.collection_status", _("接口查询采集状态")

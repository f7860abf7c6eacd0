"""Migrations that were part of a release before the migration linter guarded new ones.

Every migration not listed here must be safe to apply while the previous version still serves
(`kuaiji/core/tests/test_migrations_are_safe.py`, django-migration-linter on PostgreSQL): no NOT NULL column
without a database default (`db_default`), no column or table dropped or renamed that the old code still
reads. Such a change is made in two releases (stop using it, then drop it). Do not add to this list.
"""

RELEASED = {
    "accounts": [
        "0001_initial",
        "0002_notification",
        "0003_accountappeal_decided_by_accountappeal_department",
    ],
    "api": ["0001_initial"],
    "archive": [
        "0001_initial",
        "0002_archiverecord_uuid",
        "0003_fill_archiverecord_uuid",
        "0004_archiverecord_uuid_unique",
        "0005_archive_updated",
    ],
    "audit": ["0001_initial", "0002_alter_auditevent_action"],
    "work_calendar": ["0001_initial", "0002_seed_special_days"],
    "collection": [
        "0001_initial",
        "0002_first_notice",
        "0003_submission_releasing_department",
        "0004_submission_pending_order",
        "0005_revision_identity",
        "0006_signed_form_fingerprint",
    ],
    "regions": ["0001_initial", "0002_placeholder_and_source", "0003_load_divisions"],
    "review": ["0001_initial"],
}
OUR_APPS = ["accounts", "api", "archive", "audit", "work_calendar", "collection", "core", "regions", "review"]

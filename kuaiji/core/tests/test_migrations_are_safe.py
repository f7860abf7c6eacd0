"""A migration added after the first release must be safe to apply while the previous version serves
(rolling deploys: the new schema first, then the new code). django-migration-linter reads the SQL each
migration makes on PostgreSQL — the production database — and refuses a NOT NULL column without a
database default, a dropped or renamed column or table, and the like."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

import pytest

from kuaiji.core.released_migrations import OUR_APPS, RELEASED

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL checked is PostgreSQL's (the PostgreSQL run checks it)"
)


def _new_migrations() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(
        name for app, name in loader.disk_migrations if app in OUR_APPS and name not in RELEASED.get(app, [])
    )


def test_every_released_migration_exists():
    """The list names real migrations, so a typo cannot exempt a new one."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for app, names in RELEASED.items():
        for name in names:
            assert (app, name) in loader.disk_migrations, (app, name)


@pytest.mark.django_db
def test_new_migrations_are_safe_while_the_previous_version_serves():
    new = _new_migrations()
    assert new, "nothing to check: every migration is listed as released"
    try:
        call_command(
            "lintmigrations",
            include_apps=OUR_APPS,
            include_name=new,
            no_cache=True,
            quiet=["ok", "ignore"],
            verbosity=0,
        )
    except SystemExit as exit_status:
        pytest.fail(
            f"a migration is not safe during a rolling deploy (see the linter's output above): {exit_status}"
        )

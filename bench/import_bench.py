"""Importing an old register against PostgreSQL's own COPY of the same rows, on PostgreSQL only.

Generates ``KUAIJI_BENCH_IMPORT_ROWS`` (default 1,000,000) register lines — valid resident ID numbers,
made-up names, certificate numbers, phones — as a CSV, then in a database of its own
(``kuaiji_bench_import``, dropped at the end):

- the baseline: ``COPY`` of the same lines (name, number, certificate, phone) into a plain table with no
  index, through psycopg, as fast as the database takes rows;
- the import as the command runs it (``imports.services.import_register_now``): read, check every line
  with the validators against the file and the database, write one ImportRow per line, then import the
  valid ones into LegacyHolder.

Prints rows per second of each, the import's share of COPY's speed, the seconds of the check and of the
import, and the process's peak RSS before and after (``ru_maxrss``; flat memory means the peak does not
grow with the row count).
"""

import io
import os
import random
import resource
import time

from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

ROWS = int(os.environ.get("KUAIJI_BENCH_IMPORT_ROWS", "1000000"))
DATABASE_NAME = "kuaiji_bench_import"


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _register(rows: int) -> bytes:
    from kuaiji.core.fakes import fake_mobile, fake_person_name, fake_resident_id

    rng = random.Random(5)
    lines = ["姓名,身份证号码,证书编号,联系电话"]
    seen: set[str] = set()
    while len(lines) <= rows:
        number = fake_resident_id(rng=rng, region_code=rng.choice(("630102", "630104", "632801", "630121")))
        if number in seen:
            continue
        seen.add(number)
        lines.append(f"{fake_person_name(rng=rng)},{number},QH{len(lines):09d},{fake_mobile(rng=rng)}")
    return ("\n".join(lines) + "\n").encode()


def _copy_baseline(register: bytes) -> float:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_copy (full_name text, document_number text, certificate text, mobile text)"
        )
        started = time.perf_counter()
        with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            for start in range(0, len(register), 1 << 20):
                copy.write(register[start : start + (1 << 20)])
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def _line_check_alone(register: bytes) -> float:
    """Seconds for ``rows.check_row`` (the registration validators) over every line, no database: what
    any import that checks each line with the project's own validators cannot go below."""
    from datetime import date

    from kuaiji.imports.reading import read_table
    from kuaiji.imports.rows import check_row

    table = read_table(io.BytesIO(register), name="bench-register.csv")
    mapping = {"full_name": 0, "document_number": 1, "certificate_number": 2, "mobile": 3}
    today = date.today()  # noqa: DTZ011 - a date to check birth dates against, as the check does
    started = time.perf_counter()
    for _, cells in table.rows:
        check_row(cells, mapping=mapping, headers=table.headers, today=today)
    return time.perf_counter() - started


def run() -> None:
    if connection.vendor != "postgresql":
        print("import: skipped: this benchmark compares with PostgreSQL's COPY (set DATABASE_URL)")
        return
    import logging

    from kuaiji.imports import services
    from kuaiji.imports.constants import BatchState

    logging.getLogger("kuaiji").setLevel(logging.WARNING)
    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = DATABASE_NAME
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        register = _register(ROWS)
        rss_before = _peak_rss_mb()
        copy_seconds = _copy_baseline(register)
        started = time.perf_counter()
        batch = services.upload_register(handle=io.BytesIO(register), name="bench-register.csv")
        services.confirm_mapping(batch, mapping=batch.column_mapping, enqueue=False)
        uploaded = time.perf_counter()
        batch = services.check_batch(batch.pk)
        checked = time.perf_counter()
        services.start_import(batch, enqueue=False)
        batch = services.import_batch(batch.pk)
        finished = time.perf_counter()
        assert batch.state == BatchState.DONE, batch.state
        seconds = finished - started
        print(
            f"[postgresql] import of {ROWS:,} register lines (CSV, {len(register) / 1e6:.0f} MB; "
            f"{batch.rows_imported:,} imported)"
        )
        print(
            f"  COPY into a plain table (baseline)   {ROWS / copy_seconds:>10,.0f} rows/s  {copy_seconds:6.1f} s"
        )
        print(
            f"  upload + check + import              {ROWS / seconds:>10,.0f} rows/s  {seconds:6.1f} s  "
            f"{copy_seconds / seconds:.3f} x COPY's speed"
        )
        print(
            f"    upload {uploaded - started:.1f} s, check {checked - uploaded:.1f} s, "
            f"import {finished - checked:.1f} s"
        )
        alone = _line_check_alone(register)
        print(
            f"  the line check alone (validators)    {ROWS / alone:>10,.0f} rows/s  {alone:6.1f} s  "
            f"{copy_seconds / alone:.3f} x COPY's speed: the ceiling of a checked import"
        )
        print(
            f"  peak RSS {rss_before:.0f} MB before, {_peak_rss_mb():.0f} MB after (the CSV itself is in memory)"
        )
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()

"""Exports and the statistics dashboard at a province's scale, on the database ``review_bench`` loaded.

- Exporting every archived person in the province's scope to XLSX and to CSV (``kuaiji.core.spreadsheets``
  fed by ``archive.exports.archive_export``, as the background export runs it), each in a child process
  of its own so its peak RSS is its own; against bare xlsxwriter writing the same columns read with a
  plain cursor, in the same run.
- Each dashboard query (``reporting.selectors``) for the county and the province: median and p95 of
  ``RUNS`` runs.
"""

import multiprocessing
import os
import resource
import statistics
import tempfile
import time

from django.db import connection

RUNS = int(os.environ.get("KUAIJI_BENCH_DASHBOARD_RUNS", "5"))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export(staff_pk: int, export_format: str, queue) -> None:
    from kuaiji.accounts.models import User
    from kuaiji.archive.exports import archive_export
    from kuaiji.core import spreadsheets

    connection.close()  # the child's own connection
    staff = User.objects.get(pk=staff_pk)
    before = _peak_rss_mb()
    started = time.perf_counter()
    found = archive_export(staff=staff, params={}, full_numbers=False)
    with tempfile.TemporaryFile() as spool:
        count = spreadsheets.write_rows(spool, header=found.header, rows=found.rows, format=export_format)
        size = spool.tell()
    queue.put((count, time.perf_counter() - started, before, _peak_rss_mb(), size))


def _bare_xlsx(staff_pk: int, queue) -> None:
    import xlsxwriter

    from kuaiji.accounts.models import User
    from kuaiji.regions.scope import department_ids_in_scope

    connection.close()
    scope = department_ids_in_scope(User.objects.get(pk=staff_pk))
    before = _peak_rss_mb()
    started = time.perf_counter()
    count = 0
    with tempfile.TemporaryFile() as spool, connection.cursor() as cursor:
        workbook = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False})
        sheet = workbook.add_worksheet()
        cursor.execute(
            "SELECT r.full_name, r.document_number, d.name, r.employer_name, r.credit_code, r.qualification_level,"
            " r.education_level, r.updated_at::text FROM archive_archiverecord r JOIN regions_department d"
            " ON d.id = r.department_id WHERE r.department_id = ANY(%s)",
            [scope],
        )
        while rows := cursor.fetchmany(2000):
            for row in rows:
                sheet.write_row(count, 0, row)
                count += 1
        workbook.close()
        size = spool.tell()
    queue.put((count, time.perf_counter() - started, before, _peak_rss_mb(), size))


def _in_child(target, *args):
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    connection.close()  # never share the parent's connection with the child
    child = context.Process(target=target, args=(*args, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95 + 0.5) - 1)]


def run(*, province_staff, county_staff) -> None:
    bare = _in_child(_bare_xlsx, province_staff.pk)
    print(
        f"[postgresql] export, province scope: bare xlsxwriter (same columns, plain cursor)  "
        f"{bare[0] / bare[1]:>9,.0f} rows/s  {bare[1]:6.1f} s  peak RSS {bare[3]:.0f} MB"
    )
    for export_format in ("xlsx", "csv"):
        count, seconds, before, peak, size = _in_child(_export, province_staff.pk, export_format)
        print(
            f"[postgresql] export, province scope: {export_format:<4} {count:,} rows  {count / seconds:>9,.0f} rows/s "
            f"{seconds:6.1f} s  {bare[1] / seconds:.2f} x bare xlsxwriter's speed  peak RSS {before:.0f} → "
            f"{peak:.0f} MB  ({size / 1e6:.0f} MB file)"
        )
    from kuaiji.reporting import selectors
    from kuaiji.reporting.services import refresh_statistics

    # The worker's refresh of the summary tables (decision 0026), which the figures below then read.
    seconds = refresh_statistics().seconds
    print(f"[postgresql] dashboard: summary tables refreshed (the worker's task) in {seconds:.1f} s")
    for scope, staff in (("county", county_staff), ("province", province_staff)):
        for name, query in (
            ("personnel figures", selectors.personnel_figures),
            ("submissions per month", selectors.submission_months),
            ("review figures", selectors.review_figures),
        ):
            samples = []
            for _ in range(RUNS):
                started = time.perf_counter()
                query(staff)
                samples.append(time.perf_counter() - started)
            median, p95 = _stats(samples)
            print(
                f"[postgresql] dashboard, {scope:<8} {name:<22} median {median * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms"
            )

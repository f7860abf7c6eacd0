"""Run the locust load test at a few user counts and write the report (``deploy/load-test``).

For each step (``--users 10,20,40``, ``--seconds 60`` each) it runs locust headless against nginx and
measures, over the same minute: each request kind's count, failures, median / p95 / p99 and requests/s
(locust's CSV), the CPU seconds the app servers, the worker, PostgreSQL's backends of the shape's
database and locust itself used (``/proc``), and the shape database's commits and rows written
(``pg_stat_database``). Then the database and storage per person. The markdown goes to stdout and to
``$KUAIJI_SHAPE_DIR/load-report.md``.
"""

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from django.db import connection

import loadkit
from loadkit import NGINX, STATE

ROOT = Path(__file__).resolve().parent.parent
BARE = "bare /healthz/"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # utime, stime, cutime, cstime (children that ended count too)
        total += sum(int(value) for value in fields[11:15])
    return total / TICKS


def children_cpu() -> float:
    """CPU seconds of this process's finished children (the locust runs)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree(pidfile: Path) -> list[int]:
    from fault_drills import descendants

    if not pidfile.exists():
        return []
    master = int(pidfile.read_text())
    return [master, *descendants(master)]


def postgres_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def database_counters() -> tuple[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        commits, rows = cursor.fetchone()
    return int(commits), int(rows)


def run_step(users: int, seconds: int) -> dict:
    prefix = STATE / f"locust-{users}"
    groups = {name: tree(STATE / f"{name}.pid") for name in ("app-a", "app-b", "worker", "moto", "nginx")}
    backends = postgres_backends()
    before = {name: cpu_seconds(pids) for name, pids in groups.items()}
    before_db = cpu_seconds(backends)
    counters = database_counters()
    locust_before = children_cpu()
    started = time.monotonic()
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "deploy/locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(1, users // 5)),
            "-t",
            f"{seconds}s",
            "--host",
            NGINX,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}.log", "w"),  # noqa: SIM115
    )
    process.wait()
    elapsed = time.monotonic() - started
    locust_cpu = children_cpu() - locust_before
    after = {name: cpu_seconds(tree(STATE / f"{name}.pid")) for name in groups}
    backends_after = set(backends) | set(postgres_backends())
    db_cpu = cpu_seconds(list(backends_after)) - before_db
    commits, rows = database_counters()
    rows_stats = list(csv.DictReader(open(f"{prefix}_stats.csv", encoding="utf-8")))  # noqa: SIM115
    return {
        "users": users,
        "elapsed": elapsed,
        "stats": rows_stats,
        "cpu": {name: after[name] - before[name] for name in groups},
        "db_cpu": db_cpu,
        "locust_cpu": locust_cpu,
        "commits": commits - counters[0],
        "rows_written": rows - counters[1],
    }


def number(row: dict, key: str) -> float:
    value = row.get(key) or "0"
    return float(value) if value != "N/A" else 0.0


def table(step: dict) -> str:
    stats = [row for row in step["stats"] if row["Name"] != "Aggregated"]
    bare = next((row for row in stats if row["Name"] == BARE), None)
    bare_median = number(bare, "Median Response Time") if bare else 0
    lines = [
        f"#### {step['users']} applicant users (+2 reviewers, 1 integration, 1 bare), {step['elapsed']:.0f} s",
        "",
        "| request | count | failures | median ms | p95 ms | p99 ms | req/s | median × bare |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(stats, key=lambda r: (r["Name"] != BARE, r["Name"])):
        median = number(row, "Median Response Time")
        ratio = f"{median / bare_median:.1f}×" if bare_median else "—"
        lines.append(
            f"| {row['Type']} {row['Name']} | {int(number(row, 'Request Count'))} | "
            f"{int(number(row, 'Failure Count'))} | {median:.0f} | {number(row, '95%'):.0f} | "
            f"{number(row, '99%'):.0f} | {number(row, 'Requests/s'):.2f} | {ratio} |"
        )
    total = next(row for row in step["stats"] if row["Name"] == "Aggregated")
    requests_total = number(total, "Request Count")
    app_cpu = step["cpu"]["app-a"] + step["cpu"]["app-b"]
    lines += [
        "",
        f"All: {int(requests_total)} requests, {int(number(total, 'Failure Count'))} failures, "
        f"{number(total, 'Requests/s'):.1f} req/s, p95 {number(total, '95%'):.0f} ms.  "
        f"CPU seconds over the run: app servers {app_cpu:.1f} "
        f"({1000 * app_cpu / max(requests_total, 1):.1f} ms a request), worker {step['cpu']['worker']:.1f}, "
        f"moto_server (S3) {step['cpu']['moto']:.1f}, nginx {step['cpu']['nginx']:.1f}, "
        f"PostgreSQL backends of the shape {step['db_cpu']:.1f}, locust (the client, same cores) "
        f"{step['locust_cpu']:.1f}.  Database: {step['commits']} commits, {step['rows_written']} rows written.",
        "",
    ]
    return "\n".join(lines)


def per_person() -> str:
    from django.db.models import Sum

    from kuaiji.accounts.models import IdentityPhoto, User
    from kuaiji.collection.models import Attachment

    people = User.objects.filter(account_type="applicant").count()
    submitted = User.objects.filter(submissions__submitted_at__isnull=False).distinct().count()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = 'public'
              AND c.relname ~ '^(accounts_|collection_|archive_|audit_|review_|django_tasks|django_session|axes_|api_|captcha_)'
            ORDER BY 2 DESC
            """
        )
        sizes = cursor.fetchall()
    total = sum(size for _name, size in sizes)
    stored = (Attachment.objects.aggregate(s=Sum("size"))["s"] or 0) + (
        IdentityPhoto.objects.aggregate(s=Sum("size"))["s"] or 0
    )
    files = Attachment.objects.count() + IdentityPhoto.objects.count()
    top = ", ".join(f"{name} {size / 1024:.0f} KiB" for name, size in sizes[:6])
    return (
        f"Per person (measured in the shape's database after the runs: {people} applicants, {submitted} submitted): "
        f"tables and indexes of people's data {total / 1024 / 1024:.1f} MiB = {total / max(people, 1) / 1024:.1f} KiB "
        f"a person (largest: {top}); stored files {stored / 1024 / 1024:.1f} MiB in {files} files = "
        f"{stored / max(submitted, 1) / 1024:.0f} KiB a submitted person, {stored / max(files, 1) / 1024:.0f} KiB a file."
    )


def argon2_cost() -> str:
    """The password hasher's cost on this machine, now (the sign-in's floor)."""
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    hasher = get_hasher()
    encoded = make_password("Shape2026load")
    times = []
    for _ in range(7):
        started = time.perf_counter()
        check_password("Shape2026load", encoded)
        times.append(time.perf_counter() - started)
    params = getattr(hasher, "params", lambda: None)()
    return (
        f"Password hash ({hasher.algorithm}, {params}): a verify takes {1000 * sorted(times)[3]:.0f} ms "
        f"(median of 7, one core, measured after the runs)."
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="10,20,40")
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    if not (STATE / "load.json").exists():
        loadkit.setup()
    report = [
        f"### Load test, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores",
        "",
    ]
    for users in [int(part) for part in args.users.split(",")]:
        print(f"--- {users} users, {args.seconds} s", flush=True)
        step = run_step(users, args.seconds)
        text = table(step)
        print(text, flush=True)
        report.append(text)
    report.append(per_person())
    report.append("")
    report.append(argon2_cost())
    (STATE / "load-report.md").write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report[-3:]))
    print(f"\nreport: {STATE / 'load-report.md'}")


if __name__ == "__main__":
    main()

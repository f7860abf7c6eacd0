from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from kuaiji.core.consistency import PROBLEM_TITLES, consistency_problems, task_counts


class Command(BaseCommand):
    help = (
        "Check that the data is whole (kuaiji.core.consistency): files, decisions' audit events and archive "
        "versions, tasks. Exit status 1 and a report when something is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--orphan-grace",
            type=int,
            default=600,
            help="Seconds a stored file may exist without its row (an upload in progress; default 600).",
        )
        parser.add_argument(
            "--stale-after",
            type=int,
            default=600,
            help="Seconds after which a RUNNING or READY task counts as lost (default 600).",
        )
        parser.add_argument(
            "--tasks-since", default=None, help="Report failed tasks enqueued after this ISO time only."
        )

    def handle(self, *args, orphan_grace: int, stale_after: int, tasks_since: str | None, **options):
        since = parse_datetime(tasks_since) if tasks_since else None
        if tasks_since and since is None:
            raise CommandError(f"--tasks-since: not an ISO date and time: {tasks_since}")
        problems = consistency_problems(
            orphan_grace=timedelta(seconds=orphan_grace),
            stale_after=timedelta(seconds=stale_after),
            tasks_since=since,
        )
        counts = task_counts()
        self.stdout.write(
            "任务 / tasks: " + ", ".join(f"{status} {n}" for status, n in sorted(counts.items())) or "—"
        )
        if not problems:
            self.stdout.write(self.style.SUCCESS("数据一致 / consistent: no problem found"))
            return
        self.stdout.write(self.style.ERROR(f"发现 {len(problems)} 个问题 / {len(problems)} problem(s):"))
        for kind, (zh, en) in PROBLEM_TITLES.items():
            found = [problem for problem in problems if problem.kind == kind]
            if not found:
                continue
            self.stdout.write(f"  {zh} / {en}: {len(found)}")
            for problem in found[:20]:
                self.stdout.write(f"    - {problem.zh}")
                self.stdout.write(f"      {problem.en}")
            if len(found) > 20:
                self.stdout.write(f"    … 另有 {len(found) - 20} 个 / {len(found) - 20} more")
        raise SystemExit(1)

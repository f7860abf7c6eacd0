"""Import an old register (XLSX, XLS or CSV) from the terminal: the same upload, check and import as the
pages (kuaiji.imports.services), run in this process with the progress on the terminal."""

import sys
import time
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kuaiji.imports import selectors
from kuaiji.imports.mapping import FIELDS, FIELDS_BY_NAME, normalise_header
from kuaiji.imports.reading import read_table
from kuaiji.imports.services import import_register_now


class Command(BaseCommand):
    help = (
        "Import holders of the former accounting certificate from an old register (XLSX, XLS or CSV). "
        "Headers are matched by their usual names; --map FIELD=HEADER corrects one."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=HEADER",
            help=f"which column holds a field; fields: {', '.join(f.name for f in FIELDS)}",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every line, import nothing")
        parser.add_argument("--report", type=Path, help="write the refused lines to this XLSX file")

    def handle(self, *args, path: Path, map: list[str], dry_run: bool, report: Path | None, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        with open(path, "rb") as handle:
            try:
                headers = read_table(handle, name=path.name).headers
            except ValidationError as error:
                raise CommandError(error.messages[0]) from error
            mapping = self._mapping(headers, map)
            started = time.monotonic()
            try:
                batch = import_register_now(
                    handle=handle,
                    name=path.name,
                    mapping=mapping,
                    dry_run=dry_run,
                    progress=self._progress(started),
                )
            except ValidationError as error:
                raise CommandError("；".join(error.messages)) from error
        self.stdout.write("")
        summary = selectors.batch_summary(batch)
        self.stdout.write(f"{batch.file_name}: {summary.state_label}, {batch.rows_total} lines")
        for label, count in summary.outcomes:
            self.stdout.write(f"  {label}: {count}")
        for label, count in summary.reasons:
            self.stdout.write(f"    {label}: {count}")
        for row in selectors.problem_rows(batch)[:20]:
            self.stdout.write(f"  line {row.line} [{row.column}]: {row.reason or row.note}")
        if report is not None:
            report.write_bytes(selectors.problem_rows_xlsx(batch))
            self.stdout.write(f"refused lines written to {report}")

    def _mapping(self, headers: list[str], overrides: list[str]) -> dict[str, int] | None:
        if not overrides:
            return None
        from kuaiji.imports.mapping import guess_mapping

        mapping = guess_mapping(headers)
        normalised = [normalise_header(header) for header in headers]
        for item in overrides:
            field, _, header = item.partition("=")
            if field not in FIELDS_BY_NAME:
                raise CommandError(f"unknown field {field!r}; fields: {', '.join(FIELDS_BY_NAME)}")
            if normalise_header(header) not in normalised:
                raise CommandError(f"no column {header!r}; the columns are: {', '.join(headers)}")
            mapping = {name: index for name, index in mapping.items() if name != field}
            index = normalised.index(normalise_header(header))
            mapping = {name: column for name, column in mapping.items() if column != index}
            mapping[field] = index
        return mapping

    def _progress(self, started: float):
        def show(done: int) -> None:
            seconds = max(time.monotonic() - started, 1e-6)
            sys.stderr.write(f"\r  {done} lines, {done / seconds:,.0f} lines/s   ")
            sys.stderr.flush()

        return show

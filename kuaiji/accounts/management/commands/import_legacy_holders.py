import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kuaiji.accounts.services import import_legacy_holders

COLUMNS = ("姓名", "证件类型", "证件号码", "证书编号")


def read_rows(path: Path):
    """Yield (row number as the operator sees it, {column: value}) from a CSV or XLSX file."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, [])]
        for number, values in enumerate(rows, start=2):
            if any(value not in (None, "") for value in values):
                yield number, dict(zip(header, ["" if v is None else str(v) for v in values], strict=False))
    else:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                yield number, {key.strip(): (value or "") for key, value in row.items() if key}


class Command(BaseCommand):
    help = "Import holders of the former accounting certificate from an old register (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        rows = list(read_rows(path))
        if rows and not {"姓名", "证件号码"} <= set(rows[0][1]):
            raise CommandError(f"the first row must name the columns {', '.join(COLUMNS)}")
        report = import_legacy_holders(rows, source_file=path.name)
        assert report.errors is not None
        self.stdout.write(f"created {report.created}, updated {report.updated}, refused {len(report.errors)}")
        for number, reason in report.errors:
            self.stdout.write(f"  row {number}: {reason}")

"""Importing an old register: every kind of bad line reported with its reason, headers by synonym, GB18030,
re-imports that add nobody twice, an interrupted import resumed, the refused-rows workbook, the command.

People are generated (core.fakes); names include a character outside the BMP and a minority name with ·.
"""

import io
import random
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from kuaiji.accounts.models import LegacyHolder
from kuaiji.accounts.tests.factories import ApplicantFactory
from kuaiji.archive.models import ArchiveRecord
from kuaiji.audit.models import AuditEvent
from kuaiji.core.constants import Sex
from kuaiji.core.fakes import fake_resident_id
from kuaiji.imports import selectors, services
from kuaiji.imports.constants import BatchState, RowOutcome
from kuaiji.imports.models import ImportBatch, ImportRow
from kuaiji.imports.selectors import REASON_COLUMN
from kuaiji.imports.services import importing

rng = random.Random(2026)


def person_id(**kwargs) -> str:
    return fake_resident_id(rng=rng, **kwargs)


def csv_file(text: str, *, encoding: str = "utf-8-sig") -> io.BytesIO:
    return io.BytesIO(text.encode(encoding))


def outcome_of(batch: ImportBatch, line: int) -> ImportRow:
    return ImportRow.objects.get(batch=batch, line=line)


def to_full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if char.isascii() and char.isalnum() else char for char in text)


@pytest.mark.django_db
def test_every_kind_of_bad_line_is_reported_with_its_reason():
    registered = ApplicantFactory(full_name="韩立新")
    male = person_id(sex=Sex.MALE)
    good, rare, minority, dup = person_id(), person_id(), person_id(), person_id()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    lines = [
        "姓名,证件号码,证书编号,性别,联系电话",
        f"赵文彬,{good},63010000001,,13912345678",  # 2 valid
        f"钱多多,{bad_check},63010000002,,",  # 3 check digit
        f"孙红,{male},63010000003,女,",  # 4 sex contradicts the number
        "李四,6.30102E+17,63010000004,,",  # 5 Excel's scientific notation
        "周五,630102199001011000,63010000005,,",  # 6 15 digits then zeros
        f"吴  𪚥,{to_full_width(rare.lower())} ,63010000006,,",  # 7 full width, spaces, a rare character
        f'=HYPERLINK("x"),{person_id()},63010000007,,',  # 8 a formula
        f"王3,{person_id()},63010000008,,",  # 9 digits in a name
        f"阿依古丽·买买提,{minority},63010000009,女,12345",  # 10 minority name, bad phone dropped
        f"郑重,{dup},63010000010,,",  # 11
        f"郑重,{dup},63010000011,,",  # 12 duplicate of 11
        f"冯某,{registered.document_number},63010000012,,",  # 13 another name than the applicant's
    ]
    if _sex_of(minority) != Sex.FEMALE:
        lines[9] = lines[9].replace(",女,", ",,")
    batch = services.import_register_now(handle=csv_file("\n".join(lines) + "\n"), name="旧名册.csv")

    assert batch.state == BatchState.DONE
    assert outcome_of(batch, 2).outcome == RowOutcome.IMPORTED
    refused = {line: outcome_of(batch, line) for line in (3, 4, 5, 6, 8, 9)}
    assert all(row.outcome == RowOutcome.REFUSED for row in refused.values())
    assert "校验" in refused[3].reason and refused[3].column == "证件号码"
    assert "性别（女）" in refused[4].reason and refused[4].column == "性别"
    assert "Excel" in refused[5].reason and refused[5].reason_code == "excel_number"
    assert "Excel" in refused[6].reason
    assert "公式" in refused[8].reason and refused[8].column == "姓名"
    assert "数字" in refused[9].reason
    normalised = outcome_of(batch, 7)
    assert normalised.outcome == RowOutcome.IMPORTED, normalised.reason
    assert normalised.values["document_number"] == rare.upper()
    assert normalised.values["full_name"] == "吴𪚥"  # the padding dropped
    phone = outcome_of(batch, 10)
    assert phone.outcome == RowOutcome.IMPORTED and "12345" in phone.note and "mobile" not in phone.values
    assert outcome_of(batch, 11).outcome == RowOutcome.IMPORTED
    duplicate = outcome_of(batch, 12)
    assert duplicate.outcome == RowOutcome.DUPLICATE and "第 11 行" in duplicate.reason
    conflict = outcome_of(batch, 13)
    assert conflict.outcome == RowOutcome.CONFLICT and "韩立新" in conflict.reason

    assert LegacyHolder.objects.count() == 4
    holder = LegacyHolder.objects.get(document_number=good)
    assert (holder.source_file, holder.source_row, holder.mobile) == ("旧名册.csv", 2, "13912345678")
    assert batch.outcome_counts == {"imported": 4, "refused": 6, "duplicate": 1, "conflict": 1}
    assert (batch.reason_counts["excel_number"], batch.reason_counts["document_number"]) == (1, 2)
    summary = selectors.batch_summary(batch)
    assert ("已导入", 4) in summary.outcomes and summary.percent == 100
    event = AuditEvent.objects.get(action="legacy.imported")
    assert event.details["imported"] == 4 and event.details["sha256"] == batch.sha256


def _sex_of(number: str) -> str:
    return Sex.MALE if int(number[16]) % 2 else Sex.FEMALE


@pytest.mark.django_db
def test_other_headers_are_mapped_by_synonym_and_extra_columns_are_kept():
    number = person_id(sex=Sex.FEMALE)
    text = (
        "序号,持证人姓名,公民身份号码（18位）,证号,发证机关,手机号,单位名称,性别,备注\n"
        f"1,刘晓燕,{number},QH0001,青海省财政厅,13712345678,虚构会计师事务所,女,补发\n"
    )
    batch = services.upload_register(handle=csv_file(text), name="register.csv")
    assert batch.column_mapping == {
        "full_name": 1,
        "document_number": 2,
        "certificate_number": 3,
        "issuing_region": 4,
        "mobile": 5,
        "employer_name": 6,
        "sex": 7,
    }
    services.confirm_mapping(batch, mapping=batch.column_mapping, enqueue=False)
    services.check_batch(batch.pk)
    services.start_import(batch, enqueue=False)
    services.import_batch(batch.pk)
    holder = LegacyHolder.objects.get()
    assert (holder.full_name, holder.certificate_number, holder.issuing_region) == (
        "刘晓燕",
        "QH0001",
        "青海省财政厅",
    )
    assert (holder.employer_name, holder.sex, holder.mobile) == (
        "虚构会计师事务所",
        Sex.FEMALE,
        "13712345678",
    )
    assert ImportRow.objects.get().cells[8] == "补发"  # the unmapped 备注 is kept with the line

    # The operator corrects a mapping; the next file with the same headers proposes the correction.
    corrected = {name: index for name, index in batch.column_mapping.items() if name != "issuing_region"}
    second = services.upload_register(handle=csv_file(text), name="register-2.csv")
    services.confirm_mapping(second, mapping=corrected, enqueue=False)
    third = services.upload_register(handle=csv_file(text), name="register-3.csv")
    assert third.column_mapping == corrected


@pytest.mark.django_db
def test_a_gb18030_csv_is_read():
    number = person_id()
    text = f"姓名,身份证号\n欧阳𠀾,{number}\n"
    batch = services.import_register_now(handle=csv_file(text, encoding="gb18030"), name="windows.csv")
    assert batch.state == BatchState.DONE
    assert LegacyHolder.objects.get().full_name == "欧阳𠀾"


@pytest.mark.django_db
def test_an_xlsx_with_a_number_excel_stored_as_a_number():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号码", "证书编号"])
    sheet.append(["李雪梅", person_id(), "A-1"])
    sheet.append([None, None, None])
    sheet.append(["周安然", float(person_id()[:17] + "0"), 63010012])
    buffer = io.BytesIO()
    workbook.save(buffer)
    batch = services.import_register_now(handle=io.BytesIO(buffer.getvalue()), name="register.xlsx")
    assert outcome_of(batch, 2).outcome == RowOutcome.IMPORTED
    stored_as_number = outcome_of(batch, 4)  # line 3 is empty: skipped, still counted
    assert stored_as_number.outcome == RowOutcome.REFUSED
    assert "6.3" in stored_as_number.reason and "文本" in stored_as_number.reason


@pytest.mark.django_db
def test_importing_the_same_or_an_overlapping_file_adds_nobody_twice():
    first, second, third = person_id(), person_id(), person_id()
    original = f"姓名,证件号码\n甲一,{first}\n乙二,{second}\n"
    services.import_register_now(handle=csv_file(original), name="a.csv")
    again = services.import_register_now(handle=csv_file(original), name="a.csv")
    assert again.outcome_counts == {"unchanged": 2}
    overlapping = services.import_register_now(
        handle=csv_file(f"姓名,证件号码\n乙二,{second}\n丙三,{third}\n丁四,{first}\n"), name="b.csv"
    )
    assert LegacyHolder.objects.count() == 3
    assert outcome_of(overlapping, 2).outcome == RowOutcome.UNCHANGED
    assert outcome_of(overlapping, 3).outcome == RowOutcome.IMPORTED
    changed_name = outcome_of(overlapping, 4)
    assert changed_name.outcome == RowOutcome.CONFLICT and "甲一" in changed_name.reason
    assert LegacyHolder.objects.get(document_number=first).full_name == "甲一"  # never overwritten


@pytest.mark.django_db
def test_a_conflict_with_the_archive_is_reported():
    from kuaiji.collection.tests.factories import SubmissionFactory

    approved = SubmissionFactory(approved=True)
    record = ArchiveRecord.objects.get(document_number=approved.applicant.document_number)
    ArchiveRecord.objects.filter(pk=record.pk).update(full_name="档案名")
    text = f"姓名,证件号码\n{approved.applicant.full_name},{record.document_number}\n"
    batch = services.import_register_now(handle=csv_file(text), name="c.csv", dry_run=True)
    row = outcome_of(batch, 2)
    assert row.outcome == RowOutcome.CONFLICT and "档案名" in row.reason
    assert batch.state == BatchState.CHECKED and not LegacyHolder.objects.exists()


@pytest.mark.django_db
def test_an_import_stopped_midway_is_resumed_without_duplicates(monkeypatch):
    numbers = [person_id() for _ in range(7)]
    text = "姓名,证件号码\n" + "".join(f"人员{chr(0x4E00 + i)},{n}\n" for i, n in enumerate(numbers))
    batch = services.upload_register(handle=csv_file(text), name="big.csv")
    services.confirm_mapping(batch, mapping=batch.column_mapping, enqueue=False)
    services.check_batch(batch.pk)
    services.start_import(ImportBatch.objects.get(pk=batch.pk), enqueue=False)

    calls = {"n": 0}
    real_insert = importing._insert_and_link  # the people of a chunk, whatever the database

    def dies_on_the_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("the database went away")
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(importing, "_insert_and_link", dies_on_the_second_chunk)
    with pytest.raises(ConnectionError):
        services.import_batch(batch.pk, chunk_rows=3)
    monkeypatch.undo()

    batch.refresh_from_db()
    assert batch.state == BatchState.IMPORTING and batch.rows_imported == 3  # the first chunk committed
    assert LegacyHolder.objects.count() == 3
    with pytest.raises(services.ImportStateError):
        services.start_import(batch)  # still "running": not stalled yet
    ImportBatch.objects.filter(pk=batch.pk).update(progress_at=timezone.now() - timedelta(minutes=5))
    assert selectors.batch_summary(ImportBatch.objects.get(pk=batch.pk)).stalled
    services.start_import(ImportBatch.objects.get(pk=batch.pk), enqueue=False)
    done = services.import_batch(batch.pk, chunk_rows=3)
    assert done.state == BatchState.DONE and done.rows_imported == 7
    assert LegacyHolder.objects.count() == 7
    assert ImportRow.objects.filter(batch=batch, outcome=RowOutcome.IMPORTED).count() == 7


@pytest.mark.django_db
def test_the_check_and_the_import_run_on_the_worker(django_capture_on_commit_callbacks):
    text = f"姓名,证件号码\n甲一,{person_id()}\n"
    batch = services.upload_register(handle=csv_file(text), name="w.csv")
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_mapping(batch, mapping=batch.column_mapping)
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED and batch.rows_to_import == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.start_import(batch)
    batch.refresh_from_db()
    assert batch.state == BatchState.DONE and LegacyHolder.objects.count() == 1


@pytest.mark.django_db
def test_the_refused_rows_workbook_keeps_the_cells_as_text_with_the_reason():
    good = person_id()
    text = f"姓名,证件号码,证书编号\n好人,{good},001\n坏人,6.30102E+17,002\n"
    batch = services.import_register_now(handle=csv_file(text), name="r.csv")
    content = selectors.problem_rows_xlsx(batch)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["姓名", "证件号码", "证书编号", REASON_COLUMN, "原行号"]
    assert rows[1][:3] == ["坏人", "6.30102E+17", "002"]  # "002" stays text
    assert rows[1][3].startswith("证件号码：") and "Excel" in rows[1][3]
    assert rows[1][4] == 3
    assert len(rows) == 2


@pytest.mark.django_db
def test_a_file_that_is_not_a_register_is_refused_and_nothing_is_kept():
    with pytest.raises(services.ValidationError) as refused:
        services.upload_register(handle=io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), name="photo.xlsx")
    assert "无法读取" in refused.value.messages[0]
    with pytest.raises(services.ValidationError):
        services.upload_register(handle=io.BytesIO(b"a,b"), name="notes.docx")
    assert not ImportBatch.objects.exists()


@pytest.mark.django_db
def test_the_command_checks_and_imports_with_a_corrected_mapping(tmp_path, capsys):
    number = person_id()
    path = tmp_path / "qinghai-2016.csv"
    path.write_text(
        f"名字,号码,证书编号\n赵文彬,{number},63010000001\n钱多多,110105194912310021,x\n", encoding="utf-8"
    )
    call_command("import_legacy_holders", str(path), "--map", "document_number=号码", "--dry-run")
    out = capsys.readouterr().out
    assert "已检查，待导入" in out and "line 3 [号码]" in out
    assert not LegacyHolder.objects.exists()

    report = tmp_path / "refused.xlsx"
    call_command("import_legacy_holders", str(path), "--map", "document_number=号码", "--report", str(report))
    out = capsys.readouterr().out
    assert "已导入: 1" in out and "不予导入: 1" in out
    assert LegacyHolder.objects.get().document_number == number
    assert report.exists()


def test_a_number_taken_between_the_check_and_the_import_is_a_conflict_never_overwritten(db):
    """Lines 2–4: one whose number another import took under another name meanwhile (a conflict naming
    that name), one taken under the same name (linked to that person), one nobody took (imported)."""
    taken, same, free = (person_id() for _ in range(3))
    text = f"姓名,证件号码\n王甲,{taken}\n李乙,{same}\n赵丙,{free}\n"
    batch = services.upload_register(handle=csv_file(text), name="late.csv")
    services.confirm_mapping(batch, mapping=batch.column_mapping, enqueue=False)
    services.check_batch(batch.pk)
    other = LegacyHolder.objects.create(
        document_number=taken, full_name="王𪚥", source_file="other.csv", source_row=9
    )
    earlier = LegacyHolder.objects.create(
        document_number=same, full_name="李乙", source_file="other.csv", source_row=10
    )
    services.start_import(ImportBatch.objects.get(pk=batch.pk), enqueue=False)

    done = services.import_batch(batch.pk)

    assert done.state == BatchState.DONE and done.rows_imported == 2
    conflict = outcome_of(batch, 2)
    assert conflict.outcome == RowOutcome.CONFLICT and "王𪚥" in conflict.reason
    assert conflict.column == "姓名" and conflict.holder is None
    other.refresh_from_db()
    assert other.full_name == "王𪚥" and other.source_file == "other.csv"  # never overwritten
    assert outcome_of(batch, 3).holder == earlier and outcome_of(batch, 3).outcome == RowOutcome.IMPORTED
    imported = outcome_of(batch, 4)
    assert imported.outcome == RowOutcome.IMPORTED and imported.holder.full_name == "赵丙"
    assert imported.holder.source_file == "late.csv" and imported.holder.source_row == 4
    assert LegacyHolder.objects.count() == 3

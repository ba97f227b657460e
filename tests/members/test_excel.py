from datetime import date
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from members import excel
from members.factories import make_id_number
from members.models import Member


def _row(world, n, **changes):
    row = {"姓名": f"导入{n}", "性别": "女", "民族": "汉族",
           "身份证号": make_id_number(5000 + n, date(1955, 3, 8)), "出生日期": "",
           "联系电话": "13700000000", "学历": "高中/中专", "居住地址": "光明路", "入党时间": "1980-07-01",
           "转正时间": "1981-07-01", "党员类型": "正式党员", "党员类别": "离退休党员", "工作单位": "",
           "所在支部": world.branch.name, "党小组": world.group.name, "网格": world.grid.name}
    row.update(changes)
    return [row[header] for header in excel.HEADERS]


def _xlsx(rows, headers=excel.HEADERS):
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(content, name="roster.xlsx"):
    return SimpleUploadedFile(name, content)


def test_template_has_the_chinese_headers(world, client_as):
    response = client_as(world.users["staff"]).get("/members/import/template.xlsx")
    sheet = load_workbook(BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == excel.HEADERS


def test_preview_reports_every_bad_row_and_writes_nothing(world):
    rows = [_row(world, 1), _row(world, 2, 身份证号="123"), _row(world, 3, 入党时间="1950-01-01"),
            _row(world, 4, 所在支部="不存在的支部"), _row(world, 5, 身份证号=make_id_number(6000, date(1955, 3, 8))[:17] + "Y"),
            _row(world, 6, 党员类别="退休")]
    result = excel.preview(_upload(_xlsx(rows)), world.users["staff"])
    errors = {(row.number, header) for row in result.failed for header, _message in row.errors}
    assert errors == {(3, "身份证号"), (4, "入党时间"), (5, "所在支部"), (6, "身份证号"), (7, "党员类别")}
    assert not result.is_valid and len(result.new) == 1
    with pytest.raises(Exception):
        excel.import_rows(result)
    assert Member.objects.count() == 1


def test_import_adds_new_and_updates_existing_by_id_number(world):
    # The world's member gets its dates from the factory's sequence: keep them, so that the only
    # change is the phone number whatever order the tests run in.
    existing = _row(world, 0, 身份证号=world.member.id_number, 姓名=world.member.name,
                    出生日期=world.member.birth_date.isoformat(), 联系电话="13611112222",
                    入党时间=world.member.joined_on.isoformat(),
                    转正时间=world.member.full_member_on.isoformat())
    result = excel.preview(_upload(_xlsx([existing, _row(world, 1), _row(world, 2)])),
                           world.users["secretary"])
    assert result.is_valid and len(result.new) == 2 and len(result.changed) == 1
    assert "联系电话" in result.changed[0].changed
    assert excel.import_rows(result) == (2, 1)
    world.member.refresh_from_db()
    assert world.member.phone == "13611112222" and Member.objects.count() == 3
    assert Member.objects.get(name="导入1").birth_date == date(1955, 3, 8)


def test_duplicate_rows_and_members_of_other_branches(world):
    from members.factories import MemberFactory

    outsider = MemberFactory(branch=world.other_branch)
    rows = [_row(world, 1), _row(world, 1), _row(world, 3, 身份证号=outsider.id_number)]
    result = excel.preview(_upload(_xlsx(rows)), world.users["secretary"])
    messages = [message for row in result.failed for _header, message in row.errors]
    assert any("第 2 行" in message for message in messages)
    assert any("其他支部" in message for message in messages)


@pytest.mark.parametrize("content, message", [
    (b"", "空的"),
    ("姓名,性别\n张三,男\n".encode("utf-8"), "不是 Excel"),
    (b"PK\x03\x04broken", "无法读取"),
])
def test_unusable_files_are_rejected(world, content, message):
    with pytest.raises(excel.ImportFileError, match=message):
        excel.read_rows(_upload(content))


def test_wrong_headers_and_empty_sheet(world):
    with pytest.raises(excel.ImportFileError, match="表头"):
        excel.read_rows(_upload(_xlsx([["张三"]], headers=["名字", "性别"])))
    with pytest.raises(excel.ImportFileError, match="没有党员数据"):
        excel.read_rows(_upload(_xlsx([])))


def test_too_large_file(world, monkeypatch):
    monkeypatch.setattr(excel, "IMPORT_MAX_BYTES", 100)
    with pytest.raises(excel.ImportFileError, match="20 MB"):
        excel.read_rows(_upload(_xlsx([_row(world, 1)])))


def test_upload_preview_failed_rows_fix_and_confirm(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.users["staff"])
    bad = _xlsx([_row(world, 1), _row(world, 2, 身份证号="12345")])
    response = client.post("/members/import/", {"file": _upload(bad)}, follow=True)
    page = response.content.decode()
    assert "有错误 1 行" in page and "身份证号应为18位" in page
    assert client.post("/members/import/confirm/").status_code == 302
    assert Member.objects.count() == 1
    failed = load_workbook(BytesIO(client.get("/members/import/failed.xlsx").content)).active
    header = [cell.value for cell in failed[1]]
    assert header[-2:] == ["错误说明", "原行号"]
    assert "身份证号应为18位" in failed.cell(row=2, column=len(header) - 1).value
    good = _xlsx([_row(world, 1), _row(world, 2)])
    response = client.post("/members/import/", {"file": _upload(good)}, follow=True)
    assert "检查通过" in response.content.decode()
    response = client.post("/members/import/confirm/", follow=True)
    assert "新增 2 名" in response.content.decode()
    assert Member.objects.count() == 3


def test_upload_form_shows_file_errors_next_to_the_field(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post("/members/import/", {"file": _upload(b"a,b\n1,2\n", "fake.xlsx")})
    assert "不是 Excel" in " ".join(response.context["form"].errors["file"])


def test_real_date_and_number_cells_and_row_numbers_after_blank_rows(world):
    good = _row(world, 1, 入党时间=date(1980, 7, 1), 转正时间=date(1981, 7, 1), 联系电话=13700000000)
    bad = _row(world, 2, 入党时间="七月")
    result = excel.preview(_upload(_xlsx([good, [None] * 16, bad])), world.users["staff"])
    assert result.rows[0].member.joined_on == date(1980, 7, 1)
    assert result.rows[0].member.phone == "13700000000"
    assert [(row.number, row.errors[0][0]) for row in result.failed] == [(4, "入党时间")]


# Export for import: full ID numbers, corrected in Excel and imported again.

def _community_roster(world):
    """Members of C1 as varied as real ones, beside a member of C2 and one who left."""
    from members.factories import MemberFactory
    from organizations.factories import BranchFactory
    from pairing.factories import UnitFactory

    own_unit = UnitFactory(street=world.street, name="兰新税务分局", communities=[world.community])
    other_unit = UnitFactory(street=world.street, name="袁庄医院",
                             communities=[world.other_community])
    second = BranchFactory(parent=world.community, name="兰新社区第二党支部")
    MemberFactory(branch=world.branch, group=world.group, grid=world.grid, name="钱在职",
                  category=Member.Category.EMPLOYED, employer_unit=own_unit,
                  employer_name="税务分局办公室", address="=HYPERLINK(\"http://x\")")
    MemberFactory(branch=world.branch, name="孙在职", category=Member.Category.EMPLOYED,
                  employer_unit=other_unit, education="")
    MemberFactory(branch=second, name="李预备", status=Member.Status.PROBATIONARY,
                  full_member_on=None, joined_on=date(2026, 1, 10), employer_name="个体")
    MemberFactory(branch=world.other_branch, name="袁庄党员")
    MemberFactory(branch=second, name="周已离开", left_on=date(2026, 2, 1),
                  leave_reason=Member.LeaveReason.DECEASED)


def _snapshot():
    return {member["id_number"]: member for member in Member.objects.values()}


def _export_for_import(client, query=""):
    response = client.post(f"/members/export/for-import/{query}")
    assert response.status_code == 200
    return response.content


def _import(client, content):
    client.post("/members/import/", {"file": _upload(content)})
    preview = client.get("/members/import/preview/").context["result"]
    return preview, client.post("/members/import/confirm/", follow=True).content.decode()


def test_export_for_import_has_the_import_columns_and_full_id_numbers(world, client_as):
    _community_roster(world)
    content = _export_for_import(client_as(world.users["staff"]))
    rows = list(load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == excel.HEADERS
    id_column = excel.HEADERS.index("身份证号")
    expected = Member.objects.active().filter(branch__parent=world.community)
    assert sorted(row[id_column] for row in rows[1:]) == sorted(
        expected.values_list("id_number", flat=True))
    assert len(rows) - 1 == 4  # the world's member and three more; not C2's, not who left


def test_an_unchanged_export_imports_without_errors_and_changes_nothing(
        world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _community_roster(world)
    client = client_as(world.users["staff"])
    before = _snapshot()
    preview, page = _import(client, _export_for_import(client))
    assert preview.is_valid and len(preview.unchanged) == 4
    assert not preview.new and not preview.changed
    assert "新增 0 名，更新 0 名" in page
    assert _snapshot() == before


def test_a_cell_edited_in_excel_updates_exactly_that_member(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _community_roster(world)
    client = client_as(world.users["staff"])
    book = load_workbook(BytesIO(_export_for_import(client)))
    sheet = book.active
    row = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "李预备")
    row[excel.HEADERS.index("联系电话")].value = "13812345678"
    buffer = BytesIO()
    book.save(buffer)
    before = _snapshot()
    preview, page = _import(client, buffer.getvalue())
    assert [(row.member.name, row.changed) for row in preview.changed] == [("李预备", ["联系电话"])]
    assert "新增 0 名，更新 1 名" in page
    after = _snapshot()
    changed = {id_number for id_number in before if after[id_number] != before[id_number]}
    edited = Member.objects.get(name="李预备")
    assert changed == {edited.id_number} and edited.phone == "13812345678"


def test_export_for_import_is_recorded_per_community(world, client_as):
    from auditlog.models import LogEntry

    _community_roster(world)
    _export_for_import(client_as(world.users["staff"]), "?category=employed&q=钱")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == world.users["staff"] and entry.remote_addr == "127.0.0.1"
    assert (entry.content_type.model, entry.object_pk) == ("node", str(world.community.pk))
    # The search text may be a name: the filters are kept without it.
    assert entry.additional_data == {"event": "export_id_numbers", "members": 1,
                                     "filters": {"category": "employed"}}
    client_as(world.users["staff"]).get("/members/export/")  # the masked export is not
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1


def test_export_for_import_holds_only_members_the_user_may_change(world, client_as):
    from organizations.factories import GrantFactory
    from organizations.scope import Role

    _community_roster(world)
    staff = world.users["staff"]
    # Staff of C1 who also reads the whole street: the roster shows C2, the full export not.
    GrantFactory(user=staff, node=world.street, role=Role.STREET_OFFICIAL)
    client = client_as(staff)
    names = [row[0] for row in load_workbook(BytesIO(_export_for_import(client)))
             .active.iter_rows(min_row=2, values_only=True)]
    assert "袁庄党员" not in names and len(names) == 4
    assert "袁庄党员" in client.get("/members/?q=袁庄").content.decode()
    secretary = client_as(world.users["secretary"])
    names = [row[0] for row in load_workbook(BytesIO(_export_for_import(secretary)))
             .active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["赵党员", "钱在职", "孙在职"])


def test_read_only_users_neither_get_nor_see_the_full_export(world, client_as):
    from auditlog.models import LogEntry

    _community_roster(world)
    official = client_as(world.users["official"])
    assert official.post("/members/export/for-import/").status_code == 404
    assert 'id="export-for-import"' not in official.get("/members/").content.decode()
    staff = client_as(world.users["staff"])
    assert 'id="export-for-import"' in staff.get("/members/").content.decode()
    assert staff.get("/members/export/for-import/").status_code == 405
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_exported_text_stays_text(world, client_as):
    """A value typed like a formula is exported as the text it is, never run by Excel."""
    _community_roster(world)
    sheet = load_workbook(BytesIO(client_as(world.users["staff"]).get(
        "/members/export/").content)).active
    cell = next(row[excel.HEADERS.index("居住地址")] for row in sheet.iter_rows(min_row=2)
                if row[0].value == "钱在职")
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"


def test_a_unit_named_in_the_file_is_linked_only_while_it_is_active(world):
    from django.utils import timezone

    from pairing.factories import UnitFactory

    UnitFactory(street=world.street, name="兰新税务分局", communities=[world.community])
    UnitFactory(street=world.street, name="已撤销的工厂", communities=[world.community],
                archived_at=timezone.now())
    rows = [_row(world, 1, 党员类别="在职党员", 工作单位="兰新税务分局"),
            _row(world, 2, 党员类别="在职党员", 工作单位="已撤销的工厂")]
    result = excel.preview(_upload(_xlsx(rows)), world.users["staff"])
    assert result.is_valid
    excel.import_rows(result)
    linked = Member.objects.get(name="导入1")
    assert linked.employer_unit.name == "兰新税务分局" and linked.employer_name == ""
    typed = Member.objects.get(name="导入2")
    assert typed.employer_unit is None and typed.employer_name == "已撤销的工厂"

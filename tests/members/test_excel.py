import zipfile
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
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


# Files as staff make them (issue 13 items 3–6, issue 14's round trip).

def _book_bytes(book):
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _patched(content, replacements, part="xl/worksheets/sheet1.xml"):
    """The workbook with raw text replaced in one part: what Excel writes where openpyxl
    would write something else (openpyxl writes every large int as 6.2…e+17)."""
    source, buffer = zipfile.ZipFile(BytesIO(content)), BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == part:
                text = data.decode()
                for old, new in replacements.items():
                    assert old in text
                    text = text.replace(old, new)
                data = text.encode()
            target.writestr(item, data)
    return buffer.getvalue()


def _numeric_id(n, born=date(1956, 3, 18)):
    """An ID number that a General cell can hold: no X, and more than 15 significant digits."""
    while True:
        id_number = make_id_number(n, born)
        if id_number[-1] != "X" and id_number[-1] != "0":
            return id_number
        n += 1


def _id_errors(result):
    return [message for row in result.rows for header, message in row.errors
            if header == "身份证号"]


def test_an_18_digit_id_in_a_general_cell_is_read_exactly(world):
    """Excel-compatible writers that keep every digit (<v>620102195603182007</v>): read as the
    integer it is, never through float(), which turned it into …1952 or a wrong check digit."""
    id_number = _numeric_id(7000)
    content = _patched(_xlsx([_row(world, 1, 身份证号=987654321)]),
                       {"<v>987654321</v>": f"<v>{id_number}</v>"})
    result = excel.preview(_upload(content), world.users["staff"])
    assert result.is_valid, result.failed[0].errors if result.failed else None
    assert result.rows[0].member.id_number == id_number


@pytest.mark.parametrize("how", ["float cell", "trailing zeros", "E-notation (Excel)",
                                 "E-notation as text"])
def test_an_id_excel_already_rounded_is_refused_with_how_to_fix(world, how):
    id_number = _numeric_id(7100)
    if how == "float cell":  # what openpyxl or pandas write for a number
        content = _xlsx([_row(world, 1, 身份证号=float(id_number))])
    elif how == "trailing zeros":
        content = _xlsx([_row(world, 1, 身份证号=987654321)])
        content = _patched(content, {"<v>987654321</v>": f"<v>{id_number[:15]}000</v>"})
    elif how == "E-notation (Excel)":  # Excel keeps 15 significant digits
        content = _patched(_xlsx([_row(world, 1, 身份证号=987654321)]), {
            "<v>987654321</v>": f"<v>{id_number[0]}.{id_number[1:15]}E+17</v>"})
    else:  # a copy of such a cell pasted as text, or an errors file
        content = _xlsx([_row(world, 1, 身份证号=f"{id_number[0]}.{id_number[1:15]}E+17")])
    result = excel.preview(_upload(content), world.users["staff"])
    [message] = _id_errors(result)
    assert "Excel" in message and "设置单元格格式为“文本”" in message
    assert not result.valid


def test_full_width_nbsp_and_lower_case_x_are_the_same_person(world):
    from members.models import Member

    full_width = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")
    known = world.member.id_number
    other = make_id_number(7200, date(1955, 3, 8))
    while other[-1] != "X":
        other = make_id_number(int(other[14:17]) + 7201, date(1955, 3, 8))
    rows = [_row(world, 0, 身份证号="\u00a0" + known.translate(full_width) + " ",
                 姓名="赵\u00a0党员 ", 出生日期=world.member.birth_date.isoformat(),
                 入党时间=world.member.joined_on.isoformat(),
                 转正时间=world.member.full_member_on.isoformat(), 联系电话=world.member.phone),
            _row(world, 1, 身份证号=other.lower(), 姓名=" 阿依\u00a0\u00a0古丽\u3000",
                 出生日期="1955-03-08"),
            _row(world, 2, 身份证号=other.translate(full_width), 出生日期="1955-03-08")]
    result = excel.preview(_upload(_xlsx(rows)), world.users["staff"])
    first, second, third = result.rows
    assert not first.errors and not first.is_new and first.member.pk == world.member.pk
    assert first.member.name == "赵 党员"
    assert second.member.id_number == other and second.member.name == "阿依 古丽"
    assert third.errors == [("身份证号", "与第 3 行的身份证号重复。")]
    excel.import_rows(result, valid_only=True)
    assert Member.objects.filter(id_number=other).count() == 1
    assert Member.objects.count() == 2


def _hidden_first_sheet_with_title_row(world):
    book = Workbook()
    options = book.active
    options.title = "下拉选项"
    options.append(["男", "女"])
    options.sheet_state = "hidden"
    sheet = book.create_sheet("党员名册")
    sheet.append(["兰新社区党员名册（2026年11月）"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(excel.HEADERS))
    sheet.append([f" {header}\u00a0" if header == "姓名" else header for header in excel.HEADERS])
    sheet.append(_row(world, 1))
    sheet.append([])
    sheet.append(["\u00a0"] + [None] * 15)  # a cell with only a non-breaking space
    sheet.append(_row(world, 2, 性别="男 "))
    return _book_bytes(book)


def test_hidden_first_sheet_merged_title_row_and_empty_rows(world):
    result = excel.preview(_upload(_hidden_first_sheet_with_title_row(world)),
                           world.users["staff"])
    assert result.is_valid and [row.number for row in result.rows] == [3, 6]
    assert [row.member.name for row in result.new] == ["导入1", "导入2"]


def test_a_header_really_wrong_names_exactly_the_missing_columns(world):
    headers = [header for header in excel.HEADERS if header not in ("民族", "网格")]
    with pytest.raises(excel.ImportFileError) as error:
        excel.read_rows(_upload(_xlsx([], headers=headers)))
    assert "缺少以下列：民族、网格" in str(error.value) and "第 1 行" in str(error.value)


def test_columns_in_another_order_and_extra_columns(world):
    headers = ["序号", *reversed(excel.HEADERS), "备注"]
    row = ["1", *reversed(_row(world, 1)), "无"]
    result = excel.preview(_upload(_xlsx([row], headers=headers)), world.users["staff"])
    assert result.is_valid and result.new[0].member.name == "导入1"


def test_every_error_of_a_row_is_shown_at_once(world):
    bad_check = make_id_number(7300, date(1955, 3, 8))
    bad_check = bad_check[:17] + ("1" if bad_check[17] != "1" else "2")
    row = _row(world, 1, 性别="M", 身份证号=bad_check, 入党时间="七月", 所在支部="不存在的支部",
               联系电话="123", 民族="火星族")
    result = excel.preview(_upload(_xlsx([row])), world.users["staff"])
    assert {header for header, _message in result.rows[0].errors} == {
        "性别", "身份证号", "入党时间", "所在支部", "联系电话", "民族"}


@pytest.mark.parametrize("value", [
    date(1980, 7, 1), 29403, "1980-07-01", "1980/7/1", "1980.7.1", "1980年7月1日",
    "１９８０年７月１日", "19800701", " 1980.07.01\u00a0"])
def test_dates_as_staff_type_them(world, value):
    result = excel.preview(_upload(_xlsx([_row(world, 1, 入党时间=value)])),
                           world.users["staff"])
    assert result.is_valid and result.rows[0].member.joined_on == date(1980, 7, 1)


def test_an_impossible_date_is_an_error_not_a_crash(world):
    result = excel.preview(_upload(_xlsx([_row(world, 1, 入党时间="1980年2月30日")])),
                           world.users["staff"])
    assert [header for header, _message in result.rows[0].errors] == ["入党时间"]


def test_the_template_example_has_a_valid_id_number(world, client_as):
    from members.validators import validate_id_number

    sheet = load_workbook(BytesIO(client_as(world.users["staff"]).get(
        "/members/import/template.xlsx").content)).active
    validate_id_number(sheet.cell(row=2, column=excel.HEADERS.index("身份证号") + 1).value)
    # The ID column is text, so a number typed there is not rounded by Excel.
    assert sheet.column_dimensions["D"].number_format == "@" and excel.HEADERS[3] == "身份证号"


def _preview_token(client):
    return client.get("/members/import/preview/").context["token"]


def test_confirm_sent_twice_imports_once_and_says_so(world, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.users["staff"])
    client.post("/members/import/", {"file": _upload(_xlsx([_row(world, 1), _row(world, 2)]))})
    token = _preview_token(client)
    first = client.post("/members/import/confirm/", {"token": token})
    assert first.status_code == 302 and Member.objects.count() == 3
    second = client.post("/members/import/confirm/", {"token": token}, follow=True)
    assert second.redirect_chain[-1][0] == "/members/"
    assert "已经导入过，没有重复导入" in second.content.decode()
    assert Member.objects.count() == 3


def test_confirm_racing_another_confirm_writes_nothing_and_answers(world, client_as, settings,
                                                                   tmp_path, monkeypatch):
    """Two clicks that both read the file before the first wrote it: the second finds its new
    members already there (IntegrityError, was a 500) and says the file was imported."""
    from members.views import imports

    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.users["staff"])
    client.post("/members/import/", {"file": _upload(_xlsx([_row(world, 1), _row(world, 2)]))})
    stale = excel.preview(_upload(_xlsx([_row(world, 1), _row(world, 2)])),
                          world.users["staff"])
    excel.import_rows(excel.preview(_upload(_xlsx([_row(world, 1)])), world.users["staff"]))
    monkeypatch.setattr(imports, "_stored_preview", lambda request: stale)
    response = client.post("/members/import/confirm/", follow=True)
    assert "已经导入过，没有重复导入" in response.content.decode()
    assert sorted(Member.objects.values_list("name", flat=True)) == ["导入1", "赵党员"]


def test_import_rows_writes_the_valid_rows_only_when_asked(world):
    result = excel.preview(_upload(_xlsx([_row(world, 1), _row(world, 2, 身份证号="1")])),
                           world.users["staff"])
    with pytest.raises(ValidationError):
        excel.import_rows(result)
    assert Member.objects.count() == 1
    assert excel.import_rows(result, valid_only=True) == (1, 0)
    assert Member.objects.filter(name="导入1").exists() and not Member.objects.filter(
        name="导入2").exists()


def test_round_trip_import_valid_rows_then_the_corrected_errors_file(
        world, client_as, settings, tmp_path):
    """Issue 14: the errors file uploads as it is (its reason columns ignored), and the valid
    rows can be imported while the others are being corrected."""
    settings.MEDIA_ROOT = tmp_path
    client = client_as(world.users["staff"])
    rows = [_row(world, 1), _row(world, 2, 身份证号="12345", 入党时间="七月"), _row(world, 3)]
    client.post("/members/import/", {"file": _upload(_xlsx(rows))})
    page = client.get("/members/import/preview/").content.decode()
    assert 'id="confirm-valid-rows"' in page and "只导入无误的 2 行" in page
    errors_file = client.get("/members/import/failed.xlsx").content

    # Uploaded unchanged: read, the same errors reported again, no header complaint.
    response = client.post("/members/import/", {"file": _upload(errors_file)}, follow=True)
    assert "表头" not in response.content.decode()
    assert [header for row in response.context["result"].failed
            for header, _message in row.errors] == ["身份证号", "入党时间"]

    # Back to the first file: import its valid rows now.
    client.post("/members/import/", {"file": _upload(_xlsx(rows))})
    response = client.post("/members/import/confirm/", {
        "token": _preview_token(client), "rows": "valid"}, follow=True)
    page = response.content.decode()
    assert "新增 2 名" in page and "另有 1 行有错误" in page and 'id="kept-failed-rows"' in page
    assert sorted(Member.objects.values_list("name", flat=True)) == ["导入1", "导入3", "赵党员"]

    # The errors file is still there after the import; corrected in Excel and uploaded.
    book = load_workbook(BytesIO(client.get("/members/import/failed.xlsx").content))
    sheet = book.active
    assert sheet.cell(row=2, column=1).value == "导入2"
    sheet.cell(row=2, column=excel.HEADERS.index("身份证号") + 1).value = make_id_number(
        5002, date(1955, 3, 8))
    sheet.cell(row=2, column=excel.HEADERS.index("入党时间") + 1).value = "1980.7.1"
    client.post("/members/import/", {"file": _upload(_book_bytes(book))})
    preview = client.get("/members/import/preview/").context["result"]
    assert preview.is_valid and [row.member.name for row in preview.new] == ["导入2"]
    client.post("/members/import/confirm/", {"token": _preview_token(client)})
    assert Member.objects.count() == 4


@pytest.mark.parametrize("raw", ["1E+999999999", "INF", "NaN", "-0.5", "1" * 5000])
def test_hostile_numbers_in_the_xml_are_errors_not_crashes(world, raw):
    content = _patched(_xlsx([_row(world, 1, 入党时间=987654321, 身份证号=987654322)]), {
        "<v>987654321</v>": f"<v>{raw}</v>", "<v>987654322</v>": f"<v>{raw}</v>"})
    try:
        result = excel.preview(_upload(content), world.users["staff"])
    except excel.ImportFileError as error:
        assert "无法读取" in str(error)
    else:
        assert {"入党时间", "身份证号"} <= {header for header, _m in result.rows[0].errors}

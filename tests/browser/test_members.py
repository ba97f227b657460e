"""Staff import a roster with a bad row, fix it, import it; a member claims a post on a phone,
staff approve it, and the member's points appear."""
from django.template.defaultfilters import floatformat
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from members import excel, points
from members.models import Member
from members.validators import id_check_char
from organizations.models import Node

PHONE = {"width": 390, "height": 844}


def test_staff_import_the_sample_roster_fixing_its_bad_row(page, live_server, login, demo,
                                                          screenshot, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    login(page, "shequ")
    page.locator("#mainnav").get_by_role("link", name="党员名册").click()
    page.get_by_role("link", name="Excel 导入").click()
    with page.expect_download() as download:
        page.locator("#download-sample").click()
    sample = tmp_path / "sample.xlsx"
    download.value.save_as(sample)

    # The demo's names are random and may include the sample's: count, don't look up by name.
    before = Member.objects.count()
    page.set_input_files("input[type=file]", str(sample))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-summary")).to_contain_text("有错误 1 行")
    expect(page.locator("#import-errors")).to_contain_text("校验位")
    screenshot(page, "members-import-errors")
    assert Member.objects.count() == before
    with page.expect_download() as failed:
        page.locator("#download-failed").click()
    failed.value.save_as(tmp_path / "failed.xlsx")
    failed_rows = load_workbook(tmp_path / "failed.xlsx").active
    assert failed_rows.cell(row=2, column=1).value == "郑卫东"

    # Fix the bad row the way staff would: correct the ID number in the file and upload again.
    book = load_workbook(sample)
    cell = book.active.cell(row=4, column=excel.HEADERS.index("身份证号") + 1)
    cell.value = cell.value[:17] + id_check_char(cell.value[:17])
    book.save(sample)
    page.get_by_role("link", name="重新上传").first.click()
    page.set_input_files("input[type=file]", str(sample))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-summary")).to_contain_text("新增 5 名")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("新增 5 名")
    branch = Node.objects.get(name="兰新社区第一党支部")
    assert Member.objects.count() == before + 5
    id_column = excel.HEADERS.index("身份证号") + 1
    fixed = load_workbook(sample).active
    imported = {fixed.cell(row=row, column=id_column).value for row in (2, 4)}  # 周建国, 郑卫东
    assert Member.objects.filter(id_number__in=imported, branch=branch).count() == 2
    screenshot(page, "members-import-done")


def test_staff_import_the_valid_rows_then_upload_the_corrected_errors_file(
        page, live_server, login, demo, tmp_path, settings):
    """Issue 14's round trip: the errors file is uploaded as it is, after the valid rows."""
    settings.MEDIA_ROOT = tmp_path
    login(page, "shequ")
    page.goto(f"{live_server.url}/members/import/")
    with page.expect_download() as download:
        page.locator("#download-sample").click()
    sample = tmp_path / "sample.xlsx"
    download.value.save_as(sample)
    before = Member.objects.count()
    page.set_input_files("input[type=file]", str(sample))
    page.get_by_role("button", name="上传并预览").click()
    page.locator("#confirm-valid-rows").click()
    expect(page.locator(".alert-success")).to_contain_text("新增 4 名")
    assert Member.objects.count() == before + 4

    with page.expect_download() as failed:
        page.locator("#kept-failed-rows a").click()
    errors_file = tmp_path / "errors.xlsx"
    failed.value.save_as(errors_file)
    book = load_workbook(errors_file)
    cell = book.active.cell(row=2, column=excel.HEADERS.index("身份证号") + 1)
    cell.value = cell.value[:17] + id_check_char(cell.value[:17])
    book.save(errors_file)
    page.set_input_files("input[type=file]", str(errors_file))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-summary")).to_contain_text("新增 1 名")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("新增 1 名")
    assert Member.objects.count() == before + 5


def test_member_claims_a_post_on_a_phone_and_points_appear(browser, page, live_server, login,
                                                           demo, screenshot):
    phone_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_context.new_page()
    login(phone, "dangyuan")
    phone.get_by_role("button", name="菜单").click()
    phone.locator("#mainnav").get_by_role("link", name="我的").click()
    # What the demo already gave this member this year (its records move with the calendar).
    member = Member.objects.get(user__username="dangyuan")
    before = points.total_for(member, timezone.localdate().year)
    expect(phone.locator("#my-points-total")).to_have_text(floatformat(before, -1))
    phone.get_by_role("link", name="认领岗位").click()
    phone.get_by_role("button", name="认领政策宣传岗").click()
    expect(phone.locator(".alert-success")).to_contain_text("等待社区审核")
    expect(phone.locator("#my-claims")).to_contain_text("待审核")
    screenshot(phone, "members-phone-claimed")

    login(page, "shequ")
    community = Node.objects.get(name="兰新社区党委")
    page.goto(f"{live_server.url}/members/posts/community/{community.pk}/")
    row = page.locator("#pending-claims tr", has_text="赵党员")
    row.get_by_role("button", name="同意").click()
    expect(page.locator(".alert-success")).to_contain_text("赵党员")
    screenshot(page, "members-post-board")

    phone.goto(f"{live_server.url}/members/me/")
    expect(phone.locator("#my-points-total")).to_have_text(floatformat(before + 5, -1))
    phone.get_by_role("link", name="积分明细").click()
    expect(phone.locator("#points-entries")).to_contain_text("岗位服务")
    expect(phone.locator("#points-entries")).to_contain_text("政策宣传岗")
    screenshot(phone, "members-phone-points")
    phone_context.close()

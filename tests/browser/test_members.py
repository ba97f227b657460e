"""Staff import a roster with a bad row, fix it, import it; a member claims a post on a phone,
staff approve it, and the member's points appear."""
from datetime import date

from openpyxl import Workbook
from playwright.sync_api import expect

from members import excel
from members.factories import make_id_number
from members.models import Member
from organizations.models import Node

PHONE = {"width": 390, "height": 844}


def _roster_file(path, branch_name, bad_id):
    book = Workbook()
    sheet = book.active
    sheet.append(excel.HEADERS)
    for n, id_number in enumerate([make_id_number(7001, date(1950, 2, 3)), bad_id]):
        sheet.append([f"导入党员{n}", "男", "汉族", id_number, "", "13700000001", "高中/中专",
                      "兰新路1号", "1978-07-01", "1979-07-01", "正式党员", "离退休党员", "",
                      branch_name, "", ""])
    book.save(path)
    return str(path)


def test_staff_import_a_roster_fixing_a_bad_row(page, live_server, login, demo, screenshot,
                                                tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    branch = Node.objects.get(name="兰新社区第一党支部")
    login(page, "shequ")
    page.locator("#mainnav").get_by_role("link", name="党员名册").click()
    page.get_by_role("link", name="Excel 导入").click()
    page.set_input_files("input[type=file]",
                         _roster_file(tmp_path / "bad.xlsx", branch.name, "1234567890"))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-summary")).to_contain_text("有错误 1 行")
    expect(page.locator("#import-errors")).to_contain_text("身份证号应为18位")
    expect(page.locator("#download-failed")).to_be_visible()
    screenshot(page, "members-import-errors")
    assert not Member.objects.filter(name__startswith="导入党员").exists()

    with page.expect_download() as download:
        page.locator("#download-failed").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="重新上传").click()
    page.set_input_files("input[type=file]", _roster_file(
        tmp_path / "fixed.xlsx", branch.name, make_id_number(7002, date(1951, 4, 5))))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#import-summary")).to_contain_text("新增 2 名")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator(".alert-success")).to_contain_text("新增 2 名")
    expect(page.locator("#roster-summary")).to_be_visible()
    assert Member.objects.filter(name__startswith="导入党员", branch=branch).count() == 2
    screenshot(page, "members-import-done")


def test_member_claims_a_post_on_a_phone_and_points_appear(browser, page, live_server, login,
                                                           demo, screenshot):
    phone_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_context.new_page()
    login(phone, "dangyuan")
    phone.get_by_role("button", name="菜单").click()
    phone.locator("#mainnav").get_by_role("link", name="我的").click()
    expect(phone.locator("#my-points-total")).to_have_text("0")
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
    expect(phone.locator("#my-points-total")).to_have_text("5")
    phone.get_by_role("link", name="积分明细").click()
    expect(phone.locator("#points-entries")).to_contain_text("岗位服务")
    expect(phone.locator("#points-entries")).to_contain_text("政策宣传岗")
    screenshot(phone, "members-phone-points")
    phone_context.close()

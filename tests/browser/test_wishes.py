"""A resident submits a wish on a phone, staff accept it and open it for claiming, a member
claims and completes it on a phone, and the resident rates it by their link."""
from playwright.sync_api import expect

from organizations.models import Node
from pairing.wishes.models import Wish

PHONE = {"width": 390, "height": 844}


def test_a_wish_goes_round_the_loop(browser, page, live_server, login, demo, screenshot):
    community = Node.objects.get(name="兰新社区党委")
    resident_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    resident = resident_context.new_page()
    resident.goto(f"{live_server.url}/wishes/c/{community.pk}/")
    expect(resident.locator("#privacy-note")).to_contain_text("不会公开显示")
    resident.get_by_label("心愿标题").fill("<b>帮忙</b>")
    resident.get_by_role("button", name="提交心愿").click()
    expect(resident.locator("main")).to_contain_text("不要包含网页代码")
    resident.get_by_label("心愿标题").fill("帮独居老人换厨房灯泡")
    resident.get_by_label("联系电话").fill("13812345678")
    resident.get_by_role("button", name="提交心愿").click()
    link = resident.locator("#resident-link")
    expect(link).to_be_visible()
    resident_url = link.get_attribute("href")
    screenshot(resident, "wishes-phone-submitted")

    login(page, "shequ")
    page.locator("#mainnav").get_by_role("button", name="共驻共建").click()
    page.locator("#mainnav").get_by_role("link", name="居民微心愿").click()
    page.get_by_role("link", name="帮独居老人换厨房灯泡").click()
    page.locator("#wish-actions").get_by_role("link", name="受理", exact=True).click()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#wish-status")).to_have_text("已受理")
    page.locator("#wish-actions").get_by_role("link", name="派单", exact=True).click()
    page.get_by_label("开放认领").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#wish-status")).to_have_text("已派单")
    screenshot(page, "wishes-staff-dispatched")

    member_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    member = member_context.new_page()
    login(member, "dangyuan")
    member.get_by_role("button", name="菜单").click()
    member.locator("#mainnav").get_by_role("link", name="心愿接单").click()
    member.get_by_role("button", name="接单：帮独居老人换厨房灯泡").click()
    expect(member.locator(".alert-success")).to_contain_text("已接单")
    member.locator("#my-wishes").get_by_role("link", name="帮独居老人换厨房灯泡").click()
    expect(member.locator("main")).to_contain_text("13812345678")
    member.get_by_label("办理结果").fill("已上门更换灯泡，老人试过开关。")
    member.get_by_role("button", name="办好了，登记结果").click()
    expect(member.locator(".alert-success")).to_contain_text("已办结")
    screenshot(member, "wishes-phone-member-done")

    resident.goto(resident_url)
    expect(resident.locator("#wish-outcome")).to_contain_text("已上门更换灯泡")
    resident.get_by_label("★★★★★ 非常满意").check()
    resident.get_by_role("button", name="确认办好了").click()
    expect(resident.locator("#wish-status")).to_have_text("居民已确认")
    screenshot(resident, "wishes-phone-rated")
    wish = Wish.objects.get(title="帮独居老人换厨房灯泡")
    assert (wish.status, wish.rating, wish.member.user.username) == ("confirmed", 5, "dangyuan")
    resident_context.close()
    member_context.close()

"""Each demo role logs in through the real form, sees its own navigation and not the others'."""
import re

from playwright.sync_api import expect

from organizations.models import Node

NAV = {
    "jiedao": {"shows": ["组织架构"], "hides": ["账号管理", "我的"]},
    "shequ": {"shows": ["组织架构", "账号管理"], "hides": ["我的"]},
    "shuji": {"shows": ["组织架构"], "hides": ["账号管理", "我的"]},
    "dangyuan": {"shows": ["我的"], "hides": ["组织架构", "账号管理"]},
    "admin": {"shows": ["组织架构"], "hides": ["我的"]},
}


def test_each_role_sees_its_own_navigation(page, live_server, login, demo, screenshot):
    for username, nav in NAV.items():
        page.context.clear_cookies()
        login(page, username)
        navbar = page.locator("#mainnav")
        for label in nav["shows"]:
            expect(navbar.get_by_role("link", name=label)).to_be_visible()
        for label in nav["hides"]:
            expect(navbar.get_by_role("link", name=label)).to_have_count(0)
        screenshot(page, f"role-{username}")


def test_wrong_password_gives_a_chinese_message(page, live_server, login, demo):
    login(page, "shequ", password="wrong-password")
    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_contain_text(
        "请输入一个正确的")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_staff_cannot_open_another_community(page, live_server, login, demo, screenshot):
    other = Node.objects.get(name="袁庄社区党委")
    login(page, "shequ")
    response = page.goto(f"{live_server.url}/org/{other.pk}/")
    assert response.status == 404
    screenshot(page, "staff-other-community-404")
    own = Node.objects.get(name="兰新社区党委")
    response = page.goto(f"{live_server.url}/org/{own.pk}/")
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text("兰新社区")

"""Security seen through a real browser: the audit trail, the lockout page and the CSP."""
from playwright.sync_api import expect

from organizations.models import Node


def watch_csp(page):
    """Collect the console's content-security-policy violations of this page."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_a_street_official_finds_a_community_edit_in_the_audit_trail(page, live_server, login,
                                                                     demo, screenshot):
    violations = watch_csp(page)
    community = Node.objects.get(name="兰新社区党委")
    login(page, "shequ")
    page.goto(f"{live_server.url}/org/{community.pk}/edit/")
    page.fill("input[name=phone]", "0561-7654321")
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")

    page.context.clear_cookies()
    login(page, "jiedao")
    page.locator("#mainnav").get_by_role("link", name="审计日志").click()
    page.fill("input[name=actor]", "shequ")
    page.select_option("select[name=action]", label="修改")
    page.locator("main form button[type=submit]").click()
    row = page.locator("tbody tr", has_text="兰新社区党委").first
    expect(row).to_contain_text("联系电话: 0561-300011 → 0561-7654321")
    expect(row).to_contain_text("127.0.0.1")
    screenshot(page, "audit-search")
    assert not violations, violations


def test_five_wrong_passwords_show_the_chinese_lock_page(page, live_server, login, demo,
                                                         screenshot):
    for _ in range(5):
        login(page, "shuji", password="wrong-password")
    expect(page.locator("h1")).to_contain_text("账号已暂时锁定")
    login(page, "shuji")
    expect(page.locator("h1")).to_contain_text("账号已暂时锁定")
    screenshot(page, "login-locked")

"""A street official tightens a 发展党员 time limit from the dashboard's rules page, is told
next to the field when a value would relax the 细则, and goes back to the default; schedules a
change of the dues rounding from next month and cancels it."""
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kernel.dates import first_of_month_after
from members.development.models import DevelopmentRule, limits_for
from members.dues.models import DuesRounding


def test_a_street_official_sets_the_development_limits_of_the_street(page, live_server, login,
                                                                      demo, screenshot):
    login(page, "jiedao")
    page.get_by_role("link", name="规则设置").click()
    expect(page.locator("h1")).to_contain_text("规则设置")

    page.locator("#development").get_by_role("link", name="修改").click()
    page.fill("input[name=cultivation_months]", "6")
    page.click("main button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("不能宽于上级的规定（12）")
    screenshot(page, "rulebook-refused")
    assert not DevelopmentRule.objects.filter(node=demo.street).exists()

    page.fill("input[name=cultivation_months]", "18")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("发展党员时限")
    expect(page.locator("#rule-development-cultivation_months")).to_contain_text("18")
    expect(page.locator("#rule-development-cultivation_months")).to_contain_text("本级设置")
    assert limits_for(demo.branch_nodes[0])["cultivation_months"] == 18
    screenshot(page, "rulebook")

    page.locator("#development").get_by_role("button", name="恢复上级规定").click()
    expect(page.locator("#rule-development-cultivation_months")).to_contain_text("系统默认")
    assert not DevelopmentRule.objects.filter(node=demo.street).exists()


def test_a_street_official_schedules_and_cancels_a_dues_change(page, live_server, login, demo,
                                                                screenshot):
    next_month = first_of_month_after(timezone.localdate(), 1)
    login(page, "jiedao")
    page.goto(live_server.url + reverse("rulebook:rules", args=[demo.street.pk]))
    page.get_by_role("link", name="调整应交金额取整").click()
    page.select_option("select[name=value]", label="四舍五入到角")
    page.fill("input[name=from_month]", f"{next_month:%Y-%m}")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("应交金额取整")
    row = page.locator("#rule-dues-rounding")
    expect(row).to_contain_text(f"{next_month:%Y-%m} 起：四舍五入到角")
    expect(row).to_contain_text("四舍五入到分")  # this month's amounts are unchanged
    screenshot(page, "rulebook-dues")
    assert DuesRounding.objects.filter(node=demo.street, from_month=next_month).exists()

    row.get_by_role("button", name="撤销").click()
    expect(page.locator(".alert-success")).to_contain_text("已撤销")
    assert not DuesRounding.objects.filter(node=demo.street).exists()

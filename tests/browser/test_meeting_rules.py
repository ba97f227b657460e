"""A street official raises a 三会一课 frequency and changes when attendees are reminded, from
the dashboard, and is told next to the field when a frequency would fall below the default."""
from playwright.sync_api import expect

from activities.models import MeetingRule, ReminderRule


def test_a_street_official_sets_the_meeting_rules_of_the_street(page, live_server, login, demo,
                                                               screenshot):
    login(page, "jiedao")
    page.get_by_role("link", name="三会一课频次").click()
    expect(page.locator("h1")).to_contain_text("三会一课频次要求")

    page.locator("#rule-theme_day").get_by_role("link", name="修改").click()
    page.select_option("select[name=period]", "month")
    page.fill("input[name=minimum]", "2")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("主题党日")
    expect(page.locator("#rule-theme_day")).to_contain_text("每月至少 2 次")
    expect(page.locator("#rule-theme_day")).to_contain_text("本级设置")
    assert MeetingRule.objects.get(node=demo.street, kind_id="theme_day").minimum == 2

    page.locator("#rule-general_meeting").get_by_role("link", name="修改").click()
    page.select_option("select[name=period]", "year")
    page.fill("input[name=minimum]", "4")
    page.click("main button[type=submit]")
    expect(page.locator(".invalid-feedback")).to_contain_text("不能低于上级的要求（每季度至少 1 次）")
    screenshot(page, "meeting-rules-refused")
    assert not MeetingRule.objects.filter(node=demo.street, kind_id="general_meeting").exists()

    page.get_by_role("link", name="取消").click()
    page.locator("#reminder-leads").get_by_role("link", name="修改").click()
    for lead in ("4320", "120"):
        page.uncheck(f"input[name=leads][value='{lead}']")
    page.check("input[name=leads][value='1440']")
    page.click("main button[type=submit]")
    expect(page.locator("#reminder-leads")).to_contain_text("1 天前（本级设置）")
    assert set(ReminderRule.objects.filter(node=demo.street).values_list(
        "lead_minutes", flat=True)) == {1440}
    screenshot(page, "meeting-rules")

"""A secretary sets the bases of the branch, records this month's payment and sees who owes;
a member sees their own dues on a phone."""
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kernel.dates import first_of_month_after
from members.factories import MemberFactory
from organizations.factories import (BranchFactory, CommunityFactory, GrantFactory,
                                     StreetFactory, UserFactory)
from organizations.scope import Role

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def branch_world(transactional_db):
    branch = BranchFactory(parent=CommunityFactory(parent=StreetFactory()), name="党费测试支部")
    secretary = UserFactory(username="dues_secretary")
    GrantFactory(user=secretary, node=branch, role=Role.BRANCH_SECRETARY)
    member_user = UserFactory(username="dues_member")
    for user in (secretary, member_user):
        user.set_password("Demo@2026")
        user.save()
    employed = MemberFactory(branch=branch, name="钱在职", category="employed",
                             joined_on=date(2001, 7, 1))
    retired = MemberFactory(branch=branch, name="孙退休", user=member_user,
                            joined_on=date(1985, 7, 1), account_activated_at=timezone.now())
    return branch, employed, retired


def test_secretary_sets_bases_records_payments_member_sees_status(
        browser, page, live_server, login, branch_world, screenshot):
    branch, employed, retired = branch_world
    today = timezone.localdate()
    this_month = today.replace(day=1)
    three_ago = first_of_month_after(today, -3)
    login(page, "dues_secretary")
    page.locator("#mainnav").get_by_role("link", name="党费").click()
    expect(page.locator("#dues-ledger")).to_contain_text("未核定")

    page.locator(f"#dues-ledger tr[data-member='{employed.pk}']").get_by_role(
        "link", name="核定").click()
    page.fill("input[name=from_month]", f"{this_month:%Y-%m}")
    page.select_option("select[name=category]", "employed")
    page.fill("input[name=income]", "4200")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("钱在职")

    page.locator(f"#dues-ledger tr[data-member='{retired.pk}']").get_by_role(
        "link", name="核定").click()
    page.fill("input[name=from_month]", f"{three_ago:%Y-%m}")
    page.select_option("select[name=category]", "retired")
    page.fill("input[name=income]", "5600")
    page.get_by_role("button", name="保存").click()
    row = page.locator(f"#dues-ledger tr[data-member='{employed.pk}']")
    expect(row).to_contain_text("42.00")
    expect(row).to_contain_text("4200.00 元 × 1%")

    row.get_by_role("link", name="登记").click()
    page.fill("input[name=amount]", "40.00")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_amount ~ .invalid-feedback, .invalid-feedback")).to_contain_text(
        "应交 42.00 元")
    page.fill("input[name=amount]", "42.00")
    page.fill("input[name=receipt_number]", "DF-001")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(f"#dues-ledger tr[data-member='{employed.pk}']")).to_contain_text("已交")
    expect(page.locator("#dues-entries")).to_contain_text("DF-001")
    screenshot(page, "dues-ledger")

    page.get_by_role("link", name="欠缴名单").click()
    expect(page.locator("#arrears")).to_contain_text("孙退休")
    expect(page.locator("#arrears")).not_to_contain_text("钱在职")
    expect(page.locator("#arrears tbody tr")).to_have_count(1)
    expect(page.locator("#arrears")).to_contain_text("168.00")

    phone_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_context.new_page()
    login(phone, "dues_member")
    phone.goto(f"{live_server.url}/members/me/")
    phone.locator("#my-dues-link").click()
    expect(phone.locator("#my-dues-amount")).to_have_text("56.00")
    expect(phone.locator("#my-arrears")).to_contain_text("3 个月")
    expect(phone.locator("#my-dues-history")).to_contain_text("还没有交纳记录")
    screenshot(phone, "dues-phone")
    phone_context.close()

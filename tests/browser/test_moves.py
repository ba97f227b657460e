"""A secretary moves a member out of the street with the letter and its receipt, and records a
newcomer's letter in: wrong input first, refused next to the field, then right."""
import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from members.factories import make_id_number
from members.models import Member, TransferIn, TransferOut
from organizations.models import Grant


def test_secretary_moves_a_member_out_and_one_in_with_the_letters(page, live_server, login,
                                                                 demo, screenshot):
    branch = Grant.objects.get(user__username="shuji").node
    member = (Member.objects.active().filter(branch=branch, user__isnull=True)
              .exclude(transfers_out__isnull=False).order_by("pk").first())
    today = timezone.localdate()
    login(page, "shuji")
    page.goto(f"{live_server.url}{member.get_absolute_url()}")
    page.locator("#transfer-out").click()
    page.fill("#id_letter_number", " ")
    page.fill("#id_destination", "上海市浦东新区花木街道党工委")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_letter_number")).to_have_class(re.compile("is-invalid"))
    assert not TransferOut.objects.filter(member=member).exists()
    page.fill("#id_letter_number", "皖组转字〔2026〕088号")
    page.fill("#id_sent_on", f"{today - timedelta(days=3):%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("已离开名册")
    expect(page.locator("#letters")).to_contain_text("皖组转字〔2026〕088号")

    page.locator("#mainnav").get_by_role("link", name="党员流动").click()
    row = page.locator("#transfers-out tr", has_text="皖组转字〔2026〕088号")
    expect(row).to_contain_text("待回执")
    row.get_by_role("link", name="登记回执").click()
    page.fill("#id_receipt_on", f"{today - timedelta(days=5):%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("回执日期不能早于介绍信开出日期")
    page.fill("#id_receipt_on", f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    screenshot(page, "moves-out-received")
    assert TransferOut.objects.get(member=member).receipt_on == today

    page.locator("#mainnav").get_by_role("link", name="党员流动").click()
    page.locator("#moves-tabs").get_by_role("link", name="转入").click()
    page.locator("#transfer-in-new").click()
    page.fill("#id_letter_number", "苏组转字〔2026〕201号")
    page.fill("#id_origin", "苏州市姑苏区双塔街道党工委")
    page.select_option("#id_to_branch", str(branch.pk))
    page.fill("#id_id_number", make_id_number(987, date(1980, 4, 5)))
    page.fill("#id_name", "卫新来")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("请填写入党时间")
    assert not Member.objects.filter(name="卫新来").exists()
    page.fill("#id_joined_on", "2005-07-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("卫新来")
    expect(page.locator("#letters")).to_contain_text("苏组转字〔2026〕201号")
    screenshot(page, "moves-in-created")
    transfer = TransferIn.objects.get(letter_number="苏组转字〔2026〕201号")
    assert transfer.member.branch == branch and transfer.outcome == TransferIn.Outcome.CREATED

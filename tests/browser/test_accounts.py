"""From the roster to the phone: staff open accounts for a branch and print the slips, reissue
a lost one, the member activates on a phone with the code, sees their posts, meetings and the
meeting reminder; once they leave the roster they can no longer sign in."""
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from activities import services as activity_services
from activities.models import MeetingKind
from members.factories import MemberFactory
from organizations.models import Node
from tests.browser.test_activities import deliver_due_reminders

PHONE = {"width": 390, "height": 844}
PASSWORD = "Hongqi@2026x"


def test_staff_open_accounts_and_a_member_activates_on_a_phone(browser, page, live_server,
                                                               login, demo, screenshot):
    branch = Node.objects.get(grants__user__username="shuji")
    newcomer = MemberFactory(branch=branch, name="钱新来", phone="13712340001")
    MemberFactory(branch=branch, name="孙没手机", phone="")
    starts = timezone.localtime() + timedelta(days=2)
    activity_services.meeting_plan(
        branch=branch, kinds=MeetingKind.objects.filter(code=MeetingKind.PARTY_LECTURE),
        topic="学习新修订的党章", starts_at=starts, ends_at=starts + timedelta(hours=1),
        place="兰新社区党群服务中心", host="张书记")

    # Staff select the branch on the roster and open its accounts in one step.
    login(page, "shequ")
    page.goto(f"{live_server.url}/members/?branch={branch.pk}")
    page.locator("#accounts-link").click()
    expect(page.locator("#open-accounts")).to_be_enabled()
    page.locator("#open-accounts").click()
    expect(page.locator(".alert-success")).to_contain_text("已开通")
    expect(page.locator("#open-accounts")).to_be_disabled()  # everyone with a phone has one
    screenshot(page, "accounts-opened")

    # They print the slips: the codes appear on this page only.
    page.locator("#print-slips").click()
    slip = page.locator(".slip", has_text="钱新来")
    expect(slip.locator(".slip-login")).to_have_text("13712340001")
    expect(slip.locator("svg")).to_be_visible()
    printed_code = slip.locator(".slip-code").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", printed_code)
    assert page.locator(".slip", has_text="孙没手机").locator(".slip-login").inner_text() \
        .startswith("dy")
    screenshot(page, "accounts-slips")

    # The slip is lost: staff issue a new code, with the reason.
    page.goto(f"{live_server.url}/members/{newcomer.pk}/")
    expect(page.locator("#member-account")).to_contain_text("待激活")
    page.locator("#reissue-code").click()
    page.select_option("select[name=reason]", "lost")
    page.click("main button[type=submit]")
    code = page.locator(".slip-code").inner_text()
    assert code != printed_code

    # The member activates on a phone with the old code (refused), then the new one.
    phone_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_context.new_page()
    phone.goto(f"{live_server.url}/members/activate/")

    def activate(with_code):
        phone.fill("input[name=login]", "13712340001")
        phone.fill("input[name=code]", with_code)
        phone.fill("input[name=new_password1]", PASSWORD)
        phone.fill("input[name=new_password2]", PASSWORD)
        phone.get_by_role("button", name="激活并登录").click()

    activate(printed_code)
    expect(phone.locator("#activate-form")).to_contain_text("已作废")
    activate(code)
    expect(phone.locator(".alert-success")).to_contain_text("账号已激活")
    expect(phone).to_have_url(re.compile(r"/members/me/$"))
    expect(phone.locator("main")).to_contain_text("学习新修订的党章")
    screenshot(phone, "accounts-phone-home")
    phone.get_by_role("link", name="认领岗位").click()
    expect(phone.locator("main")).to_contain_text("政策宣传岗")

    # The reminder of the next meeting reaches the new account's inbox.
    deliver_due_reminders()
    phone.goto(f"{live_server.url}/members/me/")
    expect(phone.locator("#inbox-badge")).to_have_text("1")
    phone.get_by_role("button", name="菜单").click()
    phone.locator("#inbox-link").click()
    expect(phone.locator("main")).to_contain_text("学习新修订的党章")
    screenshot(phone, "accounts-phone-inbox")

    # The member leaves the roster: the open session ends and the login no longer works.
    page.goto(f"{live_server.url}/members/{newcomer.pk}/leave/")
    page.select_option("select[name=reason]", "transferred_out")
    page.click("main button[type=submit]")
    expect(page.locator("#member-account")).to_contain_text("已停用")
    phone.goto(f"{live_server.url}/members/me/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    login(phone, "13712340001", PASSWORD)
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    expect(phone.locator("main")).to_contain_text("请输入一个正确的")
    screenshot(phone, "accounts-phone-left")
    phone_context.close()

"""Staff build a volunteer team, record an activity's hours for it in one step, and print a
certificate whose number anyone can check on the portal."""
import re

from django.utils import timezone
from playwright.sync_api import expect

from activities.factories import ActivityFactory
from activities.volunteers.models import Certificate, ServiceRecord, Volunteer
from members.models import Member
from organizations.models import Node


def test_team_activity_hours_and_a_certificate_that_checks(page, live_server, login, demo,
                                                           screenshot):
    community = Node.objects.get(grants__user__username="shequ")
    member = (Member.objects.active().filter(branch__path__startswith=community.path)
              .exclude(volunteer_records__community=community).order_by("pk").first())
    activity = ActivityFactory(community=community, title="楼道环境清理（浏览器测试）",
                               held_on=timezone.localdate(), place="幸福小区3号楼")
    today = f"{timezone.localdate():%Y-%m-%d}"

    login(page, "shequ")
    page.get_by_role("link", name="志愿服务").first.click()
    page.get_by_role("link", name="新建服务队").click()
    page.select_option("select[name=kind]", label="环境整治")
    page.fill("input[name=name]", "楼道清洁志愿服务队")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已建立服务队")
    team_url = page.url

    # A Party member of the roster, and a resident who is not one.
    page.goto(f"{live_server.url}/volunteers/new/")
    page.select_option("select[name=member]", str(member.pk))
    page.fill("input[name=consent_on]", today)
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已登记志愿者")
    page.goto(f"{live_server.url}/volunteers/new/")
    page.fill("input[name=name]", "孙丽华")
    page.fill("input[name=phone]", "13905319988")
    page.fill("input[name=id_number]", "370102195806122344")
    page.fill("input[name=consent_on]", today)
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已登记志愿者")
    expect(page.locator("main")).to_contain_text("370102********2344")

    for volunteer in [Volunteer.objects.get(community=community, member=member),
                      Volunteer.objects.get(name="孙丽华")]:
        page.goto(team_url)
        page.select_option("select[name=volunteer]", str(volunteer.pk))
        page.click("#membership-table ~ form button[type=submit]")
        expect(page.locator(".alert-success")).to_contain_text("已加入服务队")
    expect(page.locator("#membership-table")).to_contain_text("孙丽华")
    expect(page.locator("#membership-table")).to_contain_text(member.name)

    # The activity's hours for the whole team, in one step.
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.get_by_role("link", name="记录服务队志愿服务").click()
    page.select_option("select[name=team]", label="楼道清洁志愿服务队")
    page.fill("input[name=hours]", "2.5")
    page.get_by_role("button", name="一次记录").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录 2 人的志愿服务")
    expect(page.locator("#activity-record-table")).to_contain_text("孙丽华")
    assert ServiceRecord.objects.filter(activity=activity).count() == 2
    screenshot(page, "volunteers-activity-recorded")

    # The certificate, printed on A4, with a number that checks on the public page.
    page.get_by_role("link", name="孙丽华").click()
    page.locator("#issue-certificate").click()
    number = page.locator("#certificate-number").inner_text()
    assert re.fullmatch(r"ZYFW-[0-9A-F]{20}", number)
    expect(page.locator(".certificate")).to_contain_text("楼道环境清理（浏览器测试）")
    expect(page.locator(".certificate")).to_contain_text(community.name)
    screenshot(page, "volunteers-certificate")
    assert Certificate.objects.get(number=number).total_hours == 2.5

    page.goto("about:blank")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/volunteers/verify/")
    page.fill("input[name=number]", number)
    page.get_by_role("button", name="查验").click()
    result = page.locator("#verify-result")
    expect(result).to_contain_text("证明有效")
    expect(result).to_contain_text("孙**")
    expect(result).to_contain_text("2.5")
    expect(result).not_to_contain_text("孙丽华")
    screenshot(page, "volunteers-verified")

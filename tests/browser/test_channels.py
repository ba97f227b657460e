"""A member chooses how reminders reach them on a phone and links 企业微信; the community's staff
read the member's deliveries with their channel and failure."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities.models import ReminderChannels
from members.factories import MemberFactory
from organizations.factories import (BranchFactory, CommunityFactory, GrantFactory,
                                     StreetFactory, UserFactory)
from organizations.scope import Role

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def channel_world(transactional_db, settings):
    settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = "ww", "s", 1000002
    community = CommunityFactory(parent=StreetFactory())
    branch = BranchFactory(parent=community, name="提醒测试支部")
    staff = UserFactory(username="channels_staff")
    GrantFactory(user=staff, node=community, role=Role.COMMUNITY_STAFF)
    member_user = UserFactory(username="channels_member")
    for user in (staff, member_user):
        user.set_password("Demo@2026")
        user.save()
    member = MemberFactory(branch=branch, name="李提醒", user=member_user, phone="13900001111",
                           account_activated_at=timezone.now())
    return member


def test_member_chooses_channels_and_staff_read_the_deliveries(browser, page, live_server, login,
                                                               channel_world, screenshot):
    member = channel_world
    page.set_viewport_size(PHONE)
    login(page, "channels_member")
    page.goto(f"{live_server.url}/activities/inbox/")
    page.click("#my-channels-link")
    expect(page.locator("h1")).to_have_text("提醒方式")
    page.fill("input[name=wecom_user_id]", "li.tixing")
    page.click("#wecom-link button[type=submit]")
    expect(page.locator("#wecom-link code")).to_have_text("li.tixing")
    page.uncheck("#channels-form input[name=sms]")
    page.check("#channels-form input[name=wecom]")
    page.click("#channels-form button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "channels-member-phone")
    chosen = ReminderChannels.objects.get(member=member)
    assert (chosen.wecom_user_id, chosen.sms, chosen.wecom) == ("li.tixing", False, True)
    # The page is one column on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, "channels_staff")
    page.goto(f"{live_server.url}/members/{member.pk}/")
    page.click("#member-reminders")
    expect(page.locator("#member-channel-choice")).to_contain_text("党员已关闭")
    expect(page.locator("#wecom-link code")).to_have_text("li.tixing")
    screenshot(page, "channels-staff")

"""A 支委会 from planning to green, tried as its users would; and a branch that held nothing."""
import re
from datetime import datetime, time, timedelta

from django.contrib.auth.models import User
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from activities import checkin, reminders, selectors
from activities.models import Meeting, Notification
from organizations.factories import GrantFactory, UserFactory
from organizations.models import CommitteeSeat, Node
from organizations.scope import Role


def deliver_due_reminders(now=None):
    """What the beat does every minute."""
    reminders.scan(now)
    for delivery_id in reminders.pending_ids():
        reminders.send_delivery(delivery_id, now=now)


def test_committee_meeting_from_plan_to_green(page, live_server, login, demo, screenshot,
                                              tmp_path):
    branch = Node.objects.get(grants__user__username="shuji")
    # A 支委会 invites the committee: the member who checks the inbox below sits on it.
    leaders = [branch.members.get(user__username="dangyuan"),
               *branch.members.exclude(user__username="dangyuan").order_by("pk")[:1]]
    for role, leader in zip([CommitteeSeat.Role.DEPUTY_SECRETARY,
                             CommitteeSeat.Role.COMMITTEE_MEMBER], leaders):
        CommitteeSeat.objects.create(node=branch, role=role, person_name=leader.name,
                                     member=leader, term_start=timezone.localdate() - timedelta(
                                         days=400), term_end=timezone.localdate() + timedelta(
                                         days=600))
    tomorrow = timezone.localdate() + timedelta(days=1)

    # The secretary plans a 支委会 for tomorrow morning.
    login(page, "shuji")
    page.get_by_role("link", name="组织生活").click()
    page.get_by_role("link", name="安排会议").click()
    page.get_by_label("支委会").check()
    page.fill("input[name=topic]", "研究下月党员发展工作")
    page.fill("input[name=starts_at]", f"{tomorrow:%Y-%m-%d}T09:00")
    page.fill("input[name=ends_at]", f"{tomorrow:%Y-%m-%d}T10:30")
    page.fill("input[name=place]", "兰新社区党群服务中心")
    page.fill("input[name=host]", "张书记")
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("已安排会议")
    meeting = Meeting.objects.get(topic="研究下月党员发展工作")
    screenshot(page, "activities-meeting-planned")

    # The member finds it in the inbox (badge) and in the phone calendar feed. The demo may
    # have left this member other reminders (an appraisal vote open): the badge counts them all.
    deliver_due_reminders()
    unread = selectors.inbox_for(User.objects.get(username="dangyuan")).filter(
        read_at__isnull=True)
    assert unread.filter(title__contains="研究下月党员发展工作").count() == 1
    page.context.clear_cookies()
    login(page, "dangyuan")
    expect(page.locator("#inbox-badge")).to_have_text(str(unread.count()))
    page.locator("#inbox-link").click()
    expect(page.locator("main")).to_contain_text("会议提醒：研究下月党员发展工作")
    screenshot(page, "activities-member-inbox")
    page.get_by_role("link", name="会议日程").click()
    feed_url = page.locator("#feed-url").input_value()
    feed = page.request.get(feed_url)
    assert feed.ok and "研究下月党员发展工作" in feed.text()

    # The day comes; the member scans the QR code shown at the meeting.
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now - timedelta(minutes=5),
                                                 ends_at=now + timedelta(hours=1))
    meeting.refresh_from_db()
    page.context.clear_cookies()
    login(page, "shuji")
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="签到二维码").click()
    qr = page.locator("#checkin-qr")
    expect(qr).to_be_visible()
    for _attempt in range(20):  # wait_for_function would need 'unsafe-eval' under our CSP
        if page.evaluate("document.getElementById('checkin-qr').naturalWidth") > 0:
            break
        page.wait_for_timeout(250)
    assert page.evaluate("document.getElementById('checkin-qr').naturalWidth") > 0
    screenshot(page, "activities-qr")
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "dangyuan")
    page.goto(f"{live_server.url}/activities/check-in/{checkin.make_token(meeting)}/")
    page.get_by_role("button", name="确认签到").click()
    expect(page.locator(".alert-success")).to_contain_text("签到成功")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The secretary records minutes and a photo; the branch turns green for the month.
    photo = tmp_path / "meeting.png"
    Image.new("RGB", (64, 48), "darkred").save(photo)
    page.context.clear_cookies()
    login(page, "shuji")
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="记录会议").click()
    page.fill("textarea[name=minutes]", "会议研究了下月发展党员工作，确定了培养对象。")
    page.set_input_files("input[name=photos]", str(photo))
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("会议记录已保存")
    expect(page.locator("main img.img-thumbnail")).to_have_count(1)
    screenshot(page, "activities-meeting-recorded")
    page.goto(f"{live_server.url}/activities/branches/{branch.pk}/compliance/")
    month = timezone.localdate().month
    cell = page.locator("tr", has_text="支委会").locator("td").nth(month)
    expect(cell.locator(".status-green")).to_be_visible()
    screenshot(page, "activities-branch-green")


def test_idle_branch_is_red_and_its_secretary_is_reminded_once(page, live_server, login, demo,
                                                               screenshot):
    community = Node.objects.get(name="兰新社区党委")
    idle = community.children.filter(kind=Node.Kind.BRANCH).order_by("sort_order")[1]
    Meeting.objects.filter(branch=idle).delete()
    GrantFactory(user=UserFactory(username="shuji2", first_name="刘书记"), node=idle,
                 role=Role.BRANCH_SECRETARY)
    today = timezone.localdate()
    # From the 20th of the month the gap reminders go out.
    gap_now = timezone.make_aware(datetime.combine(today.replace(day=max(today.day, 20)),
                                                   time(10)))
    deliver_due_reminders(gap_now)
    deliver_due_reminders(gap_now + timedelta(minutes=1))  # a second beat tick

    login(page, "shequ")
    previous = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page.goto(f"{live_server.url}/activities/communities/{community.pk}/compliance/"
              f"?period=month&month={previous}")
    row = page.locator(f"tr[data-branch='{idle.name}']")
    expect(row.locator("td").last.locator(".status-red")).to_be_visible()
    screenshot(page, "activities-community-red")

    page.context.clear_cookies()
    login(page, "shuji2")
    page.locator("#inbox-link").click()
    theme_day = page.locator("li", has_text=re.compile(r"尚未完成\d{4}-\d{2}的主题党日"))
    expect(theme_day).to_have_count(1)
    screenshot(page, "activities-gap-reminder")
    assert Notification.objects.filter(recipient__username="shuji2",
                                       kind__startswith="compliance_gap:theme_day:").count() == 1

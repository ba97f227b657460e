"""民主评议 from ballots to grades: the members vote on their phones (the demo member among
them, with a self-appraisal), the votes close, the secretary reads the tally, is refused a 不合格
without a reason, records the branch's decision, and the grade shows on the member's page."""
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from activities.appraisal.factories import cast
from activities.appraisal.models import Appraisee, Participation, Round
from activities.models import Meeting
from members.models import Member

PHONE = {"width": 390, "height": 844}


def test_members_vote_on_phones_and_the_secretary_decides(browser, page, live_server, login,
                                                         demo, screenshot):
    me = Member.objects.get(user__username="dangyuan")
    Member.objects.filter(pk=me.pk).update(status=Member.Status.FULL)  # has a vote
    round_ = Round.objects.get(branch=me.branch, year=timezone.localdate().year)
    assert round_.voting_open()

    phone_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    phone = phone_context.new_page()
    login(phone, "dangyuan")
    phone.goto(f"{live_server.url}/appraisal/me/")
    phone.get_by_role("link", name=re.compile("民主评议")).first.click()
    phone.fill("textarea[name=self_appraisal]", "按时参加组织生活，带头参加楼道清理。")
    phone.get_by_role("button", name="保存自评").click()
    expect(phone.locator(".alert-success")).to_contain_text("自评已保存")
    ballots = phone.locator("#ballot-form fieldset")
    assert ballots.count() == Appraisee.objects.counting().filter(round=round_).count() - 1
    # Leave one member unrated: refused next to that member, nothing stored.
    for index in range(ballots.count() - 1):
        ballots.nth(index).locator("input[value=qualified]").check()
    phone.locator("#ballot-submit").click()
    expect(ballots.last.locator(".invalid-feedback")).to_be_visible()
    assert not Participation.objects.filter(round=round_, member=me).exists()
    ballots.last.locator("input[value=basically_qualified]").check()
    screenshot(phone, "appraisal-ballot-phone")
    phone.locator("#ballot-submit").click()
    expect(phone.locator("#voted")).to_be_visible()
    screenshot(phone, "appraisal-voted-phone")
    phone_context.close()

    # The others with a vote who have not voted yet vote too; then the votes close, and the
    # round is concluded at the branch's meeting.
    voted = set(Participation.objects.filter(round=round_).values_list("member_id", flat=True))
    for voter in Appraisee.objects.voters().filter(round=round_).exclude(member_id__in=voted):
        cast(round_, voter.member)
    Round.objects.filter(pk=round_.pk).update(
        votes_close_at=timezone.now() - timedelta(minutes=1),
        votes_open_at=timezone.now() - timedelta(days=3),
        meeting=Meeting.objects.filter(branch=me.branch).order_by("-starts_at").first())

    login(page, "shuji")
    page.get_by_role("link", name="民主评议", exact=True).click()
    page.locator(f"a[href='/appraisal/{round_.pk}/']").first.click()
    voters = Appraisee.objects.voters().filter(round=round_).count()
    expect(page.locator("#turnout")).to_contain_text(f"{voters} / {voters}")
    expect(page.locator("#tally")).to_contain_text("按时参加组织生活")
    expect(page.locator("#tally thead")).to_contain_text("基本合格")
    screenshot(page, "appraisal-tally")
    page.locator("#decide").click()
    target = page.locator("tbody tr", has_text=me.name)
    for row in page.locator("tbody tr").all():
        row.locator("select[name^=grade_]").select_option("qualified")
    target.locator("select[name^=grade_]").select_option("unqualified")
    page.locator("#decide-submit").click()
    expect(target.locator(".invalid-feedback").first).to_contain_text("须写明理由")
    assert Round.objects.get(pk=round_.pk).decided_at is None
    target.locator("input[name^=reason_]").fill("全年三次无故缺席组织生活")
    target.locator("select[name^=follow_up_]").select_option("correct")
    target.locator("input[name^=note_]").fill("三个月内改正，支部书记谈话帮助")
    page.locator("#decide-submit").click()
    expect(page.locator("#round-state")).to_contain_text("已决定等次")
    screenshot(page, "appraisal-decided")
    page.goto(f"{live_server.url}/members/{me.pk}/")
    expect(page.locator("#appraisals")).to_contain_text("不合格")

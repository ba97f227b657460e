"""A branch secretary takes a 发展对象 through the 支部大会's vote (a failed quorum first) and the
上级党委's approval: the person joins the roster as a probationary member."""
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from members.development.models import Candidate
from members.models import Member


def test_a_secretary_admits_a_development_object_to_the_roster(page, live_server, login, demo,
                                                               screenshot):
    candidate = Candidate.objects.get(name="吴静怡")
    assert candidate.stage == "object" and candidate.volunteer_form_on
    today = timezone.localdate()
    login(page, "shuji")
    page.locator("#mainnav").get_by_role("link", name="发展党员").click()
    expect(page.locator("h1")).to_contain_text("发展党员")
    page.get_by_role("link", name="吴静怡").first.click()
    page.get_by_role("link", name="支部大会讨论接收预备党员").click()

    page.fill("input[name=meeting_on]", f"{today - timedelta(days=5):%Y-%m-%d}")
    page.fill("input[name=voters_with_right]", "20")
    page.fill("input[name=voters_present]", "10")
    page.fill("input[name=votes_for]", "10")
    page.fill("input[name=votes_against]", "0")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#id_voters_present ~ .invalid-feedback, .invalid-feedback").first
           ).to_contain_text("人数不足")
    screenshot(page, "development-vote-refused")
    candidate.refresh_from_db()
    assert candidate.stage == "object"

    page.fill("input[name=voters_present]", "16")
    page.fill("input[name=votes_for]", "14")
    page.fill("input[name=votes_against]", "2")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("支部大会")
    page.get_by_role("link", name="上级党委审批").click()
    page.fill("input[name=approved_on]", f"{today:%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("上级党委审批")
    screenshot(page, "development-approved")

    member = Member.objects.get(id_number=candidate.id_number)
    assert (member.status, member.joined_on) == (Member.Status.PROBATIONARY,
                                                 today - timedelta(days=5))
    page.get_by_role("link", name="党员名册记录").click()
    expect(page.locator("main")).to_contain_text("预备党员")

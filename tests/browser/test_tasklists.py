"""任务清单 as the street and a community live it: the street issues a task to three
communities, one community assigns and completes its items, the street accepts one and
returns one with a reason, and the community finds it returned."""
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from portal.tasklists.models import Task, TaskItem

TITLE = "背街小巷环境整治"


def test_street_issues_community_completes_street_accepts_and_returns(page, live_server,
                                                                      login, demo, screenshot):
    deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
    login(page, "jiedao")
    page.get_by_role("link", name="任务清单").first.click()
    expect(page.locator("h1")).to_contain_text("任务清单")
    page.get_by_role("link", name="下发任务").click()
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=instructions]", "清理背街小巷乱堆乱放，规范非机动车停放。")
    page.fill("input[name=deadline]", deadline)
    # Every community of the street is ticked by default: three in the demo.
    expect(page.locator("input[name=communities]:checked")).to_have_count(3)
    page.click("main button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("共 3 项")
    expect(page.locator("#task-items tbody tr")).to_have_count(3)
    screenshot(page, "tasklists-task")
    task = Task.objects.get(title=TITLE)
    running = TaskItem.objects.get(task__title="防汛安全隐患排查", community__name="兰新社区党委")

    login(page, "shequ")
    todo = page.locator("#task-items-todo")
    todo.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="分派").click()
    page.fill("input[name=assignee]", "王敏")
    page.click("main button[type=submit]")
    expect(page.locator("#item-responsible")).to_have_text("王敏")
    page.get_by_role("link", name="报告办理情况").click()
    page.check("input[name=done][value=done]")
    page.fill("textarea[name=note]", "已清理完毕。")
    page.click("main button[type=submit]")
    expect(page.locator("#item-status")).to_have_text("待验收")
    page.goto(f"{live_server.url}/tasks/items/{running.pk}/report/")
    page.check("input[name=done][value=done]")
    page.fill("textarea[name=note]", "已排查地下车库。")
    page.click("main button[type=submit]")
    expect(page.locator("#item-status")).to_have_text("待验收")
    # The community never reaches another community's item.
    other = task.items.exclude(community__name="兰新社区党委").first()
    response = page.goto(f"{live_server.url}/tasks/items/{other.pk}/")
    assert response.status == 404

    login(page, "jiedao")
    mine = task.items.get(community__name="兰新社区党委")
    page.goto(f"{live_server.url}/tasks/items/{mine.pk}/")
    page.get_by_role("button", name="验收通过").click()
    expect(page.locator("#item-status")).to_have_text("已验收")
    page.goto(f"{live_server.url}/tasks/items/{running.pk}/")
    page.get_by_role("link", name="退回重办").click()
    page.fill("textarea[name=reason]", "台账缺少低洼小区。")
    page.click("main button[type=submit]")
    expect(page.locator("#item-status")).to_have_text("退回重办")
    screenshot(page, "tasklists-returned")

    login(page, "shequ")
    page.goto(f"{live_server.url}/tasks/items/{running.pk}/")
    expect(page.locator("#item-history")).to_contain_text("台账缺少低洼小区。")
    expect(page.get_by_role("link", name="报告办理情况")).to_be_visible()

"""任务清单: issuing, 责任到人, reports, acceptance and return, overdue on a constructed calendar,
scope, reminders, the dashboard's to-do list, the bulletin and the ranking input."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Notification
from activities.reminders import scan
from organizations.factories import BranchFactory, CommunityFactory, GridFactory
from portal.models import RankingWeight
from portal.ranking import weekly_ranking, week_of
from portal.tasklists import services
from portal.tasklists.factories import TaskFactory, TaskItemFactory
from portal.tasklists.models import Task, TaskItem, TaskItemEvent
from tests.portal.images import png_upload

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _issue(world, communities, breakdown=services.WHOLE, deadline=None):
    return services.task_issue(
        street=world.street, title="文明城市迎检", instructions="逐点整治", attachment=None,
        deadline=deadline or timezone.localdate() + timedelta(days=5), communities=communities,
        breakdown=breakdown, issued_by=world.users["official"])


def test_issue_makes_one_item_per_community_or_per_grid(world):
    third = CommunityFactory(parent=world.street)
    task = _issue(world, [world.community, world.other_community, third])
    assert sorted(task.items.values_list("community_id", flat=True)) == sorted(
        [world.community.pk, world.other_community.pk, third.pk])
    assert set(task.items.values_list("status", flat=True)) == {TaskItem.Status.NEW}
    second_grid = GridFactory(community=world.community, name="第二网格")
    per_grid = _issue(world, [world.community, world.other_community], services.PER_GRID)
    # C1 has two grids; C2 has none and gets one item for the whole community.
    assert sorted((i.community_id, i.grid_id) for i in per_grid.items.all()) == sorted(
        [(world.community.pk, world.grid.pk), (world.community.pk, second_grid.pk),
         (world.other_community.pk, None)])


def test_issue_refuses_other_streets_and_past_deadlines(world):
    with pytest.raises(ValidationError) as error:
        _issue(world, [world.other_street_community])
    assert "communities" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        _issue(world, [world.community], deadline=timezone.localdate() - timedelta(days=1))
    assert "deadline" in error.value.error_dict
    assert not Task.objects.exists()


def test_assign_report_accept(world):
    item = _issue(world, [world.community]).items.get()
    staff = world.users["staff"]
    services.item_assign(item=item, actor=staff, assignee="", branch=world.branch)
    assert item.status == TaskItem.Status.ASSIGNED and item.responsible == world.branch.name
    services.item_report(item=item, actor=staff, note="已完成一半", attachment=None, done=False)
    assert item.status == TaskItem.Status.ASSIGNED
    services.item_report(item=item, actor=staff, note="已完成", attachment=None, done=True)
    assert item.status == TaskItem.Status.REPORTED
    assert item.reported_on == timezone.localdate()
    services.item_accept(item=item, actor=world.users["official"])
    assert item.status == TaskItem.Status.ACCEPTED
    with pytest.raises(ValidationError, match="不能重复验收"):
        services.item_accept(item=item, actor=world.users["official"])
    assert list(item.events.values_list("action", flat=True)) == [
        "issued", "assigned", "progress", "reported", "accepted"]


def test_return_needs_a_reason_and_reopens_the_item(world):
    item = _issue(world, [world.community]).items.get()
    with pytest.raises(ValidationError, match="尚未报告完成"):
        services.item_accept(item=item, actor=world.users["official"])
    services.item_report(item=item, actor=world.users["staff"], note="已完成", attachment=None,
                         done=True)
    with pytest.raises(ValidationError) as error:
        services.item_return(item=item, actor=world.users["official"], reason="  ")
    assert "reason" in error.value.error_dict
    services.item_return(item=item, actor=world.users["official"], reason="仍有车辆乱停")
    assert item.status == TaskItem.Status.RETURNED and item.reported_on is None
    with pytest.raises(ValidationError, match="只有待验收"):
        services.item_return(item=item, actor=world.users["official"], reason="再退")
    # Returned: the community works on it again.
    services.item_report(item=item, actor=world.users["staff"], note="已重新整治",
                         attachment=None, done=True)
    assert item.status == TaskItem.Status.REPORTED


def test_assign_refuses_another_communitys_branch_and_empty(world):
    item = _issue(world, [world.community]).items.get()
    with pytest.raises(ValidationError) as error:
        services.item_assign(item=item, actor=world.users["staff"], assignee="",
                             branch=world.other_branch)
    assert "branch" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.item_assign(item=item, actor=world.users["staff"], assignee=" ", branch=None)
    assert "assignee" in error.value.error_dict
    assert TaskItem.objects.get(pk=item.pk).status == TaskItem.Status.NEW


@pytest.mark.parametrize("moment, overdue", [
    ("2026-03-31 23:59:00", False),  # the deadline's last minute in Shanghai
    ("2026-04-01 00:01:00", True),   # still 31 March in UTC
])
def test_overdue_from_the_day_after_the_deadline(world, moment, overdue):
    task = TaskFactory(street=world.street, deadline=date(2026, 3, 31))
    item = TaskItemFactory(task=task, community=world.community)
    reported = TaskItemFactory(task=task, community=world.community,
                               status=TaskItem.Status.REPORTED)
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI),
                             tick=False):
        today = timezone.localdate()
        assert item.is_overdue() is overdue
        assert list(TaskItem.objects.overdue(today)) == ([item] if overdue else [])
        assert not reported.is_overdue()
        scan(sources=["task_item_overdue"])
        reminded = Notification.objects.filter(category="task_item_overdue")
        assert list(reminded.values_list("recipient__username", flat=True)) == (
            ["staff"] if overdue else [])


def test_overdue_reminder_is_sent_once_and_not_after_reporting(world):
    with time_machine.travel(datetime(2026, 4, 2, 9, tzinfo=SHANGHAI), tick=False):
        task = TaskFactory(street=world.street, deadline=date(2026, 3, 31))
        item = TaskItemFactory(task=task, community=world.community)
        scan(sources=["task_item_overdue"])
        scan(sources=["task_item_overdue"])
        assert Notification.objects.filter(category="task_item_overdue").count() == 1
        from activities.reminders import SOURCES

        is_current = SOURCES["task_item_overdue"].is_current
        assert is_current(item.pk, "task_item_overdue:20260331", timezone.now())
        services.item_report(item=item, actor=world.users["staff"], note="已完成",
                             attachment=None, done=True)
        assert not is_current(item.pk, "task_item_overdue:20260331", timezone.now())


def test_a_community_never_sees_another_communitys_items(world, client_as):
    task = _issue(world, [world.community, world.other_community])
    mine = task.items.get(community=world.community)
    theirs = task.items.get(community=world.other_community)
    client = client_as(world.users["staff"])
    page = client.get(reverse("tasklists:item_list")).content.decode()
    assert reverse("tasklists:item_detail", args=[mine.pk]) in page
    assert reverse("tasklists:item_detail", args=[theirs.pk]) not in page
    for name in ["item_detail", "item_assign", "item_report"]:
        assert client.get(reverse(f"tasklists:{name}", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("tasklists:task_detail", args=[task.pk])).status_code == 404
    assert client.post(reverse("tasklists:item_report", args=[theirs.pk]), {
        "done": "done", "note": "冒名报告"}).status_code == 404
    assert TaskItem.objects.get(pk=theirs.pk).status == TaskItem.Status.NEW
    # Another street's official cannot review.
    services.item_report(item=mine, actor=world.users["staff"], note="已完成", attachment=None,
                         done=True)
    other = client_as(world.users["official_other"])
    assert other.post(reverse("tasklists:item_accept", args=[mine.pk])).status_code == 404
    assert TaskItem.objects.get(pk=mine.pk).status == TaskItem.Status.REPORTED


def test_bad_input_is_shown_next_to_the_field_and_nothing_saved(world, client_as):
    client = client_as(world.users["official"])
    response = client.post(reverse("tasklists:task_create", args=[world.street.pk]), {
        "title": "迎检", "instructions": "整治", "breakdown": "whole",
        "deadline": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "communities": [world.community.pk]})
    assert response.status_code == 200
    assert "完成期限不能早于今天。" in response.content.decode()
    assert not Task.objects.exists()
    item = _issue(world, [world.community]).items.get()
    staff = client_as(world.users["staff"])
    response = staff.post(reverse("tasklists:item_report", args=[item.pk]), {"done": "done"})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    response = staff.post(reverse("tasklists:item_assign", args=[item.pk]), {"assignee": ""})
    assert "请填写责任人或选择责任支部。" in response.content.decode()
    assert TaskItem.objects.get(pk=item.pk).status == TaskItem.Status.NEW


def test_report_with_a_file_and_without_one(world, client_as):
    item = _issue(world, [world.community]).items.get()
    staff = client_as(world.users["staff"])
    response = staff.post(reverse("tasklists:item_report", args=[item.pk]), {
        "done": "progress", "note": "已完成一半", "attachment": png_upload()})
    assert response.status_code == 302
    event = item.events.get(action=TaskItemEvent.Action.PROGRESS)
    assert staff.get(reverse("tasklists:event_attachment", args=[event.pk])).status_code == 200
    staff.post(reverse("tasklists:item_report", args=[item.pk]), {"done": "done",
                                                                 "note": "已完成"})
    assert TaskItem.objects.get(pk=item.pk).status == TaskItem.Status.REPORTED


def test_community_dashboard_lists_open_items(world, client_as):
    task = _issue(world, [world.community, world.other_community])
    page = client_as(world.users["staff"]).get(
        reverse("dashboards:community", args=[world.community.pk])).content.decode()
    assert 'id="task-items-todo"' in page
    assert reverse("tasklists:item_detail", args=[
        task.items.get(community=world.community).pk]) in page
    assert reverse("tasklists:item_detail", args=[
        task.items.get(community=world.other_community).pk]) not in page


def test_task_pages_query_counts(world, client_as, django_assert_max_num_queries):
    for _index in range(3):
        task = _issue(world, [world.community, world.other_community,
                              CommunityFactory(parent=world.street)])
        for item in task.items.all():
            services.item_assign(item=item, actor=world.users["official"], assignee="王敏",
                                 branch=None)
    official = client_as(world.users["official"])
    with django_assert_max_num_queries(12):
        assert official.get(reverse("tasklists:task_list", args=[world.street.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert official.get(reverse("tasklists:task_detail", args=[task.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert official.get(reverse("tasklists:item_list")).status_code == 200
    item = task.items.first()
    with django_assert_max_num_queries(12):
        assert official.get(reverse("tasklists:item_detail", args=[item.pk])).status_code == 200


def test_bulletin_counts_the_days_task_work(world, client_as):
    item = _issue(world, [world.community]).items.get()
    services.item_report(item=item, actor=world.users["staff"], note="已完成", attachment=None,
                         done=True)
    page = client_as(world.users["official"]).get(
        reverse("dashboards:bulletin", args=[world.street.pk])).content.decode()
    assert 'id="bulletin-tasks"' in page and "数据来源" in page


def test_task_completion_counts_in_the_ranking_only_with_a_weight(world):
    today = timezone.localdate()
    start, end = week_of(today)
    task = TaskFactory(street=world.street, deadline=start)
    TaskItemFactory(task=task, community=world.community, status=TaskItem.Status.ACCEPTED,
                    reported_on=start, accepted_on=start)
    TaskItemFactory(task=task, community=world.other_community)
    communities = [world.community, world.other_community]
    rows, weights = weekly_ranking(world.street, communities, start, end, today)
    assert weights["task_completion"] == Decimal(0)
    scores = {row.community.pk: row.score for row in rows}
    assert scores[world.community.pk] == scores[world.other_community.pk]
    RankingWeight.objects.create(node=world.street, input_key="task_completion",
                                 weight=Decimal(100))
    rows, _weights = weekly_ranking(world.street, communities, start, end, today)
    scores = {row.community.pk: row.score for row in rows}
    assert scores[world.community.pk] > scores[world.other_community.pk]

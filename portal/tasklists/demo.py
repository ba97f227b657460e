"""Demo 任务清单: in every community, one item in each state (new, assigned and overdue,
reported, returned, accepted) of a task due two days ago, and a task still running."""
from datetime import timedelta

from django.utils import timezone

from portal.models import InspectionPoint
from portal.tasklists.models import Task, TaskItem, TaskItemEvent

PAST_TASK = "创建文明城市点位环境整治"
RUNNING_TASK = "防汛安全隐患排查"


def seed(context):
    staff = context.users.get("shequ")
    if context.users.get("jiedao") is None or staff is None or context.street is None:
        return
    # Every street issues its own task lists, signed by its own official.
    for street in context.street_nodes or [context.street]:
        official = context.street_officials.get(street.pk, context.users["jiedao"])
        _street_tasks(context, street, official, context.street_staff.get(street.pk, staff),
                      context.communities_of(street))


def _street_tasks(context, street, official, staff, communities):
    if Task.objects.filter(street=street, title=PAST_TASK).exists():
        return
    today, now = context.today, timezone.now()
    past = Task.objects.create(
        street=street, title=PAST_TASK, deadline=today - timedelta(days=2),
        instructions="对照任务清单逐点整治：清理乱堆乱放、规范非机动车停放、补齐公益广告。",
        issued_by=official, issued_at=now - timedelta(days=10))
    running = Task.objects.create(
        street=street, title=RUNNING_TASK, deadline=today + timedelta(days=7),
        instructions="排查辖区地下车库、低洼小区的防汛设施，建立隐患台账。",
        issued_by=official, issued_at=now - timedelta(days=1))
    Status, Action = TaskItem.Status, TaskItemEvent.Action
    issued = (Action.ISSUED, official, "", 10)
    assigned = (Action.ASSIGNED, staff, "王敏", 9)
    reported = (Action.REPORTED, staff, "已完成清理，点位整洁。", 3)
    # (status, fields, history) of each item of the past task in a community.
    states = [
        (Status.NEW, {}, [issued]),
        (Status.ASSIGNED, {"assignee": "王敏"}, [
            issued, assigned, (Action.PROGRESS, staff, "已清理一半，剩余周末完成。", 4)]),
        (Status.REPORTED, {"assignee": "王敏", "reported_on": today - timedelta(days=3)},
         [issued, assigned, reported]),
        (Status.RETURNED, {"assignee": "王敏"}, [
            issued, assigned, reported, (Action.RETURNED, official, "复查时仍有车辆乱停，请重新整治。", 1)]),
        (Status.ACCEPTED, {"assignee": "王敏", "reported_on": today - timedelta(days=3),
                           "accepted_on": today - timedelta(days=2)},
         [issued, assigned, reported, (Action.ACCEPTED, official, "", 2)]),
    ]
    events = []
    for community in communities:
        points = list(InspectionPoint.objects.filter(community=community).active()
                      .order_by("pk")[:len(states)])
        for index, (status, fields, history) in enumerate(states):
            item = TaskItem.objects.create(
                task=past, community=community, deadline=past.deadline, status=status,
                point=points[index] if index < len(points) else None, **fields)
            events += [TaskItemEvent(item=item, action=action, actor=actor, note=note,
                                     at=now - timedelta(days=days_ago))
                       for action, actor, note, days_ago in history]
        item = TaskItem.objects.create(task=running, community=community,
                                       deadline=running.deadline)
        events.append(TaskItemEvent(item=item, action=Action.ISSUED, actor=official,
                                    at=now - timedelta(days=1)))
    TaskItemEvent.objects.bulk_create(events)

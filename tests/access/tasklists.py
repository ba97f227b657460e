"""任务清单: the street's task pages, the community's items."""
from tests.access import Entry, expect

# The street's task pages: street A's officials only.
STREET = expect(secretary=404, staff=404)
# Item lists filtered by scope: officials and community staff, each their own part.
ITEM_LIST = expect(secretary=404, staff_other=200, official_other=200)
# An item of C1: its community's staff and street A's officials.
ITEM = expect(secretary=404)
# Writes of C1's staff.
STAFF_WRITE = expect(secretary=404, official=404)
# Reviews by street A's officials.
REVIEW = expect(secretary=404, staff=404)


def _records(world):
    """A task of street A with an attachment, its item of C1 reported done with a file:
    recreated for each role, since accepting consumes the reported state."""
    from portal.tasklists.factories import TaskFactory, TaskItemFactory
    from portal.tasklists.models import TaskItem, TaskItemEvent
    from tests.portal.images import png_upload

    if "task" not in world.extra:
        task = TaskFactory(street=world.street, issued_by=world.users["official"],
                           attachment=png_upload("notice.png"))
        world.extra["task"] = task
        world.extra["item"] = TaskItemFactory(task=task, community=world.community)
        world.extra["event"] = TaskItemEvent.objects.create(
            item=world.extra["item"], action=TaskItemEvent.Action.REPORTED,
            attachment=png_upload("done.png"), actor=world.users["staff"])
    TaskItem.objects.filter(pk=world.extra["item"].pk).update(
        status=TaskItem.Status.REPORTED, accepted_on=None)


street = lambda w: {"pk": w.street.pk}  # noqa: E731
task = lambda w: {"pk": w.extra["task"].pk}  # noqa: E731
item = lambda w: {"pk": w.extra["item"].pk}  # noqa: E731

ENTRIES = [
    Entry("tasklists:task_list", street, expect=STREET, setup=_records),
    Entry("tasklists:task_create", street, expect=STREET),
    Entry("tasklists:task_detail", task, expect=STREET, setup=_records),
    Entry("tasklists:task_attachment", task, expect=ITEM, setup=_records),
    Entry("tasklists:item_list", expect=ITEM_LIST, setup=_records),
    Entry("tasklists:item_detail", item, expect=ITEM, setup=_records),
    Entry("tasklists:item_assign", item, expect=STAFF_WRITE, setup=_records),
    Entry("tasklists:item_report", item, expect=STAFF_WRITE, setup=_records),
    Entry("tasklists:item_accept", item, method="post", setup=_records,
          expect=expect(secretary=404, staff=404, official=302)),
    Entry("tasklists:item_return", item, expect=REVIEW, setup=_records),
    Entry("tasklists:event_attachment", lambda w: {"pk": w.extra["event"].pk},
          expect=ITEM, setup=_records),
]

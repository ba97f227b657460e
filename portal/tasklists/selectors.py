"""任务清单 figures the street's reports read: from the items' own records, never typed again."""
from django.db.models import Count, Q

from portal.tasklists.models import TaskItem


def day_figures(street, day):
    """Per community of the street: items reported and accepted on `day`, and items open past
    their deadline at the end of it. Only communities with something to say, in tree order."""
    rows = (TaskItem.objects.filter(community__path__startswith=street.path)
            .values("community_id", "community__name")
            .annotate(reported=Count("pk", filter=Q(reported_on=day)),
                      accepted=Count("pk", filter=Q(accepted_on=day)),
                      overdue=Count("pk", filter=Q(status__in=TaskItem.OPEN_STATUSES,
                                                   deadline__lt=day)))
            .order_by("community__sort_order", "community__name"))
    return [row for row in rows if row["reported"] or row["accepted"] or row["overdue"]]

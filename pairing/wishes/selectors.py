"""Figures of the wish loop: received, done, on time, average rating, grouped by a field."""
from django.db.models import Avg, Count, F, Q

from pairing.wishes.models import Wish

S = Wish.Status
RECEIVED = ~Q(status__in=[S.MERGED, S.DECLINED])
DONE = Q(status__in=Wish.FINISHED_STATUSES)
# Done on or before the deadline's day (done_at is a moment, due_on a Shanghai day).
ON_TIME = DONE & Q(done_at__date__lte=F("due_on"))


def figures(wishes, *group_by):
    """[{group fields…, received, done, on_time, open, rating}] (one row without group_by).
    Merged and declined wishes are not counted as received: they are not work done or owed."""
    rows = (wishes.order_by().values(*group_by) if group_by else wishes.order_by().values())
    aggregates = {"received": Count("pk", filter=RECEIVED), "done": Count("pk", filter=DONE),
                  "on_time": Count("pk", filter=ON_TIME),
                  "open": Count("pk", filter=Q(status__in=Wish.OPEN_STATUSES)),
                  "rating": Avg("rating")}
    if not group_by:
        return [wishes.order_by().aggregate(**aggregates)]
    return list(rows.annotate(**aggregates).order_by(*group_by))


def totals(wishes):
    return figures(wishes)[0]


def month_by_community(communities, start, end):
    """{community id: figures} of the month start–end: received (submitted in it), done and done
    on time (done in it), open now, average rating (confirmed in it). One grouped query."""
    received = Q(submitted_at__date__gte=start, submitted_at__date__lte=end) & RECEIVED
    done = Q(done_at__date__gte=start, done_at__date__lte=end)
    rows = (Wish.objects.filter(community__in=communities).order_by().values("community_id")
            .annotate(received=Count("pk", filter=received),
                      done=Count("pk", filter=DONE & done),
                      on_time=Count("pk", filter=ON_TIME & done),
                      open=Count("pk", filter=Q(status__in=Wish.OPEN_STATUSES)),
                      rating=Avg("rating", filter=Q(confirmed_at__date__gte=start,
                                                    confirmed_at__date__lte=end))))
    return {row.pop("community_id"): row for row in rows}

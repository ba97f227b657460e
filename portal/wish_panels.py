"""The residents' wishes (微心愿) on the street and community dashboards and the monthly report:
this month's received, done, done on time, average rating, and what is still open."""
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from pairing.wishes.selectors import month_by_community
from portal.panel_types import Panel

EMPTY = {"received": 0, "done": 0, "on_time": 0, "open": 0, "rating": None}


def wishes_panel(scope):
    start, end = scope.month
    by_community = month_by_community(scope.communities, start, end)
    list_url = reverse("wishes:list")
    rows = [(community, {**EMPTY, **by_community.get(community.pk, {}),
                         "url": f"{list_url}?{urlencode({'community': community.pk})}"})
            for community in scope.communities]
    totals = {key: sum(figures[key] for _c, figures in rows)
              for key in ("received", "done", "on_time", "open")}
    ratings = [figures["rating"] for _c, figures in rows if figures["rating"] is not None]
    # The communities' averages weighted equally; the figures page averages over the wishes.
    totals["rating"] = sum(ratings) / len(ratings) if ratings else None
    single = scope.communities[0].pk if len(scope.communities) == 1 else None
    return Panel("wishes", _("居民微心愿（本月）"), {
        "rows": rows, "totals": totals, "month": start,
        "list_url": f"{list_url}?{urlencode({'community': single})}" if single else list_url,
        "figures_url": reverse("wishes:figures"),
    })

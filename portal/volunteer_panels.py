"""志愿服务 on the dashboards: teams, volunteers in them and hours recorded this year, per
community, in one query (activities.volunteers.selectors.community_figures)."""
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from activities.volunteers.selectors import community_figures
from portal.panel_types import Panel


def volunteers_panel(scope):
    figures = community_figures(scope.communities, scope.today.year)
    empty = {"teams": 0, "volunteers": 0, "hours": Decimal("0")}
    teams, volunteers = reverse("volunteers:team_list"), reverse("volunteers:volunteer_list")
    rows = [(community, figures.get(community.pk, empty), f"{teams}?community={community.pk}",
             f"{volunteers}?community={community.pk}") for community in scope.communities]
    totals = {key: sum((row[1][key] for row in rows), empty[key]) for key in empty}
    single = f"?community={scope.communities[0].pk}" if len(scope.communities) == 1 else ""
    return Panel("volunteers", _("志愿服务"), {
        "totals": totals, "rows": rows, "year": scope.today.year,
        "teams_url": teams + single, "volunteers_url": volunteers + single})

"""What the big screen shows: the street dashboard's figures, as JSON a public screen may show.

The figures are the street dashboard's own panels (portal.dashboards), computed the same way
and from the same cache; this module only *copies out* the parts a screen in the 党群服务中心
may show, field by field: counts, rates and the names of communities and months. Nothing is
passed through whole, so a field a panel gains later (a member's name, a link) never reaches
the screen unless it is added here. No panel that lists people or free text (rectification
problems, pending claims) is used, and the weekly ranking of communities only when the street's
减负 setting shows it to everyone (the default shows it to the street's officials only).

A district's screen puts its streets side by side, a row of counts each, and adds them up. The
rows hold only counts, each taken by the function behind the street screen's panel (run once
over every community of the district, then added up per street): nothing reaches the district's
screen that a street's screen would not show, and it costs the same queries for two streets or
ten. tests/kiosk/test_district_kiosk.py compares each row with its street's own screen.
"""
import math
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from activities.volunteers.selectors import community_figures as volunteer_figures
from organizations.models import Node
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Audience, Key
from portal import dashboards
from pairing.models import Contribution
from pairing.wishes.selectors import month_by_community as wishes_by_community
from portal.compliance_panels import compliance_panel, month_status_counts
from portal.dashboards import inspection_figures
from portal.district import STATUSES, DistrictScopes, streets_of
from portal.volunteer_panels import volunteers_panel
from portal.wish_panels import wishes_panel
from portal.work_panels import (activities_panel, activity_totals, contribution_totals,
                                contributions_panel, members_by_status_by_community)

SCREEN_PANELS = [compliance_panel, dashboards.members_panel, dashboards.branches_panel,
                 dashboards.inspections_panel, activities_panel, volunteers_panel,
                 contributions_panel, wishes_panel]


def ranking_on_screen(street):
    """The screen is public: the weekly ranking only when the street shows it to everyone."""
    return street_rules.value(street, Key.WEEKLY_RANKING) == Audience.EVERYONE


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def screen_figures(street, today=None):
    functions = SCREEN_PANELS + ([dashboards.ranking_panel] if ranking_on_screen(street) else [])
    return street_figures(street, today or timezone.localdate(), functions)


def street_figures(street, today, functions):
    """The copied figures of the street's panels among `functions`."""
    scope = dashboards.street_scope(street, today)
    panels = {panel.key: panel.data for panel in dashboards.build_panels(scope, functions)}
    communities = [community.name for community in scope.communities]
    figures = {
        "street": street.name,
        "today": today.isoformat(),
        "updated_at": timezone.localtime().strftime("%H:%M:%S"),
        "communities": communities,
    }
    for key, copy in COPIERS.items():
        figures[key] = copy(panels[key]) if key in panels else None
    return figures


def _members(data):
    return {"total": data["totals"]["total"], "full": data["totals"]["full"],
            "probationary": data["totals"]["probationary"],
            "categories": [{"label": str(label), "n": n} for _v, label, n in data["categories"]],
            "chart": {"communities": data["chart"]["communities"],
                      "series": [{"name": s["name"], "data": s["data"]}
                                 for s in data["chart"]["series"]]}}


def _branches(data):
    return {"total": data["total"],
            "per_community": [{"community": community.name, "n": n}
                              for community, n, _url in data["rows"]]}


def _compliance(data):
    copied = {"summary": [{"community": community.name, **counts}
                          for community, counts in data["summary"]],
              "red_branches": len(data["red"])}
    if "heat_map" in data:
        heat = data["heat_map"]
        copied["heat_map"] = {"months": heat["months"], "communities": heat["communities"],
                              "statuses": heat["statuses"], "cells": heat["cells"]}
    return copied


def _inspections(data):
    return {"totals": dict(data["totals"]),
            "chart": {"communities": data["chart"]["communities"],
                      "passed": data["chart"]["passed"], "failed": data["chart"]["failed"]}}


def _activities(data):
    return {"year": data["year"],
            "totals": {key: _number(value) for key, value in data["totals"].items()},
            "chart": {"months": [str(month) for month in data["chart"]["months"]],
                      "activities": data["chart"]["activities"],
                      "hours": data["chart"]["hours"]}}


def _volunteers(data):
    return {"year": data["year"],
            "totals": {key: _number(value) for key, value in data["totals"].items()}}


def _contributions(data):
    return {"year": data["year"],
            "kinds": [{"label": str(label), "unit": str(unit), "total": _number(total)}
                      for _key, label, unit, total in data["kinds"]]}


def _wishes(data):
    return {key: _number(data["totals"][key])
            for key in ("received", "done", "on_time", "open", "rating")}


def _ranking(data):
    return {"week_start": data["week_start"].isoformat(),
            "week_end": data["week_end"].isoformat(),
            "communities": data["chart"]["communities"], "scores": data["chart"]["scores"]}


COPIERS = {"members": _members, "branches": _branches, "compliance": _compliance,
           "inspections": _inspections, "activities": _activities, "volunteers": _volunteers,
           "contributions": _contributions, "wishes": _wishes, "ranking": _ranking}


def node_figures(node):
    """What the screen of a link's node shows: a district's, or a street's."""
    if node.kind == Node.Kind.DISTRICT:
        return district_figures(node)
    return screen_figures(node)


# The figures of a street's row that the district's totals add up: all of them but its name.
ROW_FIGURES = ["communities", "branches", "members", "full", "probationary", *STATUSES,
               "red_branches", "inspections", "passed", "failed", "open", "activities", "hours",
               "volunteers", "teams", "volunteer_hours", "wishes_received", "wishes_done",
               "wishes_open"]


def district_figures(district, today=None):
    """The district's streets side by side (no ranking: the weekly ranking ranks a street's
    communities, and only each street decides whether it is public) and added up.

    A street's row holds what its own screen shows, counted by the functions behind the same
    panels; they run once over every community of the district and each street adds up its
    communities (portal/district.py), so the screen costs the same queries for two streets or
    ten. Only counts reach the rows: nothing a street's screen would not show."""
    today = today or timezone.localdate()
    streets = streets_of(district)
    scopes = DistrictScopes(district, streets, today)
    per_street = scopes.per_street(_community_figures(scopes))
    rows = []
    for street in streets:
        scope = scopes.street[street.pk]
        # As the branches panel counts them: every branch under the street not archived.
        rows.append({"street": street.name, "communities": len(scope.communities),
                     "branches": sum(branch.archived_at is None for branch in scope.branches()),
                     **{key: _number(per_street[street.pk][key]) for key in ROW_FIGURES[2:]}})
    return {
        "district": district.name,
        "today": today.isoformat(),
        "updated_at": timezone.localtime().strftime("%H:%M:%S"),
        "streets": rows,
        "totals": {key: _sum(row[key] for row in rows) for key in ROW_FIGURES},
        "contributions": {"year": today.year, "kinds": _kinds(scopes.district.communities,
                                                              today.year)},
    }


def _community_figures(scopes):
    """{community id: {figure: value}} of ROW_FIGURES but the communities and branches, each as
    the screen's panel counts it."""
    scope = scopes.district
    communities, (month_start, month_end) = scope.communities, scope.month
    figures = defaultdict(lambda: dict.fromkeys(ROW_FIGURES[2:], 0))
    # Every branch of a community counts, archived ones too, as the members panel counts them;
    # an archived community's are in no street's sum.
    for community_id, by_status in members_by_status_by_community(communities).items():
        for status, n in by_status.items():
            figures[community_id]["members"] += n
            figures[community_id][status] += n
    for community_id, counts in month_status_counts(list(scopes.street.values())).items():
        figures[community_id].update(counts)
    for community_id, counts in inspection_figures(communities, month_start, month_end,
                                                   scope.today).items():
        figures[community_id].update(inspections=counts["total"], failed=counts["failed"],
                                     passed=counts["total"] - counts["failed"],
                                     open=counts["open"])
    for community_id, counts in activity_totals(communities, scope.today.year).items():
        figures[community_id].update(activities=counts["activities"], hours=counts["hours"])
    for community_id, counts in volunteer_figures(communities, scope.today.year).items():
        figures[community_id].update(volunteers=counts["volunteers"], teams=counts["teams"],
                                     volunteer_hours=counts["hours"])
    for community_id, counts in wishes_by_community(communities, month_start,
                                                    month_end).items():
        figures[community_id].update(wishes_received=counts["received"],
                                     wishes_done=counts["done"], wishes_open=counts["open"])
    return figures


def _sum(values):
    """Counts stay integers; hours and amounts (floats once copied) lose the float noise."""
    values = [value or 0 for value in values]
    if all(isinstance(value, int) for value in values):
        return sum(values)
    return round(math.fsum(values), 2)


def _kinds(communities, year):
    """The co-building kinds of the year over these communities, as a street's screen shows
    them."""
    totals = contribution_totals(communities, year).values()
    return [{"label": str(label), "unit": str(Contribution.UNIT_OF_KIND[value]),
             "total": _number(sum((row[f"{value}_total"] for row in totals), Decimal(0)))}
            for value, label in Contribution.Kind.choices]

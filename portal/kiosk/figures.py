"""What the big screen shows: the street dashboard's figures, as JSON a public screen may show.

The figures are the street dashboard's own panels (portal.dashboards), computed the same way
and from the same cache; this module only *copies out* the parts a screen in the 党群服务中心
may show, field by field: counts, rates and the names of communities and months. Nothing is
passed through whole, so a field a panel gains later (a member's name, a link) never reaches
the screen unless it is added here. No panel that lists people or free text (rectification
problems, pending claims) is used, and the weekly ranking of communities only when the street's
减负 setting shows it to everyone (the default shows it to the street's officials only).

A district's screen puts its streets side by side: each street's figures are those its own
screen shows (`street_figures`, the copies above), reduced to a row of counts, and the district's
are their sums. So nothing reaches the district's screen that a street's screen would not show,
and each street costs the same constant number of queries as its own screen.
"""
import math
from decimal import Decimal

from django.utils import timezone

from organizations.models import Node
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Audience, Key
from portal import dashboards
from portal.compliance_panels import compliance_panel
from portal.district import STATUSES, streets_of
from portal.volunteer_panels import volunteers_panel
from portal.wish_panels import wishes_panel
from portal.work_panels import activities_panel, contributions_panel

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
    communities, and only each street decides whether it is public) and added up."""
    today = today or timezone.localdate()
    copied = [street_figures(street, today, SCREEN_PANELS) for street in streets_of(district)]
    rows = [_street_row(figures) for figures in copied]
    return {
        "district": district.name,
        "today": today.isoformat(),
        "updated_at": timezone.localtime().strftime("%H:%M:%S"),
        "streets": rows,
        "totals": {key: _sum(row[key] for row in rows) for key in ROW_FIGURES},
        "contributions": {"year": today.year, "kinds": _kinds_added_up(copied)},
    }


def _sum(values):
    """Counts stay integers; hours and amounts (floats once copied) lose the float noise."""
    values = [value or 0 for value in values]
    if all(isinstance(value, int) for value in values):
        return sum(values)
    return round(math.fsum(values), 2)


def _street_row(figures):
    """A street's line of the district screen, read from what the street's screen shows."""
    compliance, inspections = figures["compliance"], figures["inspections"]["totals"]
    statuses = {status: sum(row[status] for row in compliance["summary"]) if compliance else 0
                for status in STATUSES}
    activities, volunteers = figures["activities"]["totals"], figures["volunteers"]["totals"]
    return {"street": figures["street"], "communities": len(figures["communities"]),
            "branches": figures["branches"]["total"], "members": figures["members"]["total"],
            "full": figures["members"]["full"],
            "probationary": figures["members"]["probationary"], **statuses,
            "red_branches": compliance["red_branches"] if compliance else 0,
            "inspections": inspections["total"],
            "passed": inspections["total"] - inspections["failed"],
            "failed": inspections["failed"], "open": inspections["open"],
            "activities": activities["activities"], "hours": activities["hours"],
            "volunteers": volunteers["volunteers"], "teams": volunteers["teams"],
            "volunteer_hours": volunteers["hours"],
            "wishes_received": figures["wishes"]["received"],
            "wishes_done": figures["wishes"]["done"], "wishes_open": figures["wishes"]["open"]}


def _kinds_added_up(copied):
    """The co-building kinds of every street, in the streets' own order of kinds."""
    kinds = {}
    for figures in copied:
        for kind in figures["contributions"]["kinds"]:
            added = kinds.setdefault(kind["label"], {**kind, "total": []})
            added["total"].append(kind["total"])
    return [{**kind, "total": _sum(kind["total"])} for kind in kinds.values()]

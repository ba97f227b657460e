"""What the big screen shows: the street dashboard's figures, as JSON a public screen may show.

The figures are the street dashboard's own panels (portal.dashboards), computed the same way
and from the same cache; this module only *copies out* the parts a screen in the 党群服务中心
may show, field by field: counts, rates and the names of communities and months. Nothing is
passed through whole, so a field a panel gains later (a member's name, a link) never reaches
the screen unless it is added here. No panel that lists people or free text (rectification
problems, pending claims) is used, and the weekly ranking of communities only when the street's
减负 setting shows it to everyone (the default shows it to the street's officials only).
"""
from decimal import Decimal

from django.utils import timezone

from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Audience, Key
from portal import dashboards
from portal.compliance_panels import compliance_panel
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
    today = today or timezone.localdate()
    scope = dashboards.street_scope(street, today)
    functions = SCREEN_PANELS + ([dashboards.ranking_panel] if ranking_on_screen(street) else [])
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

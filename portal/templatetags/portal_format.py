"""Template side of portal.i18n_formats and the charts' translated labels."""
from django import template
from django.utils.html import json_script
from django.utils.translation import gettext as _

from portal import i18n_formats

register = template.Library()


@register.filter
def month_label(month):
    return i18n_formats.month_label(month)


@register.simple_tag
def chart_labels():
    """The words the dashboard charts draw (series, axes, units), in the page's language, as a
    json_script element `chart-labels` that static/js/dashboards-charts.js reads."""
    return json_script({
        "meetings": _("三会一课"),
        "activities": _("活动次数"),
        "hours": _("志愿服务时长（小时）"),
        "times": _("次"),
        "hour_unit": _("小时"),
        "people": _("人"),
        "passed": _("合格"),
        "failed": _("不合格"),
        "score": _("得分"),
        "colon": _("："),
    }, "chart-labels")

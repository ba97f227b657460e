"""The audit trail's search page: read only, for street officials and superusers."""
from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django import forms
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kernel.request_params import DayField, page_param
from organizations.forms import DateInput
from organizations.scope import STREET_ROLES, require_grant
from portal.audit import (ACCESS_EVENTS, ACTION_LABELS, change_rows, entries_visible_to,
                          event_label)

PAGE_SIZE = 50
AUDITED_APPS = ("auth", "organizations", "members", "activities", "pairing", "portal")


def object_type_choices():
    models = [model for model in apps.get_models() if model._meta.app_label in AUDITED_APPS]
    return [("", _("全部"))] + sorted(
        ((f"{model._meta.app_label}.{model._meta.model_name}", str(model._meta.verbose_name))
         for model in models), key=lambda choice: choice[1])


def action_choices():
    return ([("", _("全部"))]
            + [(str(value), label) for value, label in ACTION_LABELS.items()]
            + [(f"event:{key}", label) for key, label in ACCESS_EVENTS.items()])


class AuditSearchForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150,
                            help_text=_("用户名或姓名的一部分"))
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    action = forms.ChoiceField(label=_("操作"), required=False)
    date_from = DayField(label=_("开始日期"), required=False, widget=DateInput())
    date_to = DayField(label=_("结束日期"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()
        self.fields["action"].choices = action_choices()
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filter(self, entries):
        data = self.cleaned_data
        if data["actor"]:
            entries = entries.filter(Q(actor__username__icontains=data["actor"])
                                     | Q(actor__first_name__icontains=data["actor"]))
        if data["object_type"]:
            app_label, model = data["object_type"].split(".")
            content_type = ContentType.objects.get_by_natural_key(app_label, model)
            entries = entries.filter(content_type=content_type)
        if data["object_id"]:
            entries = entries.filter(object_pk=data["object_id"].strip())
        if data["action"].startswith("event:"):
            entries = entries.filter(action=LogEntry.Action.ACCESS,
                                     additional_data__event=data["action"].removeprefix("event:"))
        elif data["action"]:
            entries = entries.filter(action=int(data["action"]))
        if data["date_from"]:
            entries = entries.filter(timestamp__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(timestamp__lt=_start_of(data["date_to"] + timedelta(days=1)))
        return entries


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@require_GET
@require_grant(*STREET_ROLES)
def search(request):
    form = AuditSearchForm(request.GET or None)
    entries = entries_visible_to(request.user)
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries.order_by("-timestamp", "-pk"), PAGE_SIZE).get_page(
        page_param(request))
    for entry, rows in zip(page.object_list, change_rows(page.object_list)):
        entry.label = event_label(entry)
        entry.change_rows = rows
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/audit_search.html", {
        "form": form, "page": page, "query": query.urlencode(),
        "filtered": form.is_bound and any(value for key, value in request.GET.items()
                                          if key != "page"),
    })

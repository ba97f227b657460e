"""The roster's filters: django-filter over the scoped member queryset."""
from datetime import date

import django_filters
from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import AccountStatus, Member, account_status_q
from organizations.models import Grid, Node

AGE_BANDS = [
    ("0-35", _("35岁以下")), ("35-50", _("35–49岁")), ("50-60", _("50–59岁")),
    ("60-70", _("60–69岁")), ("70-80", _("70–79岁")), ("80-200", _("80岁及以上")),
]
PARTY_AGE_BANDS = [
    ("0-10", _("不满10年")), ("10-30", _("10–29年")), ("30-50", _("30–49年")),
    ("50-200", _("50年及以上")),
]
SORTS = {
    # By pinyin (阿 before 张 before 赵), as staff read a list of names.
    "name": "name_pinyin", "-name": "-name_pinyin", "joined_on": "joined_on", "-joined_on": "-joined_on",
    "birth_date": "birth_date", "-birth_date": "-birth_date",
    "branch": "branch__path", "-branch": "-branch__path",
}


def _years_ago(today, years):
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return date(today.year - years, 2, 28)


def band_range(band):
    """(born_after, born_on_or_before) dates for an age band "low-high" in whole years."""
    low, high = (int(part) for part in band.split("-"))
    today = timezone.localdate()
    return _years_ago(today, high), _years_ago(today, low)


class NodeSelect(forms.Select):
    """A select of nodes or grids whose options are written from (id, name) rows, not one
    template include (nor one model instance) per option: a street official's filters list
    some 1,500 nodes and grids."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        options = [f'<option value="">{escape(self.choices.field.empty_label or "")}</option>']
        options += [f'<option value="{pk}"{" selected" if str(pk) == selected else ""}>'
                    f'{escape(label)}</option>'
                    for pk, label in self.choices.queryset.values_list("pk", "name")]
        return format_html('<select name="{}"{}>{}</select>', name,
                           flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe("".join(options)))


class MemberFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名、拼音或电话"), method="search")
    community = django_filters.ModelChoiceFilter(label=_("社区"), queryset=Node.objects.none(),
                                                 field_name="branch__parent", widget=NodeSelect)
    branch = django_filters.ModelChoiceFilter(label=_("支部"), queryset=Node.objects.none(),
                                              widget=NodeSelect)
    group = django_filters.ModelChoiceFilter(label=_("党小组"), queryset=Node.objects.none(),
                                             widget=NodeSelect)
    grid = django_filters.ModelChoiceFilter(label=_("网格"), queryset=Grid.objects.none(),
                                            widget=NodeSelect)
    category = django_filters.ChoiceFilter(label=_("党员类别"), choices=Member.Category.choices)
    status = django_filters.ChoiceFilter(label=_("党员类型"), choices=Member.Status.choices)
    age = django_filters.ChoiceFilter(label=_("年龄段"), choices=AGE_BANDS, method="age_band")
    party_age = django_filters.ChoiceFilter(label=_("党龄段"), choices=PARTY_AGE_BANDS,
                                            method="party_age_band")
    account = django_filters.ChoiceFilter(
        label=_("账号"), method="account_status",
        choices=[*AccountStatus.choices, ("to_reach", _("待联系（未激活）")),
                 ("no_smartphone", _("不使用手机"))])
    left = django_filters.BooleanFilter(label=_("含已离开"), method="include_left",
                                        widget=forms.CheckboxInput)
    sort = django_filters.ChoiceFilter(label=_("排序"), method="sort_by", empty_label=None,
                                       choices=[(key, key) for key in SORTS],
                                       widget=forms.HiddenInput)

    class Meta:
        model = Member
        fields = []

    def __init__(self, data=None, *args, user, **kwargs):
        super().__init__(data, *args, **kwargs)
        nodes = Node.objects.visible_to(user).active()
        self.filters["community"].queryset = nodes.filter(kind=Node.Kind.COMMUNITY)
        self.filters["branch"].queryset = nodes.filter(kind=Node.Kind.BRANCH)
        self.filters["group"].queryset = nodes.filter(kind=Node.Kind.GROUP)
        self.filters["grid"].queryset = Grid.objects.visible_to(user).filter(
            archived_at__isnull=True)
        for field in self.form.fields.values():
            css = {"select": "form-select", "checkbox": "form-check-input"}.get(
                getattr(field.widget, "input_type", "select"), "form-control")
            field.widget.attrs.setdefault("class", f"{css} form-select-sm"
                                          if css == "form-select" else css)

    @property
    def qs(self):
        members = super().qs
        cleaned = getattr(self.form, "cleaned_data", {})
        if not cleaned.get("left"):
            members = members.active()
        if not cleaned.get("sort"):
            members = members.order_by("branch__path", "name_pinyin", "name")
        return members

    def search(self, queryset, name, value):
        # 张三 by 张, zhangsan, zhang or zs; or by a part of the phone number.
        return queryset.search(value, also=["phone"])

    def age_band(self, queryset, name, value):
        born_after, born_by = band_range(value)
        return queryset.filter(birth_date__gt=born_after, birth_date__lte=born_by)

    def party_age_band(self, queryset, name, value):
        since_after, since_by = band_range(value)
        return queryset.filter(
            Q(full_member_on__gt=since_after, full_member_on__lte=since_by)
            | Q(full_member_on__isnull=True, status=Member.Status.FULL,
                joined_on__gt=since_after, joined_on__lte=since_by))

    def account_status(self, queryset, name, value):
        if value == "to_reach":
            return queryset.to_reach()
        if value == "no_smartphone":
            return queryset.filter(no_smartphone=True)
        return queryset.filter(account_status_q(value))

    def include_left(self, queryset, name, value):
        return queryset

    def sort_by(self, queryset, name, value):
        return queryset.order_by(SORTS[value], "pk")

    def active_filters(self):
        """[(label, shown value)] of the filters in use, for the list's heading."""
        shown = []
        if not self.is_bound or not self.form.is_valid():
            return shown
        for field_name, value in self.form.cleaned_data.items():
            if field_name == "sort" or value in (None, "", False):
                continue
            field = self.form.fields[field_name]
            if hasattr(field, "choices") and not hasattr(value, "pk"):
                value = dict(field.choices).get(value, value)
            shown.append((field.label, value if value is not True else _("是")))
        return shown

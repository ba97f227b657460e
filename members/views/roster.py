from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import saved
from kernel.request_params import page_param
from members import duplicates, moves, points, sections, selectors, services
from members.filters import MemberFilter
from members.forms import ConvertForm, ExtendForm, LeaveForm, MemberForm, TransferForm
from members.models import Member
from organizations.scope import STAFF_ROLES, WRITE_ROLES, covers, require_grant
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Key

PAGE_SIZE = 50


def visible_member(request, pk):
    return get_object_or_404(Member.objects.visible_to(request.user), pk=pk)


def editable_member(request, pk):
    return get_object_or_404(Member.objects.editable_by(request.user), pk=pk)


def filtered_roster(request):
    return MemberFilter(request.GET or None, queryset=selectors.roster(request.user),
                        user=request.user)


@require_grant()
def roster(request):
    member_filter = filtered_roster(request)
    members = member_filter.qs
    counts, branch_counts = selectors.roster_summary(members)
    paginator = Paginator(members, PAGE_SIZE)
    # The summary has just counted these rows: the paginator need not count them again.
    paginator.count = counts["total"]
    page = paginator.get_page(page_param(request))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    can_write = Member.objects.editable_by(request.user).exists() or request.user.is_superuser
    return render(request, "members/roster.html", {
        "filter": member_filter,
        "page": page,
        "counts": counts,
        "branch_counts": branch_counts,
        "category_counts": [(label, counts[f"category_{value}"])
                            for value, label in Member.Category.choices],
        "active_filters": member_filter.active_filters(),
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "sort": request.GET.get("sort", ""),
        "can_write": can_write,
        # One query on the usual path: only a number not in the normal form costs more.
        "duplicate_groups": len(duplicates.suspected_duplicates(
            Member.objects.editable_by(request.user))) if can_write else 0,
    })


@require_grant(*WRITE_ROLES)
def member_duplicates(request):
    """疑似重复党员: records of one person entered twice before ID numbers were normalized."""
    return render(request, "members/duplicates.html", {
        "groups": duplicates.suspected_duplicates(Member.objects.editable_by(request.user))})


@require_grant()
def member_detail(request, pk):
    member = get_object_or_404(
        Member.objects.visible_to(request.user).select_related(
            "branch", "group", "grid", "employer_unit", "user"), pk=pk)
    year = timezone.localdate().year
    return render(request, "members/member_detail.html", {
        "member": member,
        "show_ranking": street_rules.shown_to(request.user, member.branch, Key.POINTS_RANKING),
        "can_edit": covers(request.user, member.branch.path, WRITE_ROLES),
        "is_community_staff": covers(request.user, member.branch.path, STAFF_ROLES),
        "transfers": member.transfers.select_related("from_branch", "to_branch", "recorded_by"),
        "moves": moves.history(member),
        "claims": selectors.claims_for_member(member),
        "registrations": selectors.registrations_for_member(member),
        "entries": selectors.points_entries_for_member(member, year)[:20],
        "year": year,
        "points_total": points.total_for(member, year),
        "revealed_id": request.session.pop(f"revealed_id_{member.pk}", None),
        **sections.context("member_detail", member),
        "activation_codes": member.activation_codes.select_related("issued_by")[:10]
        if member.user_id else [],
    })


@require_POST
@require_grant()
def member_reveal_id(request, pk):
    member = editable_member(request, pk)
    # Shown once on the next page view only; the reveal itself is what the log records.
    request.session[f"revealed_id_{member.pk}"] = services.member_reveal_id_number(
        member=member, user=request.user)
    return redirect(member)


@require_grant(*WRITE_ROLES)
def member_create(request):
    form = MemberForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        member = form.save()
        messages.success(request, _("已添加党员“%(name)s”。") % {"name": member.name})
        return redirect(member)
    return render(request, "form_page.html", {"form": form, "title": _("新增党员"),
                                              "cancel_url": reverse("members:roster")})


@require_grant()
def member_edit(request, pk):
    member = editable_member(request, pk)
    form = MemberForm(request.POST or None, instance=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(member)
    return render(request, "form_page.html", {
        "form": form, "title": _("编辑党员：%(name)s") % {"name": member.name},
        "cancel_url": member.get_absolute_url()})


def _action_page(request, member, form, title, action):
    """A small form that calls one service; its ValidationError lands next to the fields."""
    if request.method == "POST" and saved(form, lambda: action(form.cleaned_data)):
        messages.success(request, _("已保存。"))
        return redirect(member)
    return render(request, "form_page.html", {
        "form": form, "title": f"{title}：{member.name}", "cancel_url": member.get_absolute_url()})


@require_grant()
def member_transfer(request, pk):
    member = editable_member(request, pk)
    form = TransferForm(request.POST or None, user=request.user, member=member)
    return _action_page(request, member, form, _("组织关系转接"), lambda data: (
        services.member_transfer(member=member, to_branch=data["to_branch"],
                                 transferred_on=data["transferred_on"], note=data["note"],
                                 user=request.user)))


@require_grant()
def member_leave(request, pk):
    member = editable_member(request, pk)
    form = LeaveForm(request.POST or None)
    return _action_page(request, member, form, _("离开党员名册"), lambda data: (
        services.member_leave(member=member, left_on=data["left_on"], reason=data["reason"],
                              note=data["note"])))


@require_POST
@require_grant()
def member_restore(request, pk):
    member = editable_member(request, pk)
    try:
        services.member_restore(member=member, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已恢复到党员名册。"))
    return redirect(member)


@require_grant()
def member_convert(request, pk):
    member = editable_member(request, pk)
    form = ConvertForm(request.POST or None)
    return _action_page(request, member, form, _("按期转正"), lambda data: (
        services.member_convert(member=member, decided_on=data["decided_on"])))


@require_grant()
def member_extend(request, pk):
    member = editable_member(request, pk)
    form = ExtendForm(request.POST or None)
    return _action_page(request, member, form, _("延长预备期"), lambda data: (
        services.member_extend_probation(member=member, months=data["months"],
                                         decided_on=data["decided_on"])))


@require_grant()
def probation_due(request):
    return render(request, "members/probation_due.html",
                  {"members": selectors.probation_due(request.user), "days": 60})

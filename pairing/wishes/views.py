"""Staff and officials' pages of the wish loop. Street officials read; the community's staff
keep the records; a wish outside the user's scope is a 404. The residents' public pages are
in public_views.py, the members' phone pages in member_views.py."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.request_params import search_param
from organizations.models import Node
from organizations.scope import STAFF_ROLES, covers
from pairing.views import community_filter, form_page, readers, saved, visible_communities, writers
from pairing.wishes import selectors, services
from pairing.wishes.forms import (AcceptForm, ConfirmForm, DispatchForm, DoneForm, MergeForm,
                                  ReasonForm, StaffWishForm)
from pairing.wishes.models import Wish

LIST_SIZE = 200


@readers
def wish_list(request):
    wishes = Wish.objects.visible_to(request.user).select_related(
        "community", "grid", "member", "unit", "team")
    wishes, community = community_filter(request, wishes)
    status = request.GET.get("status")
    if status == "open":
        wishes = wishes.open()
    elif status in Wish.Status.values:
        wishes = wishes.filter(status=status)
    else:
        status = ""
    search = search_param(request)
    wishes = wishes.search_for(request.user, search)
    communities = visible_communities(request)
    return render(request, "wishes/wish_list.html", {
        "wishes": wishes[:LIST_SIZE], "community": community, "status": status,
        "search": search,
        "statuses": Wish.Status.choices, "communities": communities,
        "can_write": any(covers(request.user, node.path, STAFF_ROLES) for node in communities)})


@writers
def wish_create(request):
    form = StaffWishForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.instance.community = form.cleaned_data["community"]
    wish = saved(form, lambda: services.wish_receive(wish=form.instance, user=request.user))
    if wish:
        messages.success(request, _("已登记心愿“%(title)s”。") % {"title": wish.title})
        return redirect(wish)
    return form_page(request, form, _("登记居民心愿"), reverse("wishes:list"))


@readers
def wish_detail(request, pk):
    wish = get_object_or_404(Wish.objects.visible_to(request.user).select_related(
        "community", "grid", "member", "unit", "team", "duplicate_of", "need", "recorded_by"),
        pk=pk)
    can_edit = covers(request.user, wish.community.path, STAFF_ROLES)
    return render(request, "wishes/wish_detail.html", {
        "wish": wish, "can_edit": can_edit, "S": Wish.Status,
        "duplicates": wish.duplicates.all(),
        "overdue": wish.is_overdue(),
        "resident_link": request.build_absolute_uri(wish.resident_url()) if can_edit else "",
        "suggested_resources": _suggested_resources(wish) if can_edit else []})


def _suggested_resources(wish):
    """Resources of the community's units in the wish's category: it may become a need."""
    from pairing.models import Resource

    if wish.status != Wish.Status.ACCEPTED or wish.need_id:
        return []
    return list(Resource.objects.available().filter(
        unit__communities=wish.community, category=wish.category).select_related("unit")[:5])


def _action(request, pk, form_class, title, run, done_message, form_kwargs=None):
    """One transition on a wish of the user's community: its form, then the service."""
    wish = get_object_or_404(Wish.objects.managed_by_staff(request.user)
                             .select_related("community"), pk=pk)
    form = form_class(request.POST or None, **(form_kwargs(wish) if form_kwargs else {}))
    if saved(form, lambda: run(wish, form.cleaned_data)):
        messages.success(request, done_message)
        return redirect(wish)
    return form_page(request, form, f"{title}：{wish.title}", wish.get_absolute_url())


@writers
def wish_accept(request, pk):
    return _action(request, pk, AcceptForm, _("受理"),
                   lambda wish, data: services.wish_accept(wish=wish, due_on=data["due_on"]),
                   _("已受理。"))


@writers
def wish_merge(request, pk):
    return _action(request, pk, MergeForm, _("合并重复心愿"),
                   lambda wish, data: services.wish_merge(wish=wish, into=data["into"]),
                   _("已合并到另一条心愿。"), form_kwargs=lambda wish: {"wish": wish})


@writers
def wish_decline(request, pk):
    return _action(request, pk, ReasonForm, _("不予受理"),
                   lambda wish, data: services.wish_decline(wish=wish, reason=data["reason"]),
                   _("已记录不予受理及原因。"))


@writers
def wish_dispatch(request, pk):
    return _action(request, pk, DispatchForm, _("派单"),
                   lambda wish, data: services.wish_dispatch(
                       wish=wish, target=data["target"], member=data["member"],
                       unit=data["unit"], team=data["team"], due_on=data["due_on"]),
                   _("已派单。"), form_kwargs=lambda wish: {"wish": wish})


@writers
def wish_done(request, pk):
    return _action(request, pk, DoneForm, _("登记办结"),
                   lambda wish, data: services.wish_done(wish=wish, outcome=data["outcome"]),
                   _("已办结，请居民确认评价。"))


@writers
def wish_confirm(request, pk):
    return _action(request, pk, ConfirmForm, _("电话回访：居民确认"),
                   lambda wish, data: services.wish_confirm(
                       wish=wish, rating=data["rating"], feedback=data["feedback"],
                       by_staff=True),
                   _("已记录居民的确认和评价。"))


@writers
def wish_reopen(request, pk):
    return _action(request, pk, ReasonForm, _("居民反映未办好：重新办理"),
                   lambda wish, data: services.wish_reopen(wish=wish, reason=data["reason"]),
                   _("已重新办理，请再次派单。"))


@require_POST
@writers
def wish_to_need(request, pk):
    wish = get_object_or_404(Wish.objects.managed_by_staff(request.user), pk=pk)
    try:
        services.wish_to_need(wish=wish)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已转入需求清单，可在“需求·资源·项目”中立项。"))
    return redirect(wish)


@readers
def wish_figures(request):
    wishes = Wish.objects.visible_to(request.user)
    return render(request, "wishes/figures.html", {
        "by_street": selectors.figures(wishes, "community__parent__name"),
        "by_community": selectors.figures(wishes, "community__parent__name",
                                          "community__name", "community_id"),
        "by_grid": selectors.figures(wishes.filter(grid__isnull=False), "community__name",
                                     "grid__name")})


@readers
def wish_qr(request, community_pk):
    """A printable A4 poster for the service centre: the QR code of the public page."""
    import segno

    community = get_object_or_404(Node.objects.visible_to(request.user),
                                  kind=Node.Kind.COMMUNITY, pk=community_pk)
    url = request.build_absolute_uri(reverse("wishes:public_new", args=[community.pk]))
    return render(request, "wishes/qr.html", {
        "community": community, "url": url,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=8, border=2, omitsize=False)})

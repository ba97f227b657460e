from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import occupants, selectors, services
from organizations.forms import (AccountForm, ArchiveForm, GridForm, NodeForm, NodeMoveForm,
                                 SeatForm)
from organizations.models import CommitteeSeat, Grant, Grid, Node
from organizations.scope import READ_ROLES, STAFF_ROLES, WRITE_ROLES, covers, require_grant


def _visible_node(request, pk):
    return get_object_or_404(Node.objects.visible_to(request.user), pk=pk)


def _editable_node(request, pk):
    return get_object_or_404(Node.objects.shaped_by(request.user), pk=pk)


@require_grant()
def tree(request):
    show_archived = request.GET.get("archived") == "1"
    roots = selectors.tree_for(request.user, include_archived=show_archived)
    return render(request, "organizations/tree.html",
                  {"roots": roots, "show_archived": show_archived})


@require_grant()
def node_detail(request, pk):
    node = _visible_node(request, pk)
    children = list(node.children.order_by("archived_at", "sort_key"))
    counts = selectors.member_counts_by_node([node, *children])
    for child in children:
        child.member_count = counts.get(child.pk, 0)
    breakdown, categories = occupants.roster().breakdown(node)
    can_edit = covers(request.user, node.path, READ_ROLES)  # as Node.objects.shaped_by
    ancestors = list(node.ancestors())
    for ancestor in ancestors:
        # A secretary sees the community's name in the breadcrumb, not a link to a 404.
        ancestor.readable = covers(request.user, ancestor.path)
    return render(request, "organizations/node_detail.html", {
        "node": node,
        "ancestors": ancestors,
        # Moving or archiving a node is decided from above it (see _managed_from_above).
        # A street's district is above it but not in its path: streets stay managed by admins.
        "can_manage_from_above": can_edit and bool(node.parent_path) and covers(
            request.user, node.parent_path),
        "children": children,
        "seats": node.seats.select_related("member").order_by("ended_on", "role", "term_start"),
        "grids": node.grids.annotate(member_count=Count(
            "members", filter=Q(members__left_on__isnull=True))) if node.kind == Node.Kind.COMMUNITY
        else None,
        "warnings": selectors.branch_structure_warnings(node) if node.kind == Node.Kind.BRANCH
        else [],
        "breakdown": breakdown,
        "categories": categories,
        "can_edit": can_edit,
        # Seats are kept by the node's record keepers (CommitteeSeat editable_by), grids by the
        # community's staff (Grid managed_by_staff), which on a community node is the same
        # test; a street official shapes the tree but is not shown edit links that answer 404.
        "can_edit_records": covers(request.user, node.path, WRITE_ROLES),
        "today": timezone.localdate(),
        "can_manage_accounts": node.kind == Node.Kind.COMMUNITY and (
            request.user.is_superuser
            or covers(request.user, node.path, STAFF_ROLES)),
    })


@require_grant()
def terms(request):
    """换届: every leadership's term by its end, with the days left; overdue ones in red."""
    today = timezone.localdate()
    rows = selectors.term_rows(request.user, today)
    return render(request, "organizations/terms.html", {
        "rows": rows, "today": today, "notice_days": selectors.TERM_NOTICE_DAYS,
        "overdue_count": sum(row.overdue for row in rows),
        "due_count": sum(row.due for row in rows),
    })


@require_grant()
def node_create(request, pk):
    parent = _editable_node(request, pk)
    kind = parent.child_kind
    if kind is None or parent.is_archived:
        raise Http404
    form = NodeForm(request.POST or None, kind=kind)
    form.instance.parent = parent
    if request.method == "POST" and form.is_valid():
        node = form.save()
        messages.success(request, _("已创建%(kind)s“%(name)s”。") % {
            "kind": node.get_kind_display(), "name": node.name})
        return redirect(node)
    return render(request, "form_page.html", {
        "form": form, "title": _("新建%(kind)s") % {"kind": Node.Kind(kind).label},
        "parent_node": parent, "cancel_url": parent.get_absolute_url()})


@require_grant()
def node_edit(request, pk):
    node = _editable_node(request, pk)
    form = NodeForm(request.POST or None, instance=node, kind=node.kind)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(node)
    return render(request, "form_page.html", {
        "form": form, "title": _("编辑：%(name)s") % {"name": node.name},
        "cancel_url": node.get_absolute_url()})


def _managed_from_above(request, pk):
    """A node that the user may move or archive: its parent lies in the user's editable scope."""
    node = _editable_node(request, pk)
    if node.parent_id is None and not request.user.is_superuser:
        raise Http404
    if node.parent_id and not covers(request.user, node.parent_path, READ_ROLES):
        raise Http404
    return node


@require_grant()
def node_move(request, pk):
    node = _managed_from_above(request, pk)
    form = NodeMoveForm(request.POST or None, node=node, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_move(node=node, new_parent=form.cleaned_data["new_parent"])
        except ValidationError as error:
            form.add_error("new_parent", error.messages)
        else:
            messages.success(request, _("已移动到“%(name)s”之下。") % {
                "name": form.cleaned_data["new_parent"].name})
            return redirect(node)
    return render(request, "form_page.html", {
        "form": form, "title": _("移动：%(name)s") % {"name": node.name},
        "cancel_url": node.get_absolute_url()})


@require_grant()
def node_archive(request, pk):
    node = _managed_from_above(request, pk)
    blockers = services.node_archive_blockers(node)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and not blockers and form.is_valid():
        services.node_archive(node=node, reason=form.cleaned_data["reason"])
        messages.success(request, _("已撤销“%(name)s”，记录保留，可随时恢复。") % {"name": node.name})
        return redirect(node.parent or "organizations:tree")
    return render(request, "organizations/node_archive.html",
                  {"node": node, "form": form, "blockers": blockers})


@require_POST
@require_grant()
def node_restore(request, pk):
    node = _managed_from_above(request, pk)
    try:
        services.node_restore(node=node)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已恢复“%(name)s”。") % {"name": node.name})
    return redirect(node)


@require_grant()
def seat_create(request, pk):
    node = _editable_node(request, pk)
    form = SeatForm(request.POST or None, node=node, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已添加班子成员。"))
        return redirect(node)
    return render(request, "form_page.html", {
        "form": form, "title": _("添加班子成员：%(name)s") % {"name": node.name},
        "cancel_url": node.get_absolute_url()})


@require_grant()
def seat_edit(request, pk):
    seat = get_object_or_404(CommitteeSeat.objects.editable_by(request.user)
                             .select_related("node"), pk=pk)
    form = SeatForm(request.POST or None, instance=seat, node=seat.node, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(seat.node)
    return render(request, "form_page.html", {
        "form": form, "title": _("编辑班子成员：%(name)s") % {"name": seat.person_name},
        "cancel_url": seat.node.get_absolute_url()})


@require_grant()
def grid_create(request, pk):
    community = _editable_node(request, pk)
    if community.kind != Node.Kind.COMMUNITY:
        raise Http404
    form = GridForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已添加网格。"))
        return redirect(community)
    return render(request, "form_page.html", {
        "form": form, "title": _("添加网格：%(name)s") % {"name": community.name},
        "cancel_url": community.get_absolute_url()})


@require_grant()
def grid_edit(request, pk):
    grid = get_object_or_404(Grid.objects.managed_by_staff(request.user)
                             .select_related("community"), pk=pk)
    form = GridForm(request.POST or None, instance=grid, community=grid.community)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(grid.community)
    return render(request, "form_page.html", {
        "form": form, "title": _("编辑网格：%(name)s") % {"name": grid.name},
        "cancel_url": grid.community.get_absolute_url()})


def _staffed_community(request, pk):
    """A community the user administers accounts for: staff of it, or a superuser."""
    nodes = Node.objects.managed_by_staff(request.user)
    return get_object_or_404(nodes.filter(kind=Node.Kind.COMMUNITY), pk=pk)


@require_grant()
def account_list(request, pk):
    community = _staffed_community(request, pk)
    grants = (Grant.objects.filter(node__path__startswith=community.path)
              .select_related("user", "node").order_by("node__sort_key", "role", "user__username"))
    return render(request, "organizations/account_list.html",
                  {"community": community, "grants": grants})


@require_grant()
def account_create(request, pk):
    community = _staffed_community(request, pk)
    form = AccountForm(request.POST or None, community=community, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.account_create(username=data["username"], full_name=data["full_name"],
                                password=data["password1"], node=data["node"], role=data["role"])
        messages.success(request, _("已创建账号 %(username)s。") % {"username": data["username"]})
        return redirect("organizations:account_list", pk=community.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("新建账号：%(name)s") % {"name": community.name},
        "cancel_url": community.get_absolute_url()})


@require_POST
@require_grant()
def grant_revoke(request, pk):
    grant = get_object_or_404(Grant.objects.managed_by_staff(request.user).select_related("node"),
                              pk=pk)
    if grant.user_id == request.user.pk:
        messages.error(request, _("不能撤销自己的权限。"))
    else:
        grant.delete()
        messages.success(request, _("已撤销 %(user)s 的权限。") % {"user": grant.user.username})
    return redirect("organizations:account_list", pk=grant.node.community.pk)

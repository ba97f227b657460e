"""Community pages: the post catalogue and board, claims, and community registrations."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import saved
from members import selectors, services
from members.forms import AssignForm, DeclineForm, PostForm, StaffRegistrationForm
from members.models import Post, PostClaim, Registration
from organizations.models import Node
from organizations.scope import STAFF_ROLES, covers, require_grant
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Key


def _communities(request):
    return Node.objects.filter(kind=Node.Kind.COMMUNITY).visible_to(request.user)


def _staffed_communities(request):
    return Node.objects.filter(kind=Node.Kind.COMMUNITY).managed_by_staff(request.user)


def _staff_of(request, community):
    return covers(request.user, community.path, STAFF_ROLES)


@require_grant()
def post_board(request, pk):
    community = get_object_or_404(_communities(request), pk=pk)
    posts = list(selectors.post_board(community))
    return render(request, "members/post_board.html", {
        "community": community, "posts": posts,
        "show_ranking": street_rules.shown_to(request.user, community, Key.POINTS_RANKING),
        "totals": {"capacity": sum(p.capacity for p in posts if not p.archived_at),
                   "taken": sum(p.taken for p in posts), "pending": sum(p.pending for p in posts)},
        "pending_claims": selectors.pending_claims(community),
        "is_staff": _staff_of(request, community),
    })


@require_POST
@require_grant()
def post_seed_standard(request, pk):
    community = get_object_or_404(_staffed_communities(request), pk=pk)
    created = services.posts_seed_standard(community=community)
    messages.success(request, _("已添加 %(n)d 个标准岗位。") % {"n": len(created)})
    return redirect("members:post_board", pk=community.pk)


@require_grant()
def post_create(request, pk):
    community = get_object_or_404(_staffed_communities(request), pk=pk)
    form = PostForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        post = form.save()
        messages.success(request, _("已添加岗位“%(name)s”。") % {"name": post.name})
        return redirect("members:post_board", pk=community.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("新增岗位：%(community)s") % {"community": community.name},
        "cancel_url": reverse_board(community)})


def reverse_board(community):
    return reverse("members:post_board", args=[community.pk])


@require_grant()
def post_edit(request, pk):
    post = get_object_or_404(Post.objects.managed_by_staff(request.user), pk=pk)
    form = PostForm(request.POST or None, instance=post, community=post.community)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect("members:post_detail", pk=post.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("编辑岗位：%(name)s") % {"name": post.name},
        "cancel_url": reverse_board(post.community)})


@require_grant()
def post_detail(request, pk):
    post = get_object_or_404(Post.objects.visible_to(request.user).select_related(
        "community", "grid"), pk=pk)
    claims = post.claims.select_related("member", "member__branch", "decided_by").annotate(
        months=Count("service_months"))
    return render(request, "members/post_detail.html", {
        "post": post, "claims": claims, "taken": post.claims.holding().count(),
        "is_staff": _staff_of(request, post.community),
    })


def _staff_claim(request, pk):
    return get_object_or_404(PostClaim.objects.managed_by_staff(request.user).select_related(
            "post", "member", "member__branch"), pk=pk)


@require_POST
@require_grant()
def claim_approve(request, pk):
    claim = _staff_claim(request, pk)
    try:
        services.post_claim_approve(claim=claim, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已同意%(name)s认领“%(post)s”。") % {
            "name": claim.member.name, "post": claim.post.name})
    return redirect(reverse_board(claim.post.community))


@require_grant()
def claim_decline(request, pk):
    claim = _staff_claim(request, pk)
    form = DeclineForm(request.POST or None)

    def save():
        return services.post_claim_decline(claim=claim, user=request.user,
                                           reason=form.cleaned_data["reason"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已退回该认领。"))
        return redirect("members:post_board", pk=claim.post.community_id)
    return render(request, "form_page.html", {
        "form": form, "title": _("不同意认领：%(name)s · %(post)s") % {
            "name": claim.member.name, "post": claim.post.name},
        "cancel_url": reverse_board(claim.post.community)})


@require_POST
@require_grant()
def claim_record_month(request, pk):
    claim = _staff_claim(request, pk)
    try:
        services.post_claim_record_month(claim=claim, month=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已记录本月岗位服务。"))
    return redirect("members:post_detail", pk=claim.post_id)


@require_grant()
def post_assign(request, pk):
    post = get_object_or_404(Post.objects.managed_by_staff(request.user).select_related("community"),
        pk=pk)
    form = AssignForm(request.POST or None, post=post, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_assign(post=post, member=form.cleaned_data["member"],
                                 user=request.user)
        except ValidationError as error:
            form.add_error("member", error)
        else:
            messages.success(request, _("已安排上岗。"))
            return redirect("members:post_detail", pk=post.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("安排上岗：%(name)s") % {"name": post.name},
        "cancel_url": reverse_board(post.community)})


@require_grant()
def registration_list(request, pk):
    community = get_object_or_404(_communities(request), pk=pk)
    registrations = (Registration.objects.filter(community=community)
                     .select_related("member", "member__branch", "unit")
                     .order_by("status", "-registered_at"))
    return render(request, "members/registration_list.html", {
        "community": community, "registrations": registrations,
        "units": selectors.unit_registration_counts(community),
        "is_staff": _staff_of(request, community),
    })


@require_grant()
def registration_create(request, pk):
    community = get_object_or_404(_staffed_communities(request), pk=pk)
    form = StaffRegistrationForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_create(
                member=form.cleaned_data["member"], community=community,
                unit=form.cleaned_data["unit"], address=form.cleaned_data["address"],
                by_staff=True)
        except ValidationError as error:
            form.add_error("member", error)
        else:
            messages.success(request, _("已登记报到，待审核。"))
            return redirect("members:registration_list", pk=community.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("代为登记报到：%(name)s") % {"name": community.name},
        "cancel_url": reverse("members:registration_list", args=[community.pk])})


@require_POST
@require_grant()
def registration_decide(request, pk):
    registration = get_object_or_404(Registration.objects.managed_by_staff(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.registration_decide(registration=registration, user=request.user,
                                     approve=approve, reason=request.POST.get("reason", "")[:200])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已同意报到。") if approve else _("已退回报到。"))
    return redirect("members:registration_list", pk=registration.community_id)

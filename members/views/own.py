"""The member's own pages, built for a phone: fetched through request.user.member."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import saved
from kernel.request_params import local_path_param
from members import display, points, sections, selectors, services
from members.forms import RegistrationForm
from members.models import Member, Post


OWN_PAGE_RELATED = ("branch", "group", "grid", "employer_unit")


def own_member(request, related=OWN_PAGE_RELATED):
    """The signed-in user's member record, on the roster, with `related` loaded; 404 for a
    user with none (staff) and for a member who left. Every app's member pages use this one."""
    member = (Member.objects.filter(user=request.user, left_on__isnull=True)
              .select_related(*related).first())
    if member is None:
        raise Http404
    return member


@login_required
def me(request):
    member = own_member(request)
    year = timezone.localdate().year
    return render(request, "members/me.html", {
        "member": member, "year": year,
        "points_total": points.total_for(member, year),
        "claims": selectors.claims_for_member(member)[:5],
        "registrations": selectors.registrations_for_member(member),
        **sections.context("me", member),
    })


@login_required
def my_posts(request):
    member = own_member(request)
    communities = services.claimable_communities(member)
    return render(request, "members/my_posts.html", {
        "member": member,
        "posts": selectors.open_posts_for_member(member, communities),
        "claims": selectors.claims_for_member(member),
    })


@require_POST
@login_required
def my_claim(request, pk):
    member = own_member(request)
    post = get_object_or_404(Post.objects.open().filter(
        community__in=services.claimable_communities(member)), pk=pk)
    try:
        services.post_claim_create(post=post, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已提交认领“%(post)s”，等待社区审核。") % {"post": post.name})
    return redirect("members:my_posts")


@login_required
def my_registration(request):
    member = own_member(request)
    street = member.branch.street
    form = RegistrationForm(request.POST or None, street=street,
                            initial={"unit": member.employer_unit, "address": member.address})

    def save():
        return services.registration_create(
            member=member, community=form.cleaned_data["community"],
            unit=form.cleaned_data["unit"], address=form.cleaned_data["address"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已提交报到，等待社区审核。"))
        return redirect("members:my_registration")
    return render(request, "members/my_registration.html", {
        "member": member, "form": form,
        "registrations": selectors.registrations_for_member(member),
        "can_register": member.category == Member.Category.EMPLOYED,
    })


@login_required
def my_points(request):
    member = own_member(request)
    year = timezone.localdate().year
    summary = selectors.member_points_summary(member, year)
    return render(request, "members/my_points.html", {
        "member": member, "year": year,
        "total": points.total_for(member, year),
        "summary": [(points.item_label(item), total) for item, total in summary.items()],
        "entries": selectors.points_entries_for_member(member, year),
    })


@require_POST
@login_required
def my_large_text(request):
    """大字模式 on or off for the signed-in user: a member switches it on their 我的 page (kept
    on their record), anyone signed in from the account menu (staff: `DisplayChoice`)."""
    on = request.POST.get("large_text") == "on"
    # A user with a member record keeps it there (a member who left: 404, as on 我的).
    member = own_member(request) if hasattr(request.user, "member") else None
    if member is not None:
        services.member_large_text_set(member=member, on=on)
    else:
        services.user_large_text_set(user=request.user, on=on)
        request.session[display.SESSION_KEY] = on
    messages.success(request, _("已开启大字模式。") if on else _("已关闭大字模式。"))
    back = local_path_param(request)
    if back:
        return HttpResponseRedirect(back)
    return redirect("members:me" if member is not None else "home")

"""Members' phone pages of the wish loop: wishes to claim (接单) and their own, to finish."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import add_service_errors
from members.services import claimable_communities
from members.views.own import own_member
from pairing.wishes import services
from pairing.wishes.forms import DoneForm
from pairing.wishes.models import Wish


@login_required
def my_wishes(request):
    member = own_member(request, related=("branch",))
    communities = claimable_communities(member)
    return render(request, "wishes/my_wishes.html", {
        "member": member,
        "claimable": Wish.objects.claimable_by(member, communities)
        .select_related("community", "grid").order_by("due_on", "pk"),
        "mine": Wish.objects.taken_by(member).select_related("community", "grid", "team")
        .order_by("status", "-claimed_at", "-dispatched_at")[:30],
    })


@require_POST
@login_required
def my_claim(request, pk):
    member = own_member(request, related=("branch",))
    wish = get_object_or_404(Wish.objects.claimable_by(member, claimable_communities(member)),
                             pk=pk)
    try:
        services.wish_claim(wish=wish, member=member)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已接单“%(title)s”，办好后请登记办理结果。")
                         % {"title": wish.title})
    return redirect("wishes:my_wishes")


@login_required
def my_wish(request, pk):
    """A wish the member took (or their team was sent): the resident's contact, to do it, and
    the outcome to record."""
    member = own_member(request, related=("branch",))
    wish = get_object_or_404(Wish.objects.taken_by(member).select_related(
        "community", "grid", "team__leader"), pk=pk)
    form = DoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_done(wish=wish, outcome=form.cleaned_data["outcome"], member=member)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已办结，社区将请居民确认。"))
            return redirect("wishes:my_wishes")
    return render(request, "wishes/my_wish.html", {
        "wish": wish, "form": form, "can_finish": wish.finishable_by(member)})

"""The residents' pages: no login. The submission form (reached by the QR code at the
service centre), the wish wall, and the resident's own link to follow, confirm and rate.

None shows a name, phone number or address: the wall shows title, grid and status of reviewed
wishes; the resident's link shows that one wish only, found by its unguessable token.
"""
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kernel.forms import add_service_errors
from kernel.request_params import parse_token
from organizations.login_protection import client_ip
from organizations.models import Node
from pairing.wishes import services
from pairing.wishes.forms import ConfirmForm, PublicWishForm, ReasonForm
from pairing.wishes.models import Wish

WALL_SIZE = 60


def _community(pk):
    return get_object_or_404(Node.objects.active(), pk=pk, kind=Node.Kind.COMMUNITY)


@never_cache
def public_new(request, community_pk):
    community = _community(community_pk)
    form = PublicWishForm(request.POST or None, community=community)
    limited = False
    if request.method == "POST" and form.is_bot():
        # Answer as if saved, so the bot learns nothing; nothing is stored.
        return render(request, "wishes/public_thanks.html", {"community": community})
    if request.method == "POST" and form.is_valid():
        if not services.public_submission_allowed(client_ip(request)):
            limited = True
            form.add_error(None, _("提交过于频繁：同一网络每小时最多提交 %(count)s 条心愿，"
                                   "请稍后再试，或直接联系社区工作人员。")
                           % {"count": services.PUBLIC_LIMIT_PER_HOUR})
        else:
            try:
                wish = services.wish_receive(wish=form.instance)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return render(request, "wishes/public_thanks.html", {
                    "community": community,
                    "resident_link": request.build_absolute_uri(wish.resident_url())})
    return render(request, "wishes/public_new.html", {
        "community": community, "form": form, "limit": services.PUBLIC_LIMIT_PER_HOUR},
        status=429 if limited else 200)


@never_cache
def public_wall(request, community_pk):
    community = _community(community_pk)
    wishes = (Wish.objects.filter(community=community).on_wall()
              .select_related("grid").only("title", "status", "grid__name", "submitted_at")
              [:WALL_SIZE])
    return render(request, "wishes/wall.html", {"community": community, "wishes": wishes})


@never_cache
def resident(request, token):
    token = parse_token(token)
    wish = Wish.objects.filter(token=token).select_related("community").first() if token else None
    if wish is None:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    confirm_form = ConfirmForm(request.POST if action == "confirm" else None)
    reopen_form = ReasonForm(request.POST if action == "reopen" else None)
    form, run = {
        "confirm": (confirm_form, lambda data: services.wish_confirm(
            wish=wish, rating=data["rating"], feedback=data["feedback"])),
        "reopen": (reopen_form, lambda data: services.wish_reopen(wish=wish,
                                                                  reason=data["reason"])),
    }.get(action, (None, None))
    if form is not None and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(wish.resident_url())
    return render(request, "wishes/resident.html", {
        "wish": wish, "confirm_form": confirm_form, "reopen_form": reopen_form,
        "S": Wish.Status})

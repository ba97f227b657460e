from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from members.models import Member


@login_required
def me(request):
    """The member's own page, built for a phone."""
    member = (Member.objects.filter(user=request.user)
              .select_related("branch", "group", "grid").first())
    if member is None:
        raise Http404
    return render(request, "members/me.html", {"member": member})

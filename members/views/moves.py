"""Pages of moving members (members/moves.py): 转出, 转入, 流动党员, 失联."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.forms import add_service_errors
from kernel.request_params import page_param
from members import moves
from members.models import Member, MobileStay, TransferIn, TransferOut
from members.move_forms import (ContactForm, MobileEndForm, MobileStayForm, ReceiptForm,
                                TransferInForm, TransferOutForm)
from members.views.roster import editable_member
from organizations.scope import WRITE_ROLES, has_role, require_grant

PAGE_SIZE = 50


def _form_page(request, form, title, action, cancel_url):
    """A form that calls one service; its ValidationError lands next to the fields and nothing
    is saved. `action(data)` returns where to go next."""
    if request.method == "POST" and form.is_valid():
        try:
            target = action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect(target)
    return render(request, "form_page.html", {"form": form, "title": title,
                                              "cancel_url": cancel_url})


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(page_param(request))


def _can_write(request):
    return request.user.is_superuser or has_role(request.user, *WRITE_ROLES)


@require_grant()
def transfer_out_list(request):
    state = request.GET.get("state", "")
    transfers = (TransferOut.objects.visible_to(request.user)
                 .select_related("member", "from_branch", "recorded_by"))
    # The state depends on each branch's rule: judged per row, the letters out of a street
    # being a few hundred a year.
    rows = moves.annotate_receipts(list(transfers), timezone.localdate())
    if state in moves.STATE_LABELS:
        rows = [row for row in rows if row.state == state]
    editable = set(TransferOut.objects.editable_by(request.user).filter(
        pk__in=[row.pk for row in rows]).values_list("pk", flat=True)) if rows else set()
    return render(request, "members/moves_out.html", {
        "page": _page(request, rows), "state": state, "editable": editable,
        "query": f"state={state}" if state in moves.STATE_LABELS else "",
        "states": moves.STATE_LABELS.items(), "tab": "out"})


@require_grant()
def transfer_out_create(request, pk):
    member = editable_member(request, pk)
    form = TransferOutForm(request.POST or None)
    return _form_page(
        request, form, _("转出：%(name)s") % {"name": member.name},
        lambda data: moves.transfer_out_create(member=member, user=request.user, **data).member,
        member.get_absolute_url())


@require_grant()
def transfer_out_receipt(request, pk):
    transfer = get_object_or_404(TransferOut.objects.editable_by(request.user)
                                 .select_related("member"), pk=pk)
    form = ReceiptForm(request.POST or None)
    return _form_page(
        request, form, _("登记回执：%(name)s（介绍信%(number)s）") % {
            "name": transfer.member.name, "number": transfer.letter_number},
        lambda data: moves.transfer_out_receipt(transfer=transfer, receipt_on=data["receipt_on"],
                                                note=data["note"]).member,
        reverse("members:transfer_out_list"))


@require_grant()
def transfer_in_list(request):
    transfers = (TransferIn.objects.visible_to(request.user)
                 .select_related("member", "to_branch", "recorded_by"))
    return render(request, "members/moves_in.html", {
        "page": _page(request, transfers), "can_write": _can_write(request), "tab": "in"})


@require_grant(*WRITE_ROLES)
def transfer_in_create(request):
    form = TransferInForm(request.POST or None, user=request.user)

    return _form_page(request, form, _("登记转入"), lambda data: moves.transfer_in_create(
        to_branch=data["to_branch"], letter_number=data["letter_number"], origin=data["origin"],
        received_on=data["received_on"], person=form.person(), user=request.user).member,
        reverse("members:transfer_in_list"))


@require_grant()
def mobile_list(request):
    stays = (MobileStay.objects.visible_to(request.user).current()
             .filter(member__left_on__isnull=True).select_related("member", "member__branch"))
    editable = set(MobileStay.objects.editable_by(request.user).current()
                   .values_list("pk", flat=True))
    return render(request, "members/moves_mobile.html", {
        "page": _page(request, stays), "editable": editable, "tab": "mobile",
        "total": Member.objects.visible_to(request.user).active().count()})


@require_grant()
def mobile_start(request, pk):
    member = editable_member(request, pk)
    form = MobileStayForm(request.POST or None)
    return _form_page(
        request, form, _("流动党员登记：%(name)s") % {"name": member.name},
        lambda data: moves.mobile_stay_start(member=member, user=request.user, **data).member,
        member.get_absolute_url())


@require_grant()
def mobile_end(request, pk):
    stay = get_object_or_404(MobileStay.objects.editable_by(request.user).current()
                             .select_related("member"), pk=pk)
    form = MobileEndForm(request.POST or None)
    return _form_page(
        request, form, _("登记返回：%(name)s") % {"name": stay.member.name},
        lambda data: moves.mobile_stay_end(stay=stay, ended_on=data["ended_on"]).member,
        reverse("members:mobile_list"))


@require_grant()
def lost_list(request):
    today = timezone.localdate()
    lists = moves.silence_lists_of(request.user, today)
    return render(request, "members/moves_lost.html", {
        "lists": lists, "today": today, "tab": "lost", "article_nine_months":
        moves.ARTICLE_NINE_MONTHS})


@require_grant()
def contact_create(request, pk):
    member = editable_member(request, pk)
    form = ContactForm(request.POST or None)
    return _form_page(
        request, form, _("记录联系：%(name)s") % {"name": member.name},
        lambda data: moves.contact_record(member=member, user=request.user, **data).member,
        member.get_absolute_url())

"""党费 pages: the branch ledger and its writes, arrears, reports, export, import, and the
member's own page. Every object is fetched through the scope vocabulary; writes also need a
write grant over the branch (`covers(..., WRITE_ROLES)`), else 404."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel import xlsx
from kernel.dates import first_of_month_after
from kernel.forms import add_service_errors
from kernel.request_params import id_param, month_param, parse_month, year_param
from members.dues import exports, imports, ledger, reports, services
from members.dues.forms import (BaseForm, CorrectionForm, ExceptionForm, LedgerImportForm,
                                PaymentForm)
from members.dues.models import DuesMonthClose, DuesPayment
from members.models import Member
from members.views.own import own_member
from organizations.models import Node
from organizations.scope import WRITE_ROLES, covers, require_grant



def _branch(request, pk, write=False):
    branch = get_object_or_404(Node.objects.visible_to(request.user).filter(
        kind=Node.Kind.BRANCH), pk=pk)
    if write and not covers(request.user, branch.path, WRITE_ROLES):
        raise Http404
    return branch


def _members(branch):
    return Member.objects.active().filter(branch=branch).select_related("branch")


@require_grant()
def ledger_page(request, pk):
    branch = _branch(request, pk)
    today = timezone.localdate()
    month = month_param(request, "month", ledger.month_of(today))
    dues = ledger.load(_members(branch))
    rows = []
    for member_dues in dues.values():
        found = member_dues.amount_for(month)
        rows.append({"member": member_dues.member,
                     "base": member_dues.base_for(month), "amount": found[0] if found else None,
                     "paid": month in member_dues.paid_months(),
                     "paid_through": member_dues.paid_through(),
                     "arrears": len(member_dues.arrears(today))})
    entries = (DuesPayment.objects.visible_to(request.user)
               .filter(branch=branch, paid_on__gte=month,
                       paid_on__lt=first_of_month_after(month, 1))
               .select_related("member", "recorded_by").order_by("paid_on", "pk"))
    return render(request, "dues/ledger.html", {
        "branch": branch, "month": month, "rows": rows, "entries": entries,
        "totals": ledger.totals(dues, [month], today),
        "closed": DuesMonthClose.objects.filter(branch=branch, month=month).first(),
        "can_edit": covers(request.user, branch.path, WRITE_ROLES),
        "previous": first_of_month_after(month, -1), "next": first_of_month_after(month, 1),
        "this_month": ledger.month_of(today),
    })


@require_grant()
def member_page(request, pk):
    member = get_object_or_404(Member.objects.visible_to(request.user)
                               .select_related("branch"), pk=pk)
    dues = ledger.load_one(member)
    return render(request, "dues/member.html", {
        "member": member, "dues": dues, "arrears": dues.arrears(),
        "current": dues.amount_for(ledger.month_of(timezone.localdate())),
        "payments": sorted(dues.payments, key=lambda p: (p.paid_on, p.pk), reverse=True),
        "can_edit": covers(request.user, member.branch.path, WRITE_ROLES),
    })


def _form_page(request, form, title, cancel_url, intro=""):
    return render(request, "form_page.html", {"form": form, "title": title,
                                              "cancel_url": cancel_url, "intro": intro})


@require_grant(*WRITE_ROLES)
def base_new(request, pk):
    branch = _branch(request, pk, write=True)
    members = _members(branch)
    initial = {"member": id_param(request, "member"),
               "from_month": f"{timezone.localdate():%Y-%m}"}
    form = BaseForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.base_set(**{k: form.cleaned_data[k] for k in
                                 ("member", "from_month", "category", "income", "note")},
                              by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已核定%(name)s的党费基数。") % {
                "name": form.cleaned_data["member"].name})
            return redirect("dues:ledger", branch.pk)
    return _form_page(request, form, _("核定党费基数 · %(branch)s") % {"branch": branch.name},
                      reverse("dues:ledger", args=[branch.pk]))


@require_grant(*WRITE_ROLES)
def payment_new(request, pk):
    branch = _branch(request, pk, write=True)
    today = timezone.localdate()
    initial = {"member": id_param(request, "member"), "first_month": f"{today:%Y-%m}",
               "paid_on": today, "way": DuesPayment.Way.CASH}
    form = PaymentForm(request.POST or None, members=_members(branch), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.payment_record(
                member=data["member"], first_month=data["first_month"] or data["paid_on"],
                last_month=data["last_month"], amount=data["amount"], way=data["way"],
                paid_on=data["paid_on"], receipt_number=data["receipt_number"],
                voluntary=data["voluntary"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记%(name)s交纳党费 %(amount)s 元。") % {
                "name": data["member"].name, "amount": data["amount"]})
            return redirect(f"{reverse('dues:ledger', args=[branch.pk])}"
                            f"?month={data['paid_on']:%Y-%m}")
    return _form_page(request, form, _("登记党费 · %(branch)s") % {"branch": branch.name},
                      reverse("dues:ledger", args=[branch.pk]),
                      _("金额须等于所交月份按核定基数计算的应交额；多交部分请另登记为自愿多交。"))


@require_grant(*WRITE_ROLES)
def correction_new(request, pk):
    payment = get_object_or_404(DuesPayment.objects.editable_by(request.user)
                                .select_related("member", "branch"), pk=pk)
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_record(payment=payment, reason=form.cleaned_data["reason"],
                                       amount=form.cleaned_data["amount"] or 0,
                                       voids=form.cleaned_data["voids"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记更正。"))
            return redirect("dues:member", payment.member_id)
    return _form_page(request, form, _("更正党费记录：%(entry)s") % {"entry": payment},
                      reverse("dues:member", args=[payment.member_id]),
                      _("原记录不会被修改；更正作为一条新记录登记在本月，并注明原因。"))


@require_grant(*WRITE_ROLES)
def exception_new(request, pk):
    member = get_object_or_404(Member.objects.editable_by(request.user), pk=pk)
    form = ExceptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exception_record(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记党费减免。"))
            return redirect("dues:member", member.pk)
    return _form_page(request, form, _("登记党费减免：%(name)s") % {"name": member.name},
                      reverse("dues:member", args=[member.pk]),
                      _("减免或免交须经支部大会讨论决定，并报上级党组织批准。"))


@require_POST
@require_grant(*WRITE_ROLES)
def month_close(request, pk):
    branch = _branch(request, pk, write=True)
    month = parse_month(request.POST.get("month"))
    if month is None:
        raise Http404
    try:
        services.month_close(branch=branch, month=month, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(month)s 已结账。") % {"month": f"{month:%Y-%m}"})
    return redirect(f"{reverse('dues:ledger', args=[branch.pk])}?month={month:%Y-%m}")


@require_grant()
def arrears(request, pk):
    branch = _branch(request, pk)
    today = timezone.localdate()
    rows = reports.arrears(_members(branch), today)
    return render(request, "dues/arrears.html", {
        "branch": branch, "rows": rows, "long_rows": [row for row in rows if row["long"]],
        "long_months": ledger.LONG_ARREARS_MONTHS})


@require_grant()
def report(request, pk):
    node = get_object_or_404(Node.objects.visible_to(request.user).exclude(
        kind=Node.Kind.GROUP), pk=pk)
    today = timezone.localdate()
    year = year_param(request, "year", today.year)
    month = month_param(request, "month", ledger.month_of(today))
    return render(request, "dues/report.html", {
        "node": node, "year": year, "month": month,
        **reports.collection(node, year, month, today)})


@require_grant()
def ledger_export(request, pk):
    branch = _branch(request, pk)
    year = year_param(request, "year", timezone.localdate().year)
    return xlsx.download(exports.ledger_workbook(branch, year), f"dues-ledger-{year}.xlsx")


@login_required
def mine(request):
    member = own_member(request, related=("branch",))
    dues = ledger.load_one(member)
    month = ledger.month_of(timezone.localdate())
    return render(request, "dues/mine.html", {
        "member": member, "dues": dues, "arrears": dues.arrears(),
        "current": dues.amount_for(month), "next_change": dues.next_change(month),
        "paid_through": dues.paid_through(),
        "payments": sorted(dues.payments, key=lambda p: (p.paid_on, p.pk), reverse=True),
    })


IMPORT_KEY = "dues_import_rows"


@require_grant(*WRITE_ROLES)
def import_template(request):
    return xlsx.download(imports.template_workbook(), "dues-ledger-template.xlsx")


@require_grant(*WRITE_ROLES)
def import_upload(request, pk):
    """Upload → preview with each row's errors; the rows without error wait in the session
    (keyed by the branch) for the confirmation."""
    branch = _branch(request, pk, write=True)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and form.is_valid():
        try:
            rows = imports.preview(form.cleaned_data["file"], branch)
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            request.session[IMPORT_KEY] = {
                "branch": branch.pk,
                "rows": [vars(row) for row in rows if not row.errors and row.member_id]}
    return render(request, "dues/import.html", {
        "branch": branch, "form": form, "rows": rows,
        "valid_count": sum(1 for row in rows or [] if not row.errors)})


@require_POST
@require_grant(*WRITE_ROLES)
def import_confirm(request, pk):
    branch = _branch(request, pk, write=True)
    pending = request.session.pop(IMPORT_KEY, None)
    if not pending or pending["branch"] != branch.pk or not pending["rows"]:
        messages.error(request, _("没有待导入的数据，请重新上传。"))
        return redirect("dues:import_upload", branch.pk)
    count = imports.import_rows(pending["rows"], branch, request.user)
    messages.success(request, _("已导入 %(count)d 名党员的党费基数和已缴月份。") % {"count": count})
    return redirect("dues:ledger", branch.pk)

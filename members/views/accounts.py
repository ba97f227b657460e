"""Members' accounts: staff open them from the roster and hand out codes; members activate.

The selection is the roster's filter (a branch, a community, any filter, or everything the
user may change), read from the query string and applied to `Member.objects.editable_by`.
A filter naming a node outside the user's scope answers 404.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import accounts
from members.filters import MemberFilter
from members.forms import ActivationForm, CodeReissueForm
from members.models import AccountStatus, ActivationCode, Member, account_status_q
from organizations.login_protection import SESSION_KEY as PASSWORD_CHOSEN
from organizations.scope import WRITE_ROLES, require_grant


def _selection(request):
    member_filter = MemberFilter(request.GET or None,
                                 queryset=Member.objects.editable_by(request.user),
                                 user=request.user)
    if member_filter.is_bound and not member_filter.form.is_valid():
        raise Http404
    return member_filter


def _here(request, name="members:accounts"):
    query = request.GET.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


def activation_url(request):
    return request.build_absolute_uri(reverse("members:activate"))


@require_grant(*WRITE_ROLES)
def accounts_page(request):
    """账号开通: the selection's members by account status, and the three steps."""
    selection = _selection(request)
    members = selection.qs
    if request.method == "POST":
        try:
            opened = accounts.accounts_open(members=members, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            messages.error(request, _("未开通任何账号：请先更正以上党员的联系电话。"))
        else:
            messages.success(request, _("已开通 %(n)d 个账号，请打印邀请单或发送短信。") % {
                "n": opened})
            return redirect(_here(request))
    counts = members.order_by().aggregate(
        total=Count("pk"),
        no_phone=Count("pk", filter=Q(no_smartphone=True)),
        openable=Count("pk", filter=Q(no_smartphone=False)
                       & account_status_q(AccountStatus.NONE)),
        **{status: Count("pk", filter=account_status_q(status))
           for status in AccountStatus.values})
    return render(request, "members/accounts.html", {
        "filter": selection, "counts": counts,
        "statuses": [(value, label, counts[value]) for value, label in AccountStatus.choices],
        "active_filters": selection.active_filters(),
        "query": request.GET.urlencode(),
        "valid_days": accounts.CODE_VALID_DAYS,
    })


def _slips_page(request, issued, back_url):
    response = render(request, "members/account_slips.html", {
        "slips": [(member, accounts.format_code(code)) for member, code in issued],
        "activation_url": activation_url(request),
        "qr_svg": _qr_svg(activation_url(request)),
        "valid_days": accounts.CODE_VALID_DAYS,
        "back_url": back_url,
    })
    # The codes exist only in this response: never kept by a cache or the browser's history.
    response["Cache-Control"] = "no-store"
    return response


def _qr_svg(url):
    import segno

    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False)


@require_POST
@require_grant(*WRITE_ROLES)
def accounts_print(request):
    """Issue a new code to every pending account of the selection and print the slips: the
    codes are shown on this page only; printing again issues new ones."""
    issued = accounts.codes_issue(members=_selection(request).qs, user=request.user,
                                  channel=ActivationCode.Channel.PRINT)
    if not issued:
        messages.warning(request, _("所选党员中没有待激活的账号。"))
        return redirect(_here(request))
    return _slips_page(request, issued, _here(request))


@require_POST
@require_grant(*WRITE_ROLES)
def accounts_sms(request):
    members = _selection(request).qs.filter(phone__regex=accounts.MOBILE_REGEX)
    capped = accounts.sms_capped(members)
    issued = accounts.codes_issue(members=members.exclude(pk__in=capped), user=request.user,
                                  channel=ActivationCode.Channel.SMS)
    sent = accounts.codes_send_sms(issued=issued, portal_url=activation_url(request))
    if capped:
        messages.warning(request, _("%(n)d 名党员今天的短信已达上限（%(cap)d 条），未发送激活码；"
                                    "请明天再发或打印邀请单。")
                         % {"n": len(capped), "cap": settings.SMS_DAILY_CAP})
    if sent:
        messages.success(request, _("已向 %(n)d 名党员发送激活码短信；没有手机号的党员请打印邀请单。")
                         % {"n": sent})
    else:
        messages.warning(request, _("所选党员中没有可发送短信的待激活账号。"))
    return redirect(_here(request))


@require_grant(*WRITE_ROLES)
def account_reissue(request, pk):
    """重新发放激活码 for one member, with the reason logged (lost slip, forgotten password)."""
    member = get_object_or_404(
        Member.objects.editable_by(request.user).select_related("user", "branch"), pk=pk)
    if not member.is_active or member.user_id is None or not member.user.is_active:
        raise Http404
    form = CodeReissueForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            code = accounts.code_reissue(member=member, user=request.user,
                                         channel=data["channel"], reason=data["reason"],
                                         note=data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if data["channel"] == ActivationCode.Channel.SMS:
                accounts.codes_send_sms(issued=[(member, code)],
                                        portal_url=activation_url(request))
                messages.success(request, _("已向%(name)s发送新的激活码短信，原激活码已作废。")
                                 % {"name": member.name})
                return redirect(member)
            return _slips_page(request, [(member, code)], member.get_absolute_url())
    return render(request, "form_page.html", {
        "form": form, "title": _("重新发放激活码：%(name)s") % {"name": member.name},
        "cancel_url": member.get_absolute_url(),
        "intro": _("新的激活码只显示一次；原来未使用的激活码随即作废。")})


def activate(request):
    """The member's activation, on a phone: login and code from the slip, a new password."""
    from axes.handlers.proxy import AxesProxyHandler

    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login = accounts.normalize_login(form.cleaned_data["login"])
        credentials = {"username": login}
        if AxesProxyHandler.is_locked(request, credentials):
            form.add_error(None, _("尝试次数过多，请15分钟后再试，或联系社区工作人员。"))
        else:
            try:
                code = accounts.activation_check(login=login, code=form.cleaned_data["code"])
            except accounts.ActivationRefused as refusal:
                form.add_error("code", refusal)
                # Counted by django-axes like a failed login: (login, address) is locked out.
                user_login_failed.send(sender=__name__, credentials=credentials,
                                       request=request)
            else:
                password = form.cleaned_data["new_password1"]
                try:
                    password_validation.validate_password(password, code.user)
                except ValidationError as error:
                    form.add_error("new_password1", error)
                else:
                    try:
                        user = accounts.account_activate(activation_code=code,
                                                         password=password)
                    except accounts.ActivationRefused as refusal:
                        form.add_error("code", refusal)
                    else:
                        auth_login(request, user,
                                   backend="django.contrib.auth.backends.ModelBackend")
                        # The member has just chosen this password (recorded by the service).
                        request.session[PASSWORD_CHOSEN] = True
                        messages.success(request, _("账号已激活，欢迎使用。"))
                        return redirect("members:me")
    response = render(request, "members/activate.html", {"form": form})
    response["Cache-Control"] = "no-store"
    return response

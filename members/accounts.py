"""Members' portal accounts: opened in bulk from the roster, activated with a one-time code.

The login is the member's mobile number, or `dy` and the member's number when there is none
(`LOGIN`, one SQL expression, so the check before opening and the link after it agree).
Staff never type or see a password: an account is opened without a usable one, and the member
sets their own with an activation code. A code is shown once (on the printed slip or in the text
message of the batch that issued it) and stored as a keyed hash; it is used once, expires after
`CODE_VALID_DAYS`, and is voided by a newer code, by `MAX_FAILED_ATTEMPTS` wrong tries and when
the member leaves the roster. Guessing is limited twice: by django-axes on (login, address),
like the login form, and by the per-code counter whatever the address.

Opening and issuing are set-based: their query count does not grow with the number of members
(Django splits a bulk insert into batches the database accepts: about 90 rows a statement on
SQLite, thousands on PostgreSQL).
"""
import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from datetime import timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import (Case, CharField, Count, F, OuterRef, Q, Subquery, Value,
                              When)
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import sms
from kernel.sms import send_sms
from members import lifecycle
from members.models import AccountStatus, ActivationCode, Member, account_status_q
from organizations.models import Node

logger = logging.getLogger("members.accounts")

CODE_LENGTH = 8
CODE_VALID_DAYS = 14
MAX_FAILED_ATTEMPTS = 10
MOBILE = r"1[3-9][0-9]{9}"
MOBILE_REGEX = rf"^{MOBILE}$"

LOGIN = Case(
    When(phone__regex=MOBILE_REGEX, then=F("phone")),
    default=Concat(Value("dy"), LPad(Cast("pk", CharField()), 6, Value("0"))),
    output_field=CharField())


def normalize_login(value):
    """What a member types as login: full-width digits, spaces and dashes forgiven."""
    value = unicodedata.normalize("NFKC", value or "").strip().lower()
    return "".join(char for char in value if char not in " -\u00a0")


def normalize_code(value):
    return re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", value or ""))


def code_hash(user_id, code):
    """A keyed hash of the code (HMAC with SECRET_KEY, salted by the account): fast to check
    for a whole batch, and worthless to whoever reads the table without the key."""
    message = f"activation:{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def new_code():
    return "".join(secrets.choice("0123456789") for _ in range(CODE_LENGTH))


def format_code(code):
    return f"{code[:4]} {code[4:]}"


def _log_per_community(members_by_branch_parent, *, user, event, extra=None):
    """One access entry per community with how many of its members: the audit trail is
    searched by community, and an entry per member would bury everything else."""
    for community in Node.objects.filter(pk__in=members_by_branch_parent).order_by("sort_key"):
        LogEntry.objects.log_create(
            community, force_log=True, action=LogEntry.Action.ACCESS, actor=user,
            additional_data={"event": event, "members": members_by_branch_parent[community.pk],
                             **(extra or {})})


@transaction.atomic
def accounts_open(*, members, user):
    """Open a pending account for each member of `members` on the roll who has none and uses
    a phone. Any login already taken (by another account, or twice in the batch) stops the
    whole batch with every such member named: nothing is written. Returns how many opened."""
    candidates = members.active().filter(user__isnull=True, no_smartphone=False).order_by()
    rows = list(candidates.annotate(login=LOGIN).values_list("pk", "name", "login",
                                                              "branch__parent"))
    if not rows:
        return 0
    logins = [login for _pk, _name, login, _community in rows]
    taken = set(get_user_model().objects.filter(username__in=logins)
                .values_list("username", flat=True))
    seen, errors = set(), []
    for _pk, name, login, _community in rows:
        if login in taken:
            errors.append(_("%(name)s：手机号 %(login)s 已被其他账号使用，请核对该党员的联系电话。")
                          % {"name": name, "login": login})
        elif login in seen:
            errors.append(_("%(name)s：手机号 %(login)s 与本批其他党员相同，请核对联系电话。")
                          % {"name": name, "login": login})
        seen.add(login)
    if errors:
        raise ValidationError(errors)
    unusable = make_password(None)
    try:
        with transaction.atomic():
            get_user_model().objects.bulk_create([
                get_user_model()(username=login, first_name=name[:150], password=unusable)
                for _pk, name, login, _community in rows])
    except IntegrityError:
        # A login taken between the check and the insert (two staff at once): nothing written.
        raise ValidationError(_("部分登录名刚被占用，未开通任何账号，请刷新后重试。"))
    opened = _link([pk for pk, _name, _login, _community in rows])
    counts = {}
    for _pk, _name, _login, community in rows:
        counts[community] = counts.get(community, 0) + 1
    _log_per_community(counts, user=user, event="accounts_open")
    return opened


def _link(member_ids):
    """Member.user of each member := the account just opened under its login (one UPDATE)."""
    accounts = get_user_model().objects.filter(username=OuterRef("login")).values("pk")[:1]
    return (Member.objects.filter(pk__in=member_ids).annotate(login=LOGIN)
            .update(user=Subquery(accounts)))


def codes_issue(*, members, user, channel, reason=ActivationCode.Reason.FIRST, note="",
                include_activated=False, now=None):
    """Issue a new code to each member of `members` on the roll whose account is pending (or
    also activated, for a reissue), voiding their earlier unused codes.

    Returns [(member, code)] with the plain codes: the caller shows them once (the print page)
    or sends them; they are not stored anywhere.
    """
    now = now or timezone.now()
    statuses = account_status_q(AccountStatus.PENDING)
    if include_activated:
        statuses |= account_status_q(AccountStatus.ACTIVE)
    targets = list(members.active().filter(statuses).select_related("user", "branch")
                   .order_by("branch__path", "name_pinyin", "name", "pk"))
    if not targets:
        return []
    with transaction.atomic():
        ActivationCode.objects.filter(user_id__in=[m.user_id for m in targets],
                                      used_at__isnull=True, voided_at__isnull=True
                                      ).update(voided_at=now)
        issued, rows = [], []
        for member in targets:
            code = new_code()
            issued.append((member, code))
            rows.append(ActivationCode(
                member=member, user_id=member.user_id, code_hash=code_hash(member.user_id, code),
                channel=channel, reason=reason, note=note, issued_by=user, issued_at=now,
                expires_at=now + timedelta(days=CODE_VALID_DAYS)))
        ActivationCode.objects.bulk_create(rows)
        counts = {}
        for member in targets:
            counts[member.branch.parent_id] = counts.get(member.branch.parent_id, 0) + 1
        _log_per_community(counts, user=user, event="activation_codes_issue",
                           extra={"channel": channel, "reason": reason, "note": note})
    return issued


@sms.count_sent
def codes_texted_since(user_ids, start):
    """{user id: activation codes issued to them by SMS since `start`} for the daily SMS cap."""
    return dict(ActivationCode.objects.filter(
        user_id__in=user_ids, channel=ActivationCode.Channel.SMS, issued_at__gte=start)
        .values("user_id").annotate(n=Count("pk")).values_list("user_id", "n"))


def sms_capped(members, now=None):
    """The members of `members` (with an account) who already received SMS_DAILY_CAP texts
    today, reminders and codes together: one more code by SMS is refused, not sent."""
    user_ids = dict(members.filter(user__isnull=False).values_list("user_id", "pk"))
    return {user_ids[user_id] for user_id, count in sms.sent_today(user_ids, now).items()
            if count >= settings.SMS_DAILY_CAP}


def sms_cap_message():
    return _("该党员今天已收到 %(cap)d 条短信（每日上限），请明天再发或打印邀请单。") % {
        "cap": settings.SMS_DAILY_CAP}


def code_reissue(*, member, user, channel, reason, note=""):
    """A new code for one member (lost slip, forgotten password), with the reason logged.
    By SMS only under the daily cap: checked before the code is issued, as issuing voids the
    member's earlier code."""
    if not member.is_active or member.user_id is None or not member.user.is_active:
        raise ValidationError(_("该党员没有可用的账号，请先开通账号。"))
    if reason == ActivationCode.Reason.OTHER and not note.strip():
        raise ValidationError({"note": _("请说明重新发放的原因。")})
    if channel == ActivationCode.Channel.SMS and sms_capped(Member.objects.filter(pk=member.pk)):
        raise ValidationError({"channel": sms_cap_message()})
    return codes_issue(members=Member.objects.filter(pk=member.pk), user=user, channel=channel,
                       reason=reason, note=note, include_activated=True)[0][1]


def sms_text(member, code, portal_url):
    return _("【社区党建】%(name)s同志，您的党员账号已开通。登录名：%(login)s，激活码：%(code)s"
             "（%(days)d天内有效，仅可使用一次）。请打开 %(url)s 设置密码。") % {
        "name": member.name, "login": member.user.username, "code": format_code(code),
        "days": CODE_VALID_DAYS, "url": portal_url}


def is_mobile(phone):
    return bool(re.fullmatch(MOBILE, phone or ""))


def codes_send_sms(*, issued, portal_url):
    """Send each (member, code) by SMS (`kernel.sms`, as the reminders' SMS channel does), after
    the commit; returns how many will be sent.

    The code goes straight to the SMS backend: it is never written to a notification row or the
    broker (the text is built and sent in this process, as the request commits).
    """
    sendable = [(member, code) for member, code in issued if is_mobile(member.phone)]

    def send():
        for member, code in sendable:
            try:
                send_sms(member.phone, sms_text(member, code, portal_url))
            except Exception:  # a gateway error must not hide the other members' messages
                logger.exception("activation SMS to member %s failed", member.pk)

    transaction.on_commit(send)
    return len(sendable)


class ActivationRefused(ValidationError):
    pass


def activation_check(*, login, code, now=None):
    """The usable code matching `login` and `code`, or ActivationRefused with a message.

    A wrong code counts against the account's current code; at MAX_FAILED_ATTEMPTS it is
    voided. The message for an unknown login and a wrong code is the same, so the page does not
    tell which logins exist. Counting happens outside any transaction of the caller's failure.
    """
    now = now or timezone.now()
    login, code = normalize_login(login), normalize_code(code)
    account = get_user_model().objects.filter(username=login, member__isnull=False).first()
    wrong = ActivationRefused(_("登录名或激活码不正确，请核对邀请单上的登录名和激活码。"),
                              code="wrong")
    if account is None or len(code) != CODE_LENGTH:
        raise wrong
    matching = ActivationCode.objects.filter(user=account, code_hash=code_hash(account.pk, code)
                                             ).order_by("-issued_at").first()
    if matching is None:
        current = ActivationCode.objects.usable(now).filter(user=account).first()
        if current is not None:
            attempts = current.failed_attempts + 1
            ActivationCode.objects.filter(pk=current.pk).update(
                failed_attempts=F("failed_attempts") + 1,
                voided_at=now if attempts >= MAX_FAILED_ATTEMPTS else None)
            if attempts >= MAX_FAILED_ATTEMPTS:
                raise ActivationRefused(_("激活码错误次数过多，已作废。请联系社区工作人员重新发放。"),
                                        code="too_many")
        raise wrong
    if matching.used_at:
        raise ActivationRefused(_("该激活码已使用过。如忘记密码，请联系社区工作人员重新发放激活码。"),
                                code="used")
    if matching.voided_at:
        raise ActivationRefused(_("该激活码已作废（已发放新的激活码、错误次数过多或账号已停用）。"
                                  "请使用最新的激活码，或联系社区工作人员。"), code="voided")
    if matching.expires_at <= now:
        raise ActivationRefused(_("该激活码已过期，请联系社区工作人员重新发放。"), code="expired")
    if not account.is_active:
        raise ActivationRefused(_("该账号已停用，请联系社区工作人员。"), code="disabled")
    return matching


@transaction.atomic
def account_activate(*, activation_code, password, now=None):
    """Use the code (once, even under a double submit), set the member's own password."""
    from organizations.login_protection import password_chosen_record

    now = now or timezone.now()
    claimed = ActivationCode.objects.filter(pk=activation_code.pk, used_at__isnull=True,
                                            voided_at__isnull=True).update(used_at=now)
    if not claimed:
        raise ActivationRefused(_("该激活码已使用过。"), code="used")
    account = get_user_model().objects.select_for_update().get(pk=activation_code.user_id)
    account.set_password(password)
    account.save(update_fields=["password"])
    password_chosen_record(user=account)
    Member.objects.filter(user=account, account_activated_at__isnull=True).update(
        account_activated_at=now)
    return account


def account_deactivate(*, member, now=None):
    """On leaving the roster: the login stops and unused codes die; the apps above members
    (activities: the calendar address, invitations to meetings still to come) follow through
    `members.lifecycle`. Nothing is deleted but the invitations to meetings that have not taken
    place."""
    now = now or timezone.now()
    if member.user_id:
        get_user_model().objects.filter(pk=member.user_id).update(is_active=False)
        ActivationCode.objects.filter(user_id=member.user_id, used_at__isnull=True,
                                      voided_at__isnull=True).update(voided_at=now)
    lifecycle.left(member=member, now=now)


def account_reopen(*, member):
    """On a return to the roster: the account is pending again, to be activated with a new
    code (the old password is not brought back), and the member is invited to their branch's
    meetings still to come (`members.lifecycle`)."""
    if member.user_id:
        get_user_model().objects.filter(pk=member.user_id).update(
            is_active=True, password=make_password(None))
        Member.objects.filter(pk=member.pk).update(account_activated_at=None)
        member.account_activated_at = None
    lifecycle.returned(member=member)


def activation_rates(members):
    """{branch id: {"total", "active", "pending", "none", "disabled", "no_phone"}} of the
    members on the roll in `members`. `total` leaves out the members marked 不使用手机: they
    are served by proxy check-in, not counted as failures.

    Two grouped queries rather than one joined to the users: a street's members are counted
    from the index `member_on_roll_accounts` alone, and only the few disabled accounts (the
    partial index `members_inactive_user`) are looked up among the users. Joined, PostgreSQL
    read all 440,000 users of a city for each street."""
    on_roll = members.active().order_by()
    phone = Q(no_smartphone=False)
    rows = on_roll.values("branch_id").annotate(
        all=Count("pk"),
        no_phone=Count("pk", filter=Q(no_smartphone=True)),
        with_user=Count("pk", filter=phone & Q(user__isnull=False)),
        activated=Count("pk", filter=phone & Q(user__isnull=False,
                                                account_activated_at__isnull=False)))
    disabled = {row["branch_id"]: row for row in on_roll.filter(
        phone, account_status_q(AccountStatus.DISABLED)).values("branch_id").annotate(
            n=Count("pk"), activated=Count("pk", filter=Q(account_activated_at__isnull=False)))}
    rates = {}
    for row in rows:
        off = disabled.get(row["branch_id"], {"n": 0, "activated": 0})
        total = row["all"] - row["no_phone"]
        active = row["activated"] - off["activated"]
        pending = row["with_user"] - row["activated"] - (off["n"] - off["activated"])
        rates[row["branch_id"]] = {
            "total": total, "active": active, "pending": pending, "disabled": off["n"],
            "none": total - row["with_user"], "no_phone": row["no_phone"]}
    return rates

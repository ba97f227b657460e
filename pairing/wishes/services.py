"""The wish workflow: each transition is one function; a refused one raises ValidationError.

submitted → accepted | merged | declined; accepted → dispatched (member, unit, volunteer
team or open), dispatched again while not claimed;
dispatched → claimed (by a member); claimed, or dispatched to a unit or a team → done (with an
outcome); done → confirmed (rated) | reopened (back to accepted, to dispatch again).
"""
import re
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.rules import most_specific
from pairing.models import Need
from pairing.wishes.models import TEXT_MAX, TITLE_MAX, Wish, WishRule

S = Wish.Status
# Markup in residents' text: a tag, a comment, a character reference or a script URL.
MARKUP = re.compile(r"<\s*[a-zA-Z/!?]|&#|&[a-zA-Z]+;|javascript\s*:", re.IGNORECASE)

# A phone or ID number in the title, which the wish wall shows to everyone.
NUMBER_IN_TITLE = re.compile(r"[0-9０-９][0-9０-９ -]{5,}[0-9０-９]")

# The public page: submissions per address per hour (docs/RULES.md).
PUBLIC_LIMIT_PER_HOUR = 3


def check_plain_text(value, *, field, required, max_length):
    """Residents' text: plain, not empty when required, not longer than the field."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("请填写此项。")})
    if len(value) > max_length:
        raise ValidationError({field: _("不能超过 %(max)s 个字（现有 %(count)s 个）。")
                               % {"max": max_length, "count": len(value)}})
    if MARKUP.search(value):
        raise ValidationError({field: _("请只填写文字，不要包含网页代码或尖括号标记。")})
    return value


def rule_for(community):
    rule = most_specific(WishRule.objects.all(), community)
    if rule is None:  # the default ships in a migration; keep working if it was removed
        return WishRule(due_days=7, unclaimed_days=2)
    return rule


def _require(wish, *statuses):
    if wish.status not in statuses:
        raise ValidationError(_("该心愿当前为“%(status)s”，不能进行此操作。")
                              % {"status": wish.get_status_display()})


def _locked(wish):
    # Two staff or two members acting at once: the second sees the first one's state.
    return Wish.objects.select_for_update().get(pk=wish.pk)


@transaction.atomic
def wish_receive(*, wish, user=None):
    """Record a new wish (staff or the public page): plain text checked, grid of its community."""
    wish.title = check_plain_text(wish.title, field="title", required=True, max_length=TITLE_MAX)
    if NUMBER_IN_TITLE.search(wish.title):
        raise ValidationError({"title": _("标题会公开显示在心愿墙上，请不要填写电话号码或证件号码。")})
    wish.description = check_plain_text(wish.description, field="description", required=False,
                                        max_length=TEXT_MAX)
    for field, length in [("contact_name", 20), ("address", 100)]:
        setattr(wish, field, check_plain_text(getattr(wish, field), field=field,
                                              required=False, max_length=length))
    if wish.grid_id and wish.grid.community_id != wish.community_id:
        raise ValidationError({"grid": _("只能选择本社区的网格。")})
    wish.status = S.SUBMITTED
    wish.recorded_by = user
    wish.submitted_at = timezone.now()
    wish.full_clean()
    wish.save()
    return wish


@transaction.atomic
def wish_accept(*, wish, due_on=None):
    wish = _locked(wish)
    _require(wish, S.SUBMITTED)
    today = timezone.localdate()
    wish.due_on = due_on or today + timedelta(days=rule_for(wish.community).due_days)
    if wish.due_on < today:
        raise ValidationError({"due_on": _("办结时限不能早于今天。")})
    wish.status, wish.reviewed_at = S.ACCEPTED, timezone.now()
    wish.save()
    return wish


@transaction.atomic
def wish_merge(*, wish, into):
    wish = _locked(wish)
    _require(wish, S.SUBMITTED)
    if into.pk == wish.pk or into.community_id != wish.community_id:
        raise ValidationError({"into": _("只能合并到本社区的另一条心愿。")})
    if into.status in (S.MERGED, S.DECLINED):
        raise ValidationError({"into": _("不能合并到已合并或不予受理的心愿。")})
    wish.status, wish.duplicate_of, wish.reviewed_at = S.MERGED, into, timezone.now()
    wish.save()
    return wish


@transaction.atomic
def wish_decline(*, wish, reason):
    wish = _locked(wish)
    _require(wish, S.SUBMITTED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写不予受理的原因。")})
    wish.status, wish.decline_reason, wish.reviewed_at = S.DECLINED, reason, timezone.now()
    wish.save()
    return wish


@transaction.atomic
def wish_dispatch(*, wish, target, member=None, unit=None, team=None, due_on=None):
    """派单. To a member (who then confirms 接单), to a co-building unit (staff record the
    outcome for it), to an active volunteer team of the community (its leader or staff record
    the outcome), or open for any member of the community to claim."""
    wish = _locked(wish)
    # Dispatched again (改派) while nobody has taken it yet.
    _require(wish, S.ACCEPTED, S.DISPATCHED)
    if target == Wish.Target.MEMBER and member is None:
        raise ValidationError({"member": _("请选择接单党员。")})
    if target == Wish.Target.UNIT and unit is None:
        raise ValidationError({"unit": _("请选择共建单位。")})
    if target == Wish.Target.TEAM:
        if team is None:
            raise ValidationError({"team": _("请选择志愿者服务队。")})
        if team.community_id != wish.community_id:
            raise ValidationError({"team": _("只能派给本社区的志愿者服务队。")})
        if team.disbanded_on is not None:
            raise ValidationError({"team": _("该服务队已解散，不能派单。")})
    if target not in Wish.Target.values:
        raise ValidationError({"target": _("请选择派单对象。")})
    if due_on is not None:
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": _("办结时限不能早于今天。")})
        wish.due_on = due_on
    wish.target = target
    wish.member = member if target == Wish.Target.MEMBER else None
    wish.unit = unit if target == Wish.Target.UNIT else None
    wish.team = team if target == Wish.Target.TEAM else None
    wish.status, wish.dispatched_at, wish.claimed_at = S.DISPATCHED, timezone.now(), None
    wish.save()
    return wish


@transaction.atomic
def wish_claim(*, wish, member):
    """接单: the member it was dispatched to, or any member of a community it is open in."""
    wish = _locked(wish)
    if wish.status == S.CLAIMED:
        raise ValidationError(_("该心愿已被其他党员认领。"))
    _require(wish, S.DISPATCHED)
    if wish.target in (Wish.Target.UNIT, Wish.Target.TEAM) or (
            wish.target == Wish.Target.MEMBER and wish.member_id != member.pk):
        raise ValidationError(_("该心愿已派给他人，不能认领。"))
    if not member.is_active:
        raise ValidationError(_("只有在册党员可以认领。"))
    wish.member, wish.status, wish.claimed_at = member, S.CLAIMED, timezone.now()
    wish.save()
    return wish


@transaction.atomic
def wish_done(*, wish, outcome, member=None):
    """办结 with an outcome: by the member who claimed it or who leads the team it went to, or
    by staff (member=None), who may also finish a wish dispatched to a unit or a team."""
    wish = _locked(wish)
    if member is not None:
        _require(wish, S.CLAIMED, S.DISPATCHED)
        if not wish.finishable_by(member):
            raise ValidationError(_("只有接单党员可以办结。"))
    else:
        _require(wish, S.CLAIMED, S.DISPATCHED)
        if wish.status == S.DISPATCHED and wish.target not in (Wish.Target.UNIT,
                                                               Wish.Target.TEAM):
            raise ValidationError(_("该心愿尚无人接单，不能办结。"))
    wish.outcome = check_plain_text(outcome, field="outcome", required=True, max_length=TEXT_MAX)
    wish.status, wish.done_at = S.DONE, timezone.now()
    wish.save()
    return wish


@transaction.atomic
def wish_confirm(*, wish, rating, feedback="", by_staff=False):
    """The resident confirms it was done and rates it (1 to 5), through their link or by
    telling staff on a call."""
    wish = _locked(wish)
    _require(wish, S.DONE)
    if rating not in range(1, 6):
        raise ValidationError({"rating": _("请选择 1 到 5 星的满意度。")})
    wish.feedback = check_plain_text(feedback, field="feedback", required=False, max_length=200)
    wish.rating, wish.confirmed_by_staff = rating, by_staff
    wish.status, wish.confirmed_at = S.CONFIRMED, timezone.now()
    wish.save()
    return wish


@transaction.atomic
def wish_reopen(*, wish, reason):
    """The resident says it was not done: back to accepted for the community to dispatch again,
    with a fresh deadline."""
    wish = _locked(wish)
    _require(wish, S.DONE)
    reason = check_plain_text(reason, field="reason", required=True, max_length=200)
    wish.status, wish.reopen_reason, wish.reopen_count = S.ACCEPTED, reason, wish.reopen_count + 1
    wish.target, wish.member, wish.unit, wish.team = "", None, None, None
    wish.dispatched_at = wish.claimed_at = wish.done_at = None
    wish.due_on = timezone.localdate() + timedelta(days=rule_for(wish.community).due_days)
    wish.save()
    return wish


@transaction.atomic
def wish_to_need(*, wish):
    """A wish a co-building unit's resources could meet becomes a need of the community's
    needs–resources–projects list (三单), with its title, text and category: no retyping."""
    wish = _locked(wish)
    _require(wish, S.ACCEPTED)
    if wish.need_id:
        raise ValidationError(_("该心愿已转入需求清单。"))
    need = Need(community=wish.community, category=wish.category, title=wish.title,
                description=wish.description)
    need.full_clean()
    need.save()
    wish.need = need
    wish.save(update_fields=["need"])
    return need


def public_submission_allowed(address):
    """Count one public submission from this address in the current clock hour; False once
    the address has sent PUBLIC_LIMIT_PER_HOUR already. Kept in the shared cache (every web
    process sees the same count); if the cache is down the page stays open."""
    from django.core.cache import cache

    key = f"wishes:public:{address}:{timezone.now():%Y%m%d%H}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= PUBLIC_LIMIT_PER_HOUR

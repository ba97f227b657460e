"""Writes of the members app: each a function named <entity>_<action>, one transaction."""
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kernel.paths import community_path_of
from members import accounts, excel, lifecycle, points
from members.models import (DisplayChoice, Member, PointsEntry, Post, PostClaim,
                            PostServiceMonth, Registration, Transfer)
from organizations.models import Node


@transaction.atomic
def member_reveal_id_number(*, member, user):
    """Each reveal of a full ID number is logged with who and when."""
    LogEntry.objects.log_create(member, force_log=True, action=LogEntry.Action.ACCESS,
                                actor=user, additional_data={"event": "reveal_id_number"})
    return member.id_number


@transaction.atomic
def member_export_id_numbers(*, members, user, filters):
    """The roster workbook of `members` with full ID numbers, to correct and import again.

    Each export is recorded as an access event per community, with how many of its members
    and the roster's filters: the community is what the audit trail is searched by, and an
    entry per member would bury every other entry under a thousand lines per export. An
    export without members reveals nothing and records nothing.
    """
    content = excel.export_workbook(members, full_id_numbers=True)
    counts = dict(members.order_by().values_list("branch__parent").annotate(n=Count("pk")))
    for community in Node.objects.filter(pk__in=counts).order_by("sort_key"):
        LogEntry.objects.log_create(
            community, force_log=True, action=LogEntry.Action.ACCESS, actor=user,
            additional_data={"event": "export_id_numbers", "members": counts[community.pk],
                             "filters": filters})
    return content


@transaction.atomic
def member_transfer(*, member, to_branch, transferred_on, note="", user=None):
    if to_branch.pk == member.branch_id:
        raise ValidationError({"to_branch": _("转入支部不能是当前支部。")})
    transfer = Transfer.objects.create(member=member, from_branch=member.branch,
                                       to_branch=to_branch, transferred_on=transferred_on,
                                       note=note, recorded_by=user)
    member.branch = to_branch
    # Groups and grids belong to the old branch and community.
    member.group = None
    if member.grid_id and not to_branch.path.startswith(member.grid.community.path):
        member.grid = None
    member.save(update_fields=["branch", "group", "grid", "updated_at"])
    # The member keeps their account and now sees their new branch: invited to its meetings
    # still to come, no longer to the old branch's.
    lifecycle.moved(member=member, from_branch=transfer.from_branch)
    return transfer


@transaction.atomic
def member_leave(*, member, left_on, reason, note=""):
    if left_on < member.joined_on:
        raise ValidationError({"left_on": _("离开日期不能早于入党时间。")})
    member.left_on, member.leave_reason, member.leave_note = left_on, reason, note
    member.save(update_fields=["left_on", "leave_reason", "leave_note", "updated_at"])
    member.post_claims.filter(ended_on__isnull=True).update(ended_on=left_on)
    # Leaving (or moving away, 转出) ends access: the account is kept, but stopped.
    accounts.account_deactivate(member=member)
    return member


def user_large_text_set(*, user, on):
    """大字模式 of a user with no member record, switched from the account menu."""
    DisplayChoice.objects.update_or_create(user=user, defaults={"large_text": on})


def member_large_text_set(*, member, on):
    """The member's 大字模式, switched on their own page. A display choice, not roster data: it
    leaves `updated_at` (the roster's 更新时间) and the audit trail alone."""
    Member.objects.filter(pk=member.pk).update(large_text=on)
    member.large_text = on
    return member


@transaction.atomic
def member_restore(*, member, user):
    """Undo a leave. The audit log keeps the old left_on and reason, so nothing is lost."""
    if member.is_active:
        raise ValidationError(_("该党员仍在名册中。"))
    if member.branch.is_archived:
        raise ValidationError(_("所在支部已撤销，请先转接组织关系或恢复支部。"))
    member.left_on, member.leave_reason, member.leave_note = None, "", ""
    with set_actor(user):
        member.save(update_fields=["left_on", "leave_reason", "leave_note", "updated_at"])
    # Back on the roll: the account can be activated again with a new code.
    accounts.account_reopen(member=member)
    return member


@transaction.atomic
def member_convert(*, member, decided_on):
    """转正: the branch's decision date becomes the date of full membership."""
    if member.status != Member.Status.PROBATIONARY:
        raise ValidationError(_("该党员不是预备党员。"))
    if decided_on < member.joined_on:
        raise ValidationError({"decided_on": _("转正时间不能早于入党时间。")})
    # 预备期满才能转正 (Party Constitution art. 7); an early decision is refused, extending
    # the probation stays possible.
    if decided_on < member.probation_ends_on:
        raise ValidationError({"decided_on": _(
            "预备期到%(day)s才满，不能提前转正。支部大会的转正决定日期应在预备期满之后；"
            "如需继续考察，可以延长预备期。") % {"day": date_format(member.probation_ends_on)}})
    member.status, member.full_member_on = Member.Status.FULL, decided_on
    member.save(update_fields=["status", "full_member_on", "updated_at"])
    return member


@transaction.atomic
def member_extend_probation(*, member, months, decided_on):
    """Probation can be extended once, by 6 to 12 months (docs/RULES.md)."""
    if member.status != Member.Status.PROBATIONARY:
        raise ValidationError(_("该党员不是预备党员。"))
    if member.probation_extended_months:
        raise ValidationError(_("预备期只能延长一次，已于%(day)s延长过。") % {
            "day": member.probation_extended_on})
    if not 6 <= months <= 12:
        raise ValidationError({"months": _("延长期限应为6至12个月。")})
    member.probation_extended_months, member.probation_extended_on = months, decided_on
    member.save(update_fields=["probation_extended_months", "probation_extended_on",
                               "updated_at"])
    return member


def posts_seed_standard(*, community):
    """The 12 standard posts for a community that lacks them (idempotent)."""
    existing = set(community.posts.values_list("name", flat=True))
    new = [Post(community=community, name=name, description=description, capacity=capacity,
                sort_order=index)
           for index, (name, description, capacity) in enumerate(Post.STANDARD)
           if name not in existing]
    Post.objects.bulk_create(new)
    return new


def _check_capacity(post):
    taken = post.claims.holding().count()
    if taken >= post.capacity:
        raise ValidationError(_("“%(post)s”已满员（定员 %(n)d 人），请选择其他岗位。") % {
            "post": post.name, "n": post.capacity})


def _check_open(post, member):
    if post.claims.filter(member=member, ended_on__isnull=True, status__in=[
            PostClaim.Status.PENDING, PostClaim.Status.APPROVED]).exists():
        raise ValidationError(_("已认领过“%(post)s”。") % {"post": post.name})


def claimable_communities(member):
    """Where a member may claim posts: their own community and those they registered with."""
    from organizations.models import Node

    community_path = community_path_of(member.branch.path)
    registered = member.registrations.filter(status=Registration.Status.APPROVED).values(
        "community")
    return Node.objects.filter(kind=Node.Kind.COMMUNITY).filter(
        path=community_path) | Node.objects.filter(pk__in=registered)


@transaction.atomic
def post_claim_create(*, post, member):
    # Lock the post so two members cannot take its last place at once.
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.archived_at or not member.is_active:
        raise ValidationError(_("该岗位已停用。"))
    if not claimable_communities(member).filter(pk=post.community_id).exists():
        raise ValidationError(_("只能认领本社区或已报到社区的岗位。"))
    _check_open(post, member)
    _check_capacity(post)
    return PostClaim.objects.create(post=post, member=member)


def _serve_month(claim, day):
    month, _created = PostServiceMonth.objects.get_or_create(claim=claim,
                                                             month=day.replace(day=1))
    points.award(member=claim.member, item="post_month", quantity=1, source=month,
                 occurred_on=month.month, reason=claim.post.name)
    return month


@transaction.atomic
def post_claim_approve(*, claim, user):
    """Approval puts the member on the post and credits its first month of service."""
    if claim.status != PostClaim.Status.PENDING:
        raise ValidationError(_("该认领已处理。"))
    Post.objects.select_for_update().get(pk=claim.post_id)
    _check_capacity(claim.post)
    claim.status, claim.decided_at, claim.decided_by = (
        PostClaim.Status.APPROVED, timezone.now(), user)
    claim.save(update_fields=["status", "decided_at", "decided_by"])
    _serve_month(claim, timezone.localdate())
    return claim


@transaction.atomic
def post_claim_decline(*, claim, user, reason):
    if claim.status != PostClaim.Status.PENDING:
        raise ValidationError(_("该认领已处理。"))
    claim.status, claim.decided_at, claim.decided_by, claim.decline_reason = (
        PostClaim.Status.DECLINED, timezone.now(), user, reason)
    claim.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    return claim


@transaction.atomic
def post_assign(*, post, member, user):
    """Staff put a member on a post directly: an approved claim."""
    Post.objects.select_for_update().get(pk=post.pk)
    _check_open(post, member)
    _check_capacity(post)
    claim = PostClaim.objects.create(post=post, member=member, assigned=True,
                                     status=PostClaim.Status.APPROVED,
                                     decided_at=timezone.now(), decided_by=user)
    _serve_month(claim, timezone.localdate())
    return claim


@transaction.atomic
def post_claim_record_month(*, claim, month):
    """Credit one more month of service on an approved claim (once per month)."""
    if claim.status != PostClaim.Status.APPROVED or claim.ended_on:
        raise ValidationError(_("只有在岗的认领才能记录服务月。"))
    return _serve_month(claim, month)


@transaction.atomic
def registration_create(*, member, community, unit, address="", by_staff=False):
    if member.category != Member.Category.EMPLOYED:
        raise ValidationError(_("只有在职党员需要到社区报到。"))
    if member.registrations.filter(community=community, status__in=[
            Registration.Status.PENDING, Registration.Status.APPROVED]).exists():
        raise ValidationError(_("已向该社区报到，无需重复报到。"))
    if member.employer_unit_id != unit.pk:
        member.employer_unit = unit
        member.save(update_fields=["employer_unit", "updated_at"])
    return Registration.objects.create(member=member, community=community, unit=unit,
                                       address=address, entered_by_staff=by_staff)


@transaction.atomic
def registration_decide(*, registration, user, approve, reason=""):
    if registration.status != Registration.Status.PENDING:
        raise ValidationError(_("该报到已处理。"))
    if not approve and not reason:
        raise ValidationError({"reason": _("请填写未通过的原因。")})
    registration.status = (Registration.Status.APPROVED if approve
                           else Registration.Status.DECLINED)
    registration.decided_at, registration.decided_by = timezone.now(), user
    registration.decline_reason = reason
    registration.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    return registration


@transaction.atomic
def points_adjust(*, member, points_delta, reason, occurred_on, user):
    """A manual adjustment: needs a reason, and is written to the audit log."""
    if not reason.strip():
        raise ValidationError({"reason": _("手动调整积分必须填写原因。")})
    if not points_delta:
        raise ValidationError({"points": _("调整分值不能为0。")})
    # Every model is audit-logged (AUDITLOG_INCLUDE_ALL_MODELS); name the actor outside requests.
    with set_actor(user):
        return PointsEntry.objects.create(member=member, item=PointsEntry.ADJUSTMENT,
                                          points=points_delta, quantity=1,
                                          occurred_on=occurred_on, reason=reason, created_by=user)


@transaction.atomic
def points_rule_save(*, node, item, points_value, yearly_cap, exempt_categories):
    """Street officials override a rule on their street (or a community under it)."""
    from members.models import PointsRule

    rule, _created = PointsRule.objects.update_or_create(
        node=node, item=item, defaults={"points": points_value, "yearly_cap": yearly_cap,
                                        "exempt_categories": list(exempt_categories)})
    return rule

"""Writes of volunteer teams and service records. Each is one transaction; bad input raises
ValidationError with the message the form shows."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Participation
from activities.volunteers.models import (Certificate, ServiceCorrection, ServiceRecord,
                                          TeamMembership, Volunteer)
from members import points


@transaction.atomic
def volunteer_register_member(*, community, member, consent_on, phone=""):
    """A Party member of the community's roster as a volunteer (once per community)."""
    if not member.branch.path.startswith(community.path):
        raise ValidationError({"member": _("该党员不属于本社区。")})
    volunteer, _created = Volunteer.objects.get_or_create(
        community=community, member=member,
        defaults={"name": member.name, "phone": phone or member.phone, "consent_on": consent_on,
                  "registered_on": timezone.localdate()})
    return volunteer


@transaction.atomic
def team_member_add(*, team, volunteer, joined_on):
    if volunteer.community_id != team.community_id:
        raise ValidationError({"volunteer": _("志愿者须在本社区登记。")})
    if team.memberships.filter(volunteer=volunteer, left_on__isnull=True).exists():
        raise ValidationError({"volunteer": _("该志愿者已在本队。")})
    return TeamMembership.objects.create(team=team, volunteer=volunteer, joined_on=joined_on)


@transaction.atomic
def team_member_leave(*, membership, left_on, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退出原因。")})
    if left_on < membership.joined_on:
        raise ValidationError({"left_on": _("退出日期不能早于加入日期。")})
    membership.left_on, membership.leave_reason = left_on, reason.strip()
    membership.save(update_fields=["left_on", "leave_reason"])
    return membership


def team_members_on(team, day):
    """The team's memberships current on `day`, with their volunteers and members."""
    from django.db.models import Q

    return (team.memberships.filter(Q(left_on__isnull=True) | Q(left_on__gt=day),
                                    joined_on__lte=day)
            .select_related("volunteer__member__branch")
            .order_by("volunteer__name_pinyin", "volunteer__name", "pk"))


@transaction.atomic
def service_record_from_activity(*, activity, team, hours, content, user):
    """Record the service of every member of `team` at `activity` in one step.

    The activity's community organized it, so it records ("谁组织谁记录"); the team must be
    one of its teams. A Party member already on the activity's participant list keeps the
    hours recorded there; a Party member not on it joins it with `hours`, which earns the
    volunteer-hour points as every participation does. A volunteer already recorded for the
    activity is skipped, so a second run records nothing twice. Returns (created, skipped).
    """
    if team.community_id != activity.community_id:
        raise ValidationError({"team": _("只能记录本社区组织的活动：该服务队不属于活动所在社区。")})
    if not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("时长须大于 0 且不超过 24 小时。")})
    memberships = list(team_members_on(team, activity.held_on))
    if not memberships:
        raise ValidationError({"team": _("活动当天该服务队没有在队成员。")})
    recorded = set(activity.volunteer_service_records.values_list("volunteer_id", flat=True))
    participations = {row.member_id: row for row in activity.participations.all()}
    created, skipped = [], []
    for membership in memberships:
        volunteer = membership.volunteer
        if volunteer.pk in recorded:
            skipped.append(volunteer)
            continue
        served = hours
        if volunteer.member_id is not None:
            participation = participations.get(volunteer.member_id)
            if participation is None:
                participation = Participation.objects.create(activity=activity,
                                                             member=volunteer.member, hours=hours)
                points.award(member=volunteer.member, item="volunteer_hour", quantity=hours,
                             source=participation, occurred_on=activity.held_on)
            served = participation.hours
        created.append(ServiceRecord(
            community=activity.community, volunteer=volunteer, team=team, activity=activity,
            served_on=activity.held_on, place=activity.place, content=content or activity.title,
            hours=served, recorded_by=user))
    ServiceRecord.objects.bulk_create(created)
    return created, skipped


@transaction.atomic
def service_record_correct(*, record, hours, reason, user):
    """Change a record's hours, keeping the previous value and the reason as a row.

    A Party member's participation in the activity follows, so the activity's figures agree;
    points already awarded stay (as when an activity's hours are changed), a manual
    adjustment in the points ledger fixes them.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("更正须填写原因。")})
    if not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("时长须大于 0 且不超过 24 小时。")})
    record = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if hours == record.hours:
        raise ValidationError({"hours": _("更正后的时长与原时长相同。")})
    correction = ServiceCorrection.objects.create(record=record, previous_hours=record.hours,
                                                  hours=hours, reason=reason.strip(),
                                                  corrected_by=user)
    record.hours = hours
    record.save(update_fields=["hours"])
    if record.activity_id and record.volunteer.member_id:
        Participation.objects.filter(activity_id=record.activity_id,
                                     member_id=record.volunteer.member_id).update(hours=hours)
    return correction


@transaction.atomic
def certificate_issue(*, volunteer, community, user, today=None):
    """Issue a 志愿服务记录证明 of the services `community` recorded for this person
    ("谁记录谁证明"): never another community's, even of the same Party member."""
    today = today or timezone.localdate()
    records = list(ServiceRecord.objects.filter(community=community, volunteer=volunteer,
                                                served_on__lte=today))
    if not records:
        raise ValidationError(_("本社区尚未为该志愿者记录志愿服务，不能出具证明。"))
    total = sum((record.hours for record in records), Decimal("0"))
    certificate = Certificate.objects.create(
        community=community, volunteer=volunteer, issued_on=today, issued_by=user,
        services=len(records), total_hours=total,
        first_served_on=min(record.served_on for record in records),
        last_served_on=max(record.served_on for record in records))
    certificate.records.set(records)
    return certificate


def hours_of(volunteer, community):
    return (ServiceRecord.objects.filter(volunteer=volunteer, community=community)
            .aggregate(total=Sum("hours"))["total"] or Decimal("0"))

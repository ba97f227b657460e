"""Writes of the co-building records. Each takes instances a form has validated and
re-checks the model rules, so a service called from elsewhere cannot store bad data."""
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import archiving
from pairing.models import (Agreement, CareVisit, Contribution, JointCommitteeSeat, Need,
                            NeedyHousehold, Pairing, Project, ProjectPhoto, Resource, Unit)


@transaction.atomic
def unit_register(*, unit: Unit, community) -> Unit:
    unit.street_id = community.parent_id
    unit.name = unit.name.strip()
    unit.full_clean()
    unit.save()
    unit.communities.add(community)
    return unit


@transaction.atomic
def unit_update(*, unit: Unit) -> Unit:
    unit.full_clean()
    unit.save()
    return unit


def unit_archive_blockers(unit):
    """Why a unit cannot be archived today: co-building still running with it would be left
    with a unit nobody can pick any more. Finished records never block: they stay, counted."""
    today = timezone.localdate()
    running = Q(ended_on__isnull=True) | Q(ended_on__gt=today)
    reasons = [
        _("与%(community)s的共建协议有效期至%(ends_on)s，尚未终止，请先终止该协议。") % {
            "community": agreement.community.name, "ends_on": agreement.ends_on}
        # An agreement not yet in force blocks too: it is signed and would start without a unit.
        for agreement in unit.agreements.filter(ended_on__isnull=True, ends_on__gte=today)
        .select_related("community").order_by("ends_on")]
    for count, message in [
        (unit.pairings.filter(running).count(),
         _("还有 %(n)d 对结对帮扶在进行中，请先结束结对。")),
        (unit.joint_seats.filter(running).count(),
         _("还有 %(n)d 名大党委兼职委员在任，请先登记离任。")),
        (unit.projects.filter(status__in=[Project.Status.PLANNED, Project.Status.IN_PROGRESS])
         .count(), _("还有 %(n)d 个项目未完成，请先完成或放弃。")),
    ]:
        if count:
            reasons.append(message % {"n": count})
    return reasons


@transaction.atomic
def unit_archive(*, unit: Unit, reason: str) -> Unit:
    return archiving.archive(unit, reason=reason, blockers=unit_archive_blockers(unit))


@transaction.atomic
def unit_restore(*, unit: Unit) -> Unit:
    return archiving.restore(unit)


@transaction.atomic
def agreement_sign(*, agreement: Agreement, areas) -> Agreement:
    agreement.full_clean()
    agreement.save()
    agreement.areas.set(areas)
    agreement.unit.communities.add(agreement.community)
    return agreement


@transaction.atomic
def agreement_end(*, agreement: Agreement, ended_on, reason: str) -> Agreement:
    agreement.ended_on, agreement.end_reason = ended_on, reason
    agreement.save(update_fields=["ended_on", "end_reason"])
    return agreement


@transaction.atomic
def joint_seat_save(*, seat: JointCommitteeSeat) -> JointCommitteeSeat:
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def household_save(*, household: NeedyHousehold) -> NeedyHousehold:
    household.full_clean()
    household.save()
    return household


def household_view_log(*, household: NeedyHousehold, user) -> LogEntry:
    """Record that `user` opened the household's personal data (RULES: every view is logged)."""
    return LogEntry.objects.log_create(
        household, force_log=True, action=LogEntry.Action.ACCESS, actor=user,
        object_repr=f"{NeedyHousehold._meta.verbose_name} #{household.pk}",
        additional_data={"event": "view_household"})


@transaction.atomic
def pairing_start(*, pairing: Pairing) -> Pairing:
    pairing.full_clean()
    pairing.save()
    return pairing


@transaction.atomic
def pairing_end(*, pairing: Pairing, ended_on, reason: str) -> Pairing:
    pairing.ended_on, pairing.end_reason = ended_on, reason
    pairing.full_clean()
    pairing.save(update_fields=["ended_on", "end_reason"])
    return pairing


@transaction.atomic
def care_visit_log(*, visit: CareVisit) -> CareVisit:
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def contribution_record(*, contribution: Contribution) -> Contribution:
    contribution.full_clean()
    contribution.save()
    return contribution


@transaction.atomic
def need_post(*, need: Need) -> Need:
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def resource_offer(*, resource: Resource) -> Resource:
    resource.full_clean()
    resource.save()
    return resource


@transaction.atomic
def resource_withdraw(*, resource: Resource, withdrawn_on, reason: str) -> Resource:
    """The unit no longer offers it: it leaves matching; projects already using it go on."""
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("撤回日期不能晚于今天。")})
    resource.withdrawn_on, resource.withdraw_reason = withdrawn_on, reason
    resource.save(update_fields=["withdrawn_on", "withdraw_reason"])
    return resource


@transaction.atomic
def project_start(*, project: Project) -> Project:
    project.unit = project.resource.unit
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_update(*, project: Project) -> Project:
    """Save a status change; a finished project closes its need, a dropped one leaves it open."""
    project.full_clean()
    today = timezone.localdate()
    if project.status == Project.Status.DONE:
        project.finished_on = project.finished_on or today
        Need.objects.filter(pk=project.need_id, closed_on__isnull=True).update(closed_on=today)
    else:
        project.finished_on = None
    project.save()
    return project


@transaction.atomic
def project_photo_add(*, photo: ProjectPhoto) -> ProjectPhoto:
    photo.full_clean()
    photo.save()
    return photo

"""Writes of 责任区认领. Views call these; tests call them directly."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import Node
from pairing.zones.models import Claim, Zone


def zone_create(*, community, grid, name, description):
    name = (name or "").strip() or (grid.name if grid else "")
    if not name:
        raise ValidationError({"name": _("请填写片区名称或选择网格。")})
    if grid is not None and grid.community_id != community.pk:
        raise ValidationError({"grid": _("只能选择本社区的网格。")})
    if Zone.objects.filter(community=community, name=name).exists():
        raise ValidationError({"name": _("本社区已有同名责任区。")})
    return Zone.objects.create(community=community, grid=grid, name=name,
                               description=description.strip())


@transaction.atomic
def claim_record(*, zone, year, unit, branch, duties, created_by):
    """A unit or a branch of the zone's community claims the zone for a year."""
    errors = {}
    if (unit is None) == (branch is None):
        errors["unit"] = _("请选择认领单位或认领支部（二选一）。")
    elif branch is not None and (branch.kind != Node.Kind.BRANCH
                                 or branch.parent_id != zone.community_id):
        errors["branch"] = _("只能由本社区的支部认领。")
    elif unit is not None and not unit.communities.filter(pk=zone.community_id).exists():
        errors["unit"] = _("只能由与本社区共建的单位认领。")
    if not duties:
        errors["duties"] = _("请至少选择一项职责。")
    if Claim.objects.filter(zone=zone, year=year).exists():
        errors["year"] = _("该责任区本年度已被认领。")
    if errors:
        raise ValidationError(errors)
    claim = Claim.objects.create(zone=zone, year=year, unit=unit, branch=branch,
                                 created_by=created_by)
    claim.duties.set(duties)
    return claim

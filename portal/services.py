"""Writes of 督查整改 and the ranking weights. Views call these; tests call them directly.

Every state change of a rectification adds a RectificationEvent row, so the case keeps its
history.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.transitions import advance
from kernel.uploads import validate_image
from organizations.scope import STREET_ROLES, covers
from organizations.streetsettings import rules as street_rules
from portal.models import Inspection, RankingWeight, Rectification, RectificationEvent


@transaction.atomic
def inspection_record(*, point, inspected_on, result, problem, photo, inspector, deadline=None):
    """Record one inspection; a failure opens a rectification for the point's community."""
    today = timezone.localdate()
    if not covers(inspector, point.community.path, STREET_ROLES):
        raise ValidationError({"point": _("只能督查本街道的点位。")})
    if point.archived_on:
        raise ValidationError({"point": _("该点位已停用。")})
    if inspected_on > today:
        raise ValidationError({"inspected_on": _("督查日期不能晚于今天。")})
    failed = result == Inspection.Result.FAIL
    if failed:
        errors = {}
        if not problem.strip():
            errors["problem"] = _("不合格时请写明发现的问题。")
        if deadline is None:
            errors["deadline"] = _("不合格时请设定整改期限。")
        elif deadline < today:
            errors["deadline"] = _("整改期限不能早于今天。")
        if errors:
            raise ValidationError(errors)
    if photo:
        validate_image(photo)
    inspection = Inspection.objects.create(
        point=point, community_id=point.community_id, inspected_on=inspected_on, result=result,
        problem=problem.strip(), photo=photo or "", inspector=inspector)
    if failed:
        rectification = Rectification.objects.create(
            inspection=inspection, community_id=point.community_id, deadline=deadline)
        RectificationEvent.objects.create(
            rectification=rectification, action=RectificationEvent.Action.OPENED,
            note=_("整改期限：%(date)s") % {"date": deadline.isoformat()}, actor=inspector)
    return inspection


@transaction.atomic
def rectification_fix(*, rectification, actor, note, photo):
    """The community reports the problem fixed, with a photo taken after the fix."""
    if not photo and street_rules.photo_required(rectification.community):
        raise ValidationError({"photo": _("本街道要求上传整改后的照片。")})
    if photo:
        validate_image(photo)
    advance(rectification, allowed=[Rectification.Status.OPEN, Rectification.Status.RETURNED],
            to=Rectification.Status.FIXED, fixed_on=timezone.localdate(),
            refused=lambda current: _("该整改当前不需要报告完成（已报告或已验收）。"))
    RectificationEvent.objects.create(rectification=rectification,
                                      action=RectificationEvent.Action.FIXED, note=note.strip(),
                                      photo=photo or "", actor=actor)
    return rectification


@transaction.atomic
def rectification_accept(*, rectification, actor):
    """The street accepts the fix. A conditional update, so a second acceptance is refused."""
    advance(rectification, allowed=[Rectification.Status.FIXED],
            to=Rectification.Status.ACCEPTED, accepted_on=timezone.localdate(),
            refused=lambda current: _("该整改已验收，不能重复验收。")
            if current.status == Rectification.Status.ACCEPTED
            else _("社区尚未报告整改完成，不能验收。"))
    RectificationEvent.objects.create(rectification=rectification,
                                      action=RectificationEvent.Action.ACCEPTED, actor=actor)
    return rectification


@transaction.atomic
def rectification_return(*, rectification, actor, reason):
    """The street sends the fix back with a reason; the community must fix it again."""
    if not reason.strip():
        raise ValidationError({"reason": _("请写明退回的原因。")})
    advance(rectification, allowed=[Rectification.Status.FIXED],
            to=Rectification.Status.RETURNED,
            refused=lambda current: _("只有待验收的整改可以退回。"))
    RectificationEvent.objects.create(rectification=rectification,
                                      action=RectificationEvent.Action.RETURNED,
                                      note=reason.strip(), actor=actor)
    return rectification


@transaction.atomic
def ranking_weights_set(*, street, weights):
    """The street's own weights, one row per input; the defaults stay as shipped."""
    for key, weight in weights.items():
        if weight < 0:
            raise ValidationError({key: _("权重不能为负数。")})
        RankingWeight.objects.update_or_create(node=street, input_key=key,
                                               defaults={"weight": weight})

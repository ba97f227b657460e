"""Demo 督查整改: points in every demo community and six weeks of inspections.

Call `seed_inspections(context)` at the END of seeding: portal's own demo step runs first,
before the organization tree and the demo logins exist. Idempotent: a community that already
has points is left alone. Bulk inserts only, so it stays fast at 50 communities.
"""
from datetime import timedelta

from django.apps import apps as django_apps
from django.utils import timezone

from portal.defaults import ensure_ranking_weights
from portal.models import (Inspection, InspectionPoint, Rectification, RectificationEvent)

POINT_NAMES = [
    (InspectionPoint.Kind.ENTRANCE, "东门出入口"),
    (InspectionPoint.Kind.ENTRANCE, "南门出入口"),
    (InspectionPoint.Kind.ALLEY, "背街小巷一"),
    (InspectionPoint.Kind.GARBAGE, "垃圾分类投放点"),
    (InspectionPoint.Kind.STREET_FRONT, "沿街门店"),
]
PROBLEMS = ["垃圾满溢，未及时清运", "非机动车乱停乱放", "墙面有小广告", "路面破损积水",
            "门店占道经营", "绿化带内有杂物"]
WEEKS = 6


def seed_inspections(context):
    ensure_ranking_weights(django_apps)
    communities = [community for community in context.community_nodes
                   if not InspectionPoint.objects.filter(community=community).exists()]
    demo_inspector = context.users.get("jiedao")
    fixer = context.users.get("shequ") or demo_inspector
    if not communities or demo_inspector is None:
        return
    # Each street's own official inspects its communities (the demo login the first street's).
    inspectors = {community.pk: context.street_officials.get(community.parent_id, demo_inspector)
                  for community in communities}
    fixers = {community.pk: context.street_staff.get(community.parent_id, fixer)
              for community in communities}
    rng, today = context.rng, context.today
    InspectionPoint.objects.bulk_create([
        InspectionPoint(community=community, kind=kind, name=name,
                        address=f"{community.address}附近")
        for community in communities for kind, name in POINT_NAMES])
    points = list(InspectionPoint.objects.filter(community__in=communities))
    inspections = []
    for days_ago in range(WEEKS * 7, -1, -1):
        day = today - timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for point in rng.sample(points, k=max(1, len(points) // 4)):
            failed = rng.random() < 0.25
            inspections.append(Inspection(
                point=point, community_id=point.community_id, inspected_on=day,
                result=Inspection.Result.FAIL if failed else Inspection.Result.PASS,
                problem=rng.choice(PROBLEMS) if failed else "",
                inspector=inspectors[point.community_id]))
    Inspection.objects.bulk_create(inspections, batch_size=2000)
    failures = Inspection.objects.filter(community__in=communities,
                                         result=Inspection.Result.FAIL)
    rectifications, events = [], []
    now = timezone.now()
    for inspection in failures:
        deadline = inspection.inspected_on + timedelta(days=rng.choice([2, 3, 5]))
        rectification = Rectification(inspection=inspection, community_id=inspection.community_id,
                                      deadline=deadline)
        inspector = inspectors[inspection.community_id]
        history = [(RectificationEvent.Action.OPENED, inspector, inspection.inspected_on)]
        outcome = rng.random()
        if deadline < today and outcome < 0.8 or deadline >= today and outcome < 0.3:
            fixed_on = min(today, inspection.inspected_on + timedelta(
                days=rng.randint(1, (deadline - inspection.inspected_on).days + 2)))
            rectification.status, rectification.fixed_on = Rectification.Status.FIXED, fixed_on
            history.append((RectificationEvent.Action.FIXED, fixers[inspection.community_id],
                            fixed_on))
            if fixed_on < today - timedelta(days=1):
                rectification.status = Rectification.Status.ACCEPTED
                rectification.accepted_on = fixed_on + timedelta(days=1)
                history.append((RectificationEvent.Action.ACCEPTED, inspector,
                                rectification.accepted_on))
        rectifications.append((rectification, history))
    Rectification.objects.bulk_create([r for r, _h in rectifications], batch_size=2000)
    for rectification, history in rectifications:
        for action, actor, day in history:
            at = now - timedelta(days=(today - day).days)
            events.append(RectificationEvent(rectification=rectification, action=action,
                                             actor=actor, at=at))
    RectificationEvent.objects.bulk_create(events, batch_size=2000)
    context.log(f"督查整改：{len(points)} 个点位，{len(inspections)} 次督查，"
                f"{len(rectifications)} 项整改")

from portal import demo as portal_demo
from portal.demo_inspections import seed_inspections
from portal.models import Inspection, InspectionPoint, Rectification, RectificationEvent


def test_seed_inspections_is_idempotent_and_consistent(db):
    context = portal_demo.seed(portal_demo.DemoContext(communities=3, members_per_community=6,
                                                       log=lambda text: None))
    seed_inspections(context)
    counts = (InspectionPoint.objects.count(), Inspection.objects.count(),
              Rectification.objects.count(), RectificationEvent.objects.count())
    assert counts[0] == 15 and counts[1] > 0 and counts[2] > 0
    assert Rectification.objects.count() == Inspection.objects.failed().count()
    assert not Rectification.objects.filter(status="accepted", accepted_on=None).exists()
    assert not Rectification.objects.filter(status="fixed", fixed_on=None).exists()
    seed_inspections(context)
    assert counts == (InspectionPoint.objects.count(), Inspection.objects.count(),
                      Rectification.objects.count(), RectificationEvent.objects.count())

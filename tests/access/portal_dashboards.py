"""Dashboards, 督查整改, bulletin, ranking and monthly reports."""
from tests.access import COMMUNITY_READ, COMMUNITY_WRITE, Entry, expect

# Lists filtered by scope: every role with a grant gets the page (their own part of it).
ANY_GRANT = expect(staff_other=200, official_other=200)
# District-level pages of street A's district: its district officials only (street A's own
# officials read their street, not the district).
DISTRICT = expect(secretary=404, staff=404, official=404, district_official=200)
# Street-level pages of street A: its officials only.
STREET = expect(secretary=404, staff=404)
# Pages of any street official (the form limits the choices to their own street).
ANY_OFFICIAL = expect(secretary=404, staff=404, official_other=200)
# Street A's bulletin and ranking: every grant inside street A reads them.
STREET_READERS = expect(staff_other=200)
# Street writes about community C1: street A's officials only.
STREET_WRITE = expect(secretary=404, staff=404)
# The inspection records of community C1: every secretary of C1 reads them (the branch view lists
# the rectifications due in their community), B2's as well as B1's.
COMMUNITY_INSPECTIONS = expect(secretary_other=200)


def _records(world):
    """A point of C1, a failed inspection with a photo and its rectification, reported fixed
    with an after-photo: recreated for each role, since accepting consumes the fixed state."""
    from portal.factories import InspectionPointFactory, RectificationFactory
    from portal.models import Rectification, RectificationEvent
    from tests.portal.images import png_upload

    if "point" not in world.extra:
        world.extra["point"] = InspectionPointFactory(community=world.community)
        rectification = RectificationFactory(
            inspection__point=world.extra["point"], inspection__photo=png_upload(),
            inspection__inspector=world.users["official"])
        world.extra["rectification"] = rectification
        world.extra["event"] = RectificationEvent.objects.create(
            rectification=rectification, action=RectificationEvent.Action.FIXED,
            photo=png_upload("after.png"), actor=world.users["staff"])
    Rectification.objects.filter(pk=world.extra["rectification"].pk).update(
        status=Rectification.Status.FIXED, accepted_on=None)


point = lambda w: {"pk": w.extra["point"].pk}  # noqa: E731
inspection = lambda w: {"pk": w.extra["rectification"].inspection_id}  # noqa: E731
rectification = lambda w: {"pk": w.extra["rectification"].pk}  # noqa: E731
street = lambda w: {"pk": w.street.pk}  # noqa: E731
community = lambda w: {"pk": w.community.pk}  # noqa: E731

district = lambda w: {"pk": w.district.pk}  # noqa: E731

ENTRIES = [
    Entry("dashboards:district", district, expect=DISTRICT, setup=_records),
    Entry("dashboards:district_report", district, expect=DISTRICT, setup=_records),
    Entry("dashboards:district_report_xlsx", district, expect=DISTRICT),
    Entry("dashboards:street", street, expect=STREET),
    Entry("dashboards:community", community, expect=COMMUNITY_READ),
    Entry("dashboards:branch", lambda w: {"pk": w.branch.pk}),
    Entry("dashboards:monthly_report", community, expect=COMMUNITY_READ, setup=_records),
    Entry("dashboards:monthly_report", street, expect=STREET, setup=_records),
    Entry("dashboards:monthly_report_xlsx", community, expect=COMMUNITY_READ, setup=_records),
    Entry("dashboards:monthly_report_xlsx", street, expect=STREET),
    Entry("dashboards:point_list", expect=ANY_GRANT, setup=_records),
    Entry("dashboards:point_create", expect=ANY_OFFICIAL),
    Entry("dashboards:point_edit", point, expect=STREET_WRITE, setup=_records),
    Entry("dashboards:inspection_list", expect=ANY_GRANT, setup=_records),
    Entry("dashboards:inspection_create", expect=ANY_OFFICIAL, setup=_records),
    Entry("dashboards:inspection_detail", inspection, setup=_records,
          expect=COMMUNITY_INSPECTIONS),
    Entry("dashboards:inspection_photo", inspection, setup=_records,
          expect=COMMUNITY_INSPECTIONS),
    Entry("dashboards:rectification_list", expect=ANY_GRANT, setup=_records),
    Entry("dashboards:rectification_detail", rectification, setup=_records,
          expect=COMMUNITY_INSPECTIONS),
    Entry("dashboards:rectification_fix", rectification, expect=COMMUNITY_WRITE,
          setup=_records),
    Entry("dashboards:rectification_accept", rectification, method="post", setup=_records,
          expect=expect(secretary=404, staff=404, official=302)),
    Entry("dashboards:rectification_return", rectification, expect=STREET_WRITE,
          setup=_records),
    Entry("dashboards:rectification_event_photo", lambda w: {"pk": w.extra["event"].pk},
          setup=_records, expect=COMMUNITY_INSPECTIONS),
    Entry("dashboards:bulletin", street, expect=STREET_READERS, setup=_records),
    # 减负: by default the weekly ranking is shown to the street's officials only (see
    # tests/streetsettings for the other audiences).
    Entry("dashboards:ranking", street, expect=STREET, setup=_records),
    Entry("dashboards:street_load", street, expect=STREET),
    Entry("dashboards:ranking_weights", street, expect=STREET),
]

from tests.access import COMMUNITY_READ, COMMUNITY_WRITE, Entry, expect

# Lists and overview: street officials and community staff (each sees their own part).
READERS = expect(secretary=404, staff_other=200, official_other=200)
# New-record forms: any community's staff, for their own community.
WRITERS = expect(secretary=404, staff_other=200, official=404)

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _records(world):
    """A unit of community C1 with one of everything, made once per test."""
    if "unit" in world.extra:
        return
    from django.core.files.base import ContentFile

    from pairing.factories import (AgreementFactory, HouseholdFactory, JointSeatFactory,
                                   NeedFactory, PairingFactory, ProjectFactory, UnitFactory)
    from pairing.models import ProjectPhoto

    unit = UnitFactory(street=world.street, communities=[world.community])
    agreement = AgreementFactory(community=world.community, unit=unit)
    agreement.document.save("signed.pdf", ContentFile(PDF))
    household = HouseholdFactory(community=world.community)
    project = ProjectFactory(need=NeedFactory(community=world.community), resource__unit=unit)
    photo = ProjectPhoto(project=project)
    photo.image.save("photo.png", ContentFile(png_bytes()))
    world.extra.update(
        unit=unit, agreement=agreement, household=household, project=project, photo=photo,
        seat=JointSeatFactory(community=world.community, unit=unit),
        pairing=PairingFactory(community=world.community, unit=unit, household=household),
        need=NeedFactory(community=world.community),
    )


def _idle_unit(world):
    """An active unit of C1 with an available resource and nothing running, so the archive and
    withdraw forms show (a previous role's request may have archived or withdrawn them)."""
    from pairing.factories import ResourceFactory, UnitFactory
    from pairing.models import Resource, Unit

    if "idle_unit" not in world.extra:
        unit = UnitFactory(street=world.street, communities=[world.community])
        world.extra.update(idle_unit=unit, resource=ResourceFactory(unit=unit))
    Unit.objects.filter(pk=world.extra["idle_unit"].pk).update(archived_at=None)
    Resource.objects.filter(pk=world.extra["resource"].pk).update(withdrawn_on=None)


def _archived_unit(world):
    from django.utils import timezone

    from pairing.models import Unit

    _idle_unit(world)
    Unit.objects.filter(pk=world.extra["idle_unit"].pk).update(archived_at=timezone.now())


def _pk(name):
    return lambda world: {"pk": world.extra[name].pk}


ENTRIES = [
    Entry("pairing:overview", expect=READERS),
    Entry("pairing:unit_list", expect=READERS),
    Entry("pairing:unit_create", expect=WRITERS),
    Entry("pairing:unit_detail", _pk("unit"), setup=_records, expect=COMMUNITY_READ),
    Entry("pairing:unit_edit", _pk("unit"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:unit_archive", _pk("idle_unit"), setup=_idle_unit, expect=COMMUNITY_WRITE),
    Entry("pairing:unit_restore", _pk("idle_unit"), setup=_archived_unit, method="post",
          expect=expect(secretary=404, official=404, staff=302)),
    Entry("pairing:resource_create", _pk("unit"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:resource_withdraw", _pk("resource"), setup=_idle_unit,
          expect=COMMUNITY_WRITE),
    Entry("pairing:unit_report", _pk("unit"), setup=_records, expect=COMMUNITY_READ),
    Entry("pairing:unit_report_xlsx", _pk("unit"), setup=_records, expect=COMMUNITY_READ,
          data=lambda world: {"start": "2025-01-01", "end": "2025-12-31"}),
    Entry("pairing:agreement_list", expect=READERS),
    Entry("pairing:agreement_create", expect=WRITERS),
    Entry("pairing:agreement_detail", _pk("agreement"), setup=_records, expect=COMMUNITY_READ),
    Entry("pairing:agreement_end", _pk("agreement"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:agreement_document", _pk("agreement"), setup=_records,
          expect=COMMUNITY_READ),
    Entry("pairing:joint_seat_create", expect=WRITERS),
    Entry("pairing:joint_seat_edit", _pk("seat"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:household_list", expect=READERS),
    Entry("pairing:household_create", expect=WRITERS),
    # Personal data: the holding community's staff only, not the street.
    Entry("pairing:household_detail", _pk("household"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:household_edit", _pk("household"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:pairing_list", expect=READERS),
    Entry("pairing:pairing_create", expect=WRITERS),
    Entry("pairing:pairing_detail", _pk("pairing"), setup=_records, expect=COMMUNITY_READ),
    Entry("pairing:pairing_end", _pk("pairing"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:visit_create", _pk("pairing"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:contribution_list", expect=READERS),
    Entry("pairing:contribution_create", expect=WRITERS),
    Entry("pairing:need_list", expect=READERS),
    Entry("pairing:need_create", expect=WRITERS),
    Entry("pairing:project_create", _pk("need"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:project_detail", _pk("project"), setup=_records, expect=COMMUNITY_READ),
    Entry("pairing:project_update", _pk("project"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:photo_create", _pk("project"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("pairing:photo_file", _pk("photo"), setup=_records, expect=COMMUNITY_READ),
]

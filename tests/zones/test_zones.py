"""责任区认领: zones and claims, claimed and unclaimed per community, what was done read from
the records, and the claimant's record in the unit feedback report."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.factories import ActivityFactory
from pairing.factories import CareVisitFactory, PairingFactory, UnitFactory
from pairing.zones import services
from pairing.zones.models import Claim, Duty, Zone

pytestmark = pytest.mark.django_db


def _claimed(world, unit):
    zone = services.zone_create(community=world.community, grid=world.grid, name="",
                                description="")
    claim = services.claim_record(zone=zone, year=2026, unit=unit, branch=None,
                                  duties=list(Duty.objects.all()[:2]),
                                  created_by=world.users["staff"])
    return zone, claim


def test_duties_are_shipped_as_data():
    assert list(Duty.objects.values_list("name", flat=True)) == [
        "文明创建宣传", "困难群众走访", "矛盾纠纷排查", "环境卫生"]


def test_claim_rules(world):
    unit = UnitFactory(street=world.street, communities=[world.community])
    zone, _claim = _claimed(world, unit)
    assert zone.name == world.grid.name
    duties = list(Duty.objects.all()[:1])
    cases = [
        ({"year": 2026, "unit": None, "branch": world.branch}, "year"),   # one claim a year
        ({"year": 2027, "unit": unit, "branch": world.branch}, "unit"),   # one claimant
        ({"year": 2027, "unit": None, "branch": world.other_branch}, "branch"),
        ({"year": 2027, "unit": UnitFactory(street=world.street), "branch": None}, "unit"),
    ]
    for fields, field in cases:
        with pytest.raises(ValidationError) as error:
            services.claim_record(zone=zone, duties=duties, created_by=world.users["staff"],
                                  **fields)
        assert field in error.value.error_dict
    assert Claim.objects.count() == 1


def test_community_page_lists_claimed_and_unclaimed_with_what_was_done(world, client_as):
    unit = UnitFactory(street=world.street, communities=[world.community])
    zone, claim = _claimed(world, unit)
    unclaimed = services.zone_create(community=world.community, grid=None, name="沿街商铺片区",
                                     description="")
    ActivityFactory(community=world.community, held_on=date(2026, 5, 1)).units.add(unit)
    ActivityFactory(community=world.community, held_on=date(2025, 5, 1)).units.add(unit)
    CareVisitFactory(pairing=PairingFactory(community=world.community, unit=unit),
                     visited_on=date(2026, 6, 1))
    page = client_as(world.users["staff"]).get(
        reverse("zones:community", args=[world.community.pk]), {"year": 2026})
    rows = page.context["rows"]
    assert [(z, c) for z, c, _done in rows] == [(unclaimed, None), (zone, claim)] or \
        [(z, c) for z, c, _done in rows] == [(zone, claim), (unclaimed, None)]
    done = {z.pk: d for z, _c, d in rows}
    assert done[zone.pk] == {"activities": 1, "visits": 1}
    assert "未认领" in page.content.decode()
    # Another community's staff: 404.
    assert client_as(world.users["staff_other"]).get(
        reverse("zones:community", args=[world.community.pk])).status_code == 404
    assert client_as(world.users["staff_other"]).get(
        reverse("zones:claim_create", args=[unclaimed.pk])).status_code == 404


def test_claim_shows_in_the_unit_feedback_report(world, client_as):
    unit = UnitFactory(street=world.street, communities=[world.community])
    _claimed(world, unit)
    CareVisitFactory(pairing=PairingFactory(community=world.community, unit=unit),
                     visited_on=date(2026, 6, 1))
    page = client_as(world.users["staff"]).get(
        reverse("pairing:unit_report", args=[unit.pk]),
        {"start": "2026-01-01", "end": "2026-12-31"})
    [(claim, done)] = page.context["report"]["zones"]
    assert done == {"activities": 0, "visits": 1}
    assert 'id="unit-zones"' in page.content.decode()


def test_bad_claim_input_is_shown_and_nothing_saved(world, client_as):
    zone = Zone.objects.create(community=world.community, name="沿街商铺片区")
    response = client_as(world.users["staff"]).post(
        reverse("zones:claim_create", args=[zone.pk]), {"year": 2026})
    assert response.status_code == 200
    assert response.context["form"].errors["duties"]
    response = client_as(world.users["staff"]).post(
        reverse("zones:claim_create", args=[zone.pk]),
        {"year": 2026, "duties": [Duty.objects.first().pk]})
    assert "请选择认领单位或认领支部（二选一）。" in response.content.decode()
    assert not Claim.objects.exists()

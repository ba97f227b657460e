"""Query counts of the list pages stay flat as the data grows (no N+1)."""
from datetime import date

import pytest
from django.urls import reverse

from pairing.factories import (AgreementFactory, CareVisitFactory, ContributionFactory,
                               NeedFactory, PairingFactory, ProjectFactory, ResourceFactory,
                               UnitFactory)
from pairing.models import AgreementArea


def _grow(world, n):
    areas = list(AgreementArea.objects.all()[:3])
    for index in range(n):
        unit = UnitFactory(street=world.street, communities=[world.community])
        AgreementFactory(community=world.community, unit=unit).areas.set(areas)
        pairing = PairingFactory(community=world.community, unit=unit)
        CareVisitFactory(pairing=pairing)
        ContributionFactory(community=world.community, unit=unit, pairing=pairing,
                            given_on=date(2024 + index % 2, 5, 1))
        need = NeedFactory(community=world.community)
        ProjectFactory(need=need, resource=ResourceFactory(unit=unit, category=need.category))


# Session, user, grants, the member check and the session save (5) come with every logged-in
# page; the rest is the page's own and must not grow with the rows.
PAGES = {
    "pairing:overview": ("staff", 15),
    "pairing:unit_list": ("staff", 11),
    "pairing:agreement_list": ("staff", 11),
    "pairing:household_list": ("staff", 11),
    "pairing:pairing_list": ("official", 9),
    "pairing:contribution_list": ("staff", 15),
    "pairing:need_list": ("staff", 12),
}


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("size", [1, 6])
def test_list_queries_are_pinned(name, size, world, client_as, django_assert_num_queries):
    _grow(world, size)
    role, expected = PAGES[name]
    client = client_as(world.users[role])
    with django_assert_num_queries(expected):
        response = client.get(reverse(name))
    assert response.status_code == 200

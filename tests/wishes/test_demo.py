"""The demo holds a wish in every state in each community, every page of them answers, and
seeding twice adds nothing."""
import pytest
import time_machine
from django.urls import reverse

from pairing.wishes.models import Wish
from portal import demo

pytestmark = pytest.mark.django_db


@time_machine.travel("2026-12-01 10:00:00+08:00", tick=False)
def test_the_demo_holds_every_wish_state_and_its_pages_answer(client):
    context = demo.seed(demo.DemoContext(communities=2, members_per_community=12,
                                         log=lambda text: None))
    assert set(Wish.objects.values_list("status", flat=True)) == set(Wish.Status.values)
    assert set(Wish.objects.values_list("target", flat=True)) >= {"open", "unit", "team"}
    assert Wish.objects.filter(reopen_count__gt=0).exists()
    count = Wish.objects.count()
    demo.seed(demo.DemoContext(communities=2, members_per_community=12, log=lambda text: None))
    assert Wish.objects.count() == count
    client.force_login(context.users["shequ"])
    mine = Wish.objects.visible_to(context.users["shequ"])
    assert set(mine.values_list("status", flat=True)) == set(Wish.Status.values)
    for wish in mine:
        assert client.get(wish.get_absolute_url()).status_code == 200
        assert client.get(wish.resident_url()).status_code == 200
    client.force_login(context.users["dangyuan"])
    assert "接单" in client.get(reverse("wishes:my_wishes")).content.decode()

"""Staff, officials and members on the wish pages: scope, forms' messages, the phone path."""
import pytest
from django.urls import reverse

from members.factories import MemberFactory
from pairing.wishes import services
from pairing.wishes.factories import WishFactory
from pairing.wishes.models import Wish

pytestmark = pytest.mark.django_db


def test_staff_record_a_wish_from_a_phone_call(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(reverse("wishes:create"), {
        "community": world.community.pk, "source": "phone", "kind": "request",
        "category": "environment", "grid": world.grid.pk, "title": "楼前垃圾清运",
        "description": "", "contact_name": "张先生", "contact_phone": "13912345678",
        "address": ""})
    wish = Wish.objects.get()
    assert response.status_code == 302 and response.url == wish.get_absolute_url()
    assert (wish.source, wish.recorded_by) == ("phone", world.users["staff"])


def test_staff_form_errors_stay_next_to_the_field_and_save_nothing(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(reverse("wishes:create"), {
        "community": world.other_community.pk, "source": "public", "kind": "wish",
        "category": "other", "title": "<b>x</b>", "contact_phone": "1"})
    errors = response.context["form"].errors
    assert {"community", "source", "title", "contact_phone"} <= set(errors)
    assert not Wish.objects.exists()


def test_another_communitys_wish_by_id_is_404(world, client_as):
    wish = WishFactory(community=world.other_community)
    client = client_as(world.users["staff"])
    for name in ("detail", "accept", "decline", "merge"):
        assert client.get(reverse(f"wishes:{name}", args=[wish.pk])).status_code == 404
    assert client.post(reverse("wishes:accept", args=[wish.pk])).status_code == 404
    assert Wish.objects.get(pk=wish.pk).status == "submitted"
    assert client.get(reverse("wishes:qr", args=[world.other_community.pk])).status_code == 404


def test_officials_read_but_do_not_see_contacts(world, client_as):
    wish = WishFactory(community=world.community)
    page = client_as(world.users["official"]).get(wish.get_absolute_url()).content.decode()
    assert wish.title in page and wish.contact_phone not in page and "wish-actions" not in page
    page = client_as(world.users["staff"]).get(wish.get_absolute_url()).content.decode()
    assert wish.contact_phone in page and "wish-actions" in page


def test_staff_walk_a_wish_through_the_loop(world, client_as):
    wish = WishFactory(community=world.community)
    client = client_as(world.users["staff"])
    assert client.post(reverse("wishes:accept", args=[wish.pk]), {"due_on": ""}).status_code == 302
    response = client.post(reverse("wishes:dispatch", args=[wish.pk]), {"target": "member"})
    assert "member" in response.context["form"].errors
    client.post(reverse("wishes:dispatch", args=[wish.pk]),
                {"target": "member", "member": world.member.pk})
    assert Wish.objects.get(pk=wish.pk).status == "dispatched"
    # Not claimed yet: staff cannot record it done.
    response = client.post(reverse("wishes:done", args=[wish.pk]), {"outcome": "办好了"})
    assert response.status_code == 200 and Wish.objects.get(pk=wish.pk).status == "dispatched"
    services.wish_claim(wish=wish, member=world.member)
    client.post(reverse("wishes:done", args=[wish.pk]), {"outcome": "办好了"})
    client.post(reverse("wishes:confirm", args=[wish.pk]), {"rating": "4"})
    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.confirmed_by_staff) == ("confirmed", 4, True)


def test_turn_into_a_need_from_the_detail_page(world, client_as):
    wish = services.wish_accept(wish=WishFactory(community=world.community))
    client = client_as(world.users["staff"])
    assert client.post(reverse("wishes:to_need", args=[wish.pk])).status_code == 302
    assert Wish.objects.get(pk=wish.pk).need.title == wish.title
    assert client.get(reverse("pairing:need_list")).content.decode().count(wish.title) == 1


def test_a_member_claims_an_open_wish_and_finishes_it(world, client_as):
    wish = services.wish_accept(wish=WishFactory(community=world.community))
    services.wish_dispatch(wish=wish, target="open")
    hidden = services.wish_accept(wish=WishFactory(community=world.other_community))
    services.wish_dispatch(wish=hidden, target="open")
    client = client_as(world.users["member"])
    page = client.get(reverse("wishes:my_wishes")).content.decode()
    assert wish.title in page and hidden.title not in page and wish.contact_phone not in page
    # Another community's wish by id: 404, not claimed.
    assert client.post(reverse("wishes:my_claim", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("wishes:my_claim", args=[wish.pk])).status_code == 302
    page = client.get(reverse("wishes:my_wish", args=[wish.pk])).content.decode()
    assert wish.contact_phone in page
    response = client.post(reverse("wishes:my_wish", args=[wish.pk]), {"outcome": ""})
    assert "outcome" in response.context["form"].errors
    client.post(reverse("wishes:my_wish", args=[wish.pk]), {"outcome": "已陪同就医"})
    assert Wish.objects.get(pk=wish.pk).status == "done"


def test_a_member_cannot_open_a_wish_someone_else_took(world, client_as):
    wish = services.wish_accept(wish=WishFactory(community=world.community))
    services.wish_dispatch(wish=wish, target="open")
    services.wish_claim(wish=wish, member=MemberFactory(branch=world.branch))
    client = client_as(world.users["member"])
    assert client.get(reverse("wishes:my_wish", args=[wish.pk])).status_code == 404
    assert client.post(reverse("wishes:my_claim", args=[wish.pk])).status_code == 404


def test_figures_count_by_community_and_grid(world, client_as):
    services.wish_accept(wish=WishFactory(community=world.community, grid=world.grid))
    services.wish_decline(wish=WishFactory(community=world.community), reason="重复")
    WishFactory(community=world.other_street_community)
    response = client_as(world.users["official"]).get(reverse("wishes:figures"))
    rows = response.context["by_community"]
    assert [(row["community__name"], row["received"], row["open"]) for row in rows] == [
        (world.community.name, 1, 1)]
    assert response.context["by_grid"][0]["grid__name"] == world.grid.name


def test_the_dashboard_panel_counts_this_months_wishes(world):
    from datetime import date

    import time_machine

    from portal.dashboards import community_scope, street_scope
    from portal.wish_panels import wishes_panel

    with time_machine.travel("2026-10-30 10:00:00+08:00", tick=False):
        old = services.wish_accept(wish=WishFactory(community=world.community))
    with time_machine.travel("2026-11-18 10:00:00+08:00", tick=False):
        wish = services.wish_accept(wish=WishFactory(community=world.community))
        services.wish_dispatch(wish=wish, target="open")
        services.wish_claim(wish=wish, member=world.member)
        services.wish_done(wish=wish, outcome="办好了", member=world.member)
        services.wish_confirm(wish=wish, rating=4)
        WishFactory(community=world.other_community)
        today = date(2026, 11, 18)
        panel = wishes_panel(community_scope(world.community, today))
        street = wishes_panel(street_scope(world.street, today))
    assert panel.data["totals"] == {"received": 1, "done": 1, "on_time": 1, "open": 1,
                                    "rating": 4}
    assert old.status == "accepted"  # last month's: open, not received this month
    assert street.data["totals"]["received"] == 2

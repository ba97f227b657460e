"""The residents' public pages: the form's limits, and nothing of another resident shown."""
import pytest
from django.urls import reverse

from pairing.wishes import services
from pairing.wishes.factories import WishFactory
from pairing.wishes.models import Wish

pytestmark = pytest.mark.django_db


def _post(client, world, remote="203.0.113.9", forwarded=None, **fields):
    data = {"kind": "wish", "category": "other", "grid": world.grid.pk, "title": "想请人帮忙换灯泡",
            "description": "家里客厅灯泡坏了", "contact_name": "李奶奶",
            "contact_phone": "13812345678", "address": "3号楼", "website": "", **fields}
    return client.post(reverse("wishes:public_new", args=[world.community.pk]), data,
                       REMOTE_ADDR=remote,
                       **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}))


def test_a_resident_submits_and_gets_their_own_link(world, client):
    response = _post(client, world)
    assert response.status_code == 200
    wish = Wish.objects.get()
    assert (wish.source, wish.status, wish.community) == ("public", "submitted", world.community)
    assert wish.recorded_by is None
    assert wish.resident_url() in response.content.decode()


def test_the_form_shows_the_privacy_note(world, client):
    page = client.get(reverse("wishes:public_new", args=[world.community.pk])).content.decode()
    assert 'id="privacy-note"' in page and "不会公开显示" in page


@pytest.mark.parametrize("fields, field, message", [
    ({"title": ""}, "title", "请填写此项"),
    ({"title": "   "}, "title", "请填写此项"),
    ({"title": "灯" * 41}, "title", "不能超过 40 个字"),
    ({"description": "字" * 501}, "description", "不能超过 500 个字"),
    ({"title": "<script>alert(1)</script>"}, "title", "不要包含网页代码"),
    ({"description": '好的<img src=x onerror="alert(1)">'}, "description", "不要包含网页代码"),
    ({"description": "&#60;b&#62;"}, "description", "不要包含网页代码"),
    ({"address": "<b>3号楼</b>"}, "address", "不要包含网页代码"),
    ({"contact_phone": "12345"}, "contact_phone", "请输入11位手机号码"),
    ({"title": "请联系138 1234 5678"}, "title", "请不要填写电话号码"),
])
def test_bad_input_is_refused_next_to_its_field(world, client, fields, field, message):
    response = _post(client, world, **fields)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Wish.objects.exists()


def test_a_grid_of_another_community_is_not_offered(world, client):
    from organizations.factories import GridFactory

    response = _post(client, world, grid=GridFactory(community=world.other_community).pk)
    assert "grid" in response.context["form"].errors
    assert not Wish.objects.exists()


def test_the_honeypot_answers_as_saved_but_saves_nothing(world, client):
    response = _post(client, world, website="http://spam.example")
    assert response.status_code == 200 and "心愿已提交" in response.content.decode()
    assert "resident-link" not in response.content.decode()
    assert not Wish.objects.exists()


def test_more_than_the_limit_per_hour_from_one_address_is_refused(world, client):
    for _ in range(services.PUBLIC_LIMIT_PER_HOUR):
        assert _post(client, world).status_code == 200
    response = _post(client, world)
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Wish.objects.count() == services.PUBLIC_LIMIT_PER_HOUR
    # Another address is not held back.
    assert _post(client, world, remote="198.51.100.7").status_code == 200


def test_behind_a_proxy_the_limit_counts_the_client_not_a_forged_header(world, client,
                                                                        settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for index in range(services.PUBLIC_LIMIT_PER_HOUR):
        # The client writes a different address each time; the proxy appends the real one.
        _post(client, world, remote="10.0.0.1",
              forwarded=f"1.2.3.{index}, 203.0.113.50")
    response = _post(client, world, remote="10.0.0.1",
                     forwarded="9.9.9.9, 203.0.113.50")
    assert response.status_code == 429
    assert _post(client, world, remote="10.0.0.1",
                 forwarded="203.0.113.51").status_code == 200


def test_the_limit_starts_again_the_next_hour(world, client, _fixed_clock):
    for _ in range(services.PUBLIC_LIMIT_PER_HOUR):
        _post(client, world)
    _fixed_clock.shift(3600)
    assert _post(client, world).status_code == 200


def test_an_archived_or_unknown_community_is_404(world, client):
    assert client.get(reverse("wishes:public_new", args=[world.branch.pk])).status_code == 404
    assert client.get(reverse("wishes:public_wall", args=[999999])).status_code == 404


PRIVATE = ["王阿姨", "13800001111", "兰新小区3号楼", "三楼楼道灯不亮"]


def _worked(world, **fields):
    wish = WishFactory(**{"community": world.community, "grid": world.grid, **fields})
    services.wish_accept(wish=wish)
    return wish


def test_the_wall_shows_title_grid_and_status_of_reviewed_wishes_only(world, client):
    shown = _worked(world, title="修理楼道灯")
    WishFactory(community=world.community, title="尚未受理的心愿")
    declined = WishFactory(community=world.community, title="不予受理的心愿")
    services.wish_decline(wish=declined, reason="不属于社区职责")
    _worked(world, title="别的社区的心愿", community=world.other_community, grid=None)
    page = client.get(reverse("wishes:public_wall", args=[world.community.pk])).content.decode()
    assert shown.title in page and world.grid.name in page and "已受理" in page
    for hidden in ["尚未受理的心愿", "不予受理的心愿", "不属于社区职责", "别的社区的心愿",
                   *PRIVATE]:
        assert hidden not in page
    assert 'http-equiv="refresh"' in page


def test_the_residents_link_shows_their_wish_and_nothing_private(world, client):
    wish = _worked(world)
    services.wish_dispatch(wish=wish, target="open")
    services.wish_claim(wish=wish, member=world.member)
    services.wish_done(wish=wish, outcome="已换好灯泡", member=world.member)
    page = client.get(wish.resident_url()).content.decode()
    assert wish.title in page and "已换好灯泡" in page
    for hidden in [*PRIVATE, world.member.name]:
        assert hidden not in page


def test_a_wrong_or_malformed_token_is_404(world, client):
    _worked(world)
    assert client.get(reverse("wishes:resident", args=["x" * 32])).status_code == 404
    assert client.get("/wishes/r/%00abc/").status_code == 404


def _done(world):
    wish = _worked(world)
    services.wish_dispatch(wish=wish, target="open")
    services.wish_claim(wish=wish, member=world.member)
    return services.wish_done(wish=wish, outcome="已办好", member=world.member)


def test_the_resident_rates_by_the_link(world, client):
    wish = _done(world)
    response = client.post(wish.resident_url(), {"action": "confirm", "rating": "9"})
    assert "rating" in response.context["confirm_form"].errors
    assert Wish.objects.get(pk=wish.pk).status == "done"
    response = client.post(wish.resident_url(), {"action": "confirm", "rating": "5",
                                                 "feedback": "很满意"})
    assert response.status_code == 302
    wish.refresh_from_db()
    assert (wish.status, wish.rating, wish.feedback, wish.confirmed_by_staff) == (
        "confirmed", 5, "很满意", False)
    # A second rating changes nothing.
    client.post(wish.resident_url(), {"action": "confirm", "rating": "1"})
    assert Wish.objects.get(pk=wish.pk).rating == 5


def test_the_resident_reopens_by_the_link_with_a_reason(world, client):
    wish = _done(world)
    response = client.post(wish.resident_url(), {"action": "reopen", "reason": ""})
    assert "reason" in response.context["reopen_form"].errors
    client.post(wish.resident_url(), {"action": "reopen", "reason": "灯还是不亮"})
    wish.refresh_from_db()
    assert (wish.status, wish.reopen_reason) == ("accepted", "灯还是不亮")

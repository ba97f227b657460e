"""大屏: the links page is street A's officials', the district's links page its district's
officials' (not street A's); the screen and its figures answer anyone who holds a valid token,
with no login."""
from tests.access import Entry, expect

STREET = expect(secretary=404, staff=404)
STREET_WRITE = expect(secretary=404, staff=404, official=302)
DISTRICT = expect(secretary=404, staff=404, official=404, district_official=200)
DISTRICT_WRITE = expect(secretary=404, staff=404, official=404, district_official=302)
# The token is the key: every role, anonymous included, opens the screen.
WITH_TOKEN = expect(anonymous=200, member=200, secretary=200, staff=200, staff_other=200,
                    official_other=200, official=200)


def _link(world):
    from portal.kiosk import services

    if "kiosk_token" not in world.extra:
        link, token = services.link_create(node=world.street, label="党群服务中心大屏",
                                           expires_on=None, user=world.users["official"])
        world.extra["kiosk_link"], world.extra["kiosk_token"] = link, token


def _district_link(world):
    from portal.kiosk import services

    if "kiosk_district_token" not in world.extra:
        link, token = services.link_create(node=world.district, label="区委大屏",
                                           expires_on=None,
                                           user=world.users["district_official"])
        world.extra["kiosk_district_link"] = link
        world.extra["kiosk_district_token"] = token


token = lambda w: {"token": w.extra["kiosk_token"]}  # noqa: E731
district_token = lambda w: {"token": w.extra["kiosk_district_token"]}  # noqa: E731

ENTRIES = [
    Entry("kiosk:link_list", lambda w: {"pk": w.street.pk}, expect=STREET, setup=_link),
    Entry("kiosk:link_list", lambda w: {"pk": w.street.pk}, method="post",
          data=lambda w: {"label": "一楼大屏"}, expect=STREET_WRITE),
    # Revoking is the last request of the matrix (the official's): the token stays usable for
    # the other roles' requests before it.
    Entry("kiosk:link_revoke", lambda w: {"pk": w.extra["kiosk_link"].pk}, method="post",
          setup=_link, expect=STREET_WRITE),
    Entry("kiosk:screen", token, setup=_link, expect=WITH_TOKEN),
    Entry("kiosk:figures", token, setup=_link, expect=WITH_TOKEN),
    Entry("kiosk:district_link_list", lambda w: {"pk": w.district.pk}, expect=DISTRICT,
          setup=_district_link),
    Entry("kiosk:district_link_list", lambda w: {"pk": w.district.pk}, method="post",
          data=lambda w: {"label": "区委一楼大屏"}, expect=DISTRICT_WRITE),
    # The district official's revoke comes after every other role's but district_other's.
    Entry("kiosk:link_revoke", lambda w: {"pk": w.extra["kiosk_district_link"].pk},
          method="post", setup=_district_link, expect=DISTRICT_WRITE),
    Entry("kiosk:screen", district_token, setup=_district_link, expect=WITH_TOKEN),
    Entry("kiosk:figures", district_token, setup=_district_link, expect=WITH_TOKEN),
]

from tests.access import COMMUNITY_READ, COMMUNITY_WRITE, MEMBER_OWN, Entry, expect

READERS = expect(secretary=404, staff_other=200, official_other=200)
WRITERS = expect(secretary=404, staff_other=200, official=404)
# The residents' pages: no login, anyone.
PUBLIC = expect(anonymous=200, member=200, secretary=200, staff=200, staff_other=200,
                official_other=200, official=200)


def _wish(state):
    """A wish of C1 put back in `state` before each role's request (a POST may have moved it)."""
    def setup(world):
        from pairing.wishes.factories import WishFactory
        from pairing.wishes.models import Wish

        key = f"wish_{state}"
        if key not in world.extra:
            world.extra[key] = WishFactory(community=world.community, grid=world.grid)
        fields = {"status": state, "need": None, "member": None, "target": "",
                  "claimed_at": None}
        if state in ("dispatched", "claimed", "done"):
            fields.update(target=Wish.Target.OPEN)
        if state in ("claimed", "done"):
            fields.update(member=world.member)
        if state == "done":
            fields.update(outcome="已办好")
        Wish.objects.filter(pk=world.extra[key].pk).update(**fields)
    return setup


def _pk(state):
    return lambda world: {"pk": world.extra[f"wish_{state}"].pk}


def _token(world):
    return {"token": world.extra["wish_done"].token}


def _community(world):
    return {"community_pk": world.community.pk}


ENTRIES = [
    Entry("wishes:list", expect=READERS),
    Entry("wishes:create", expect=WRITERS),
    Entry("wishes:figures", expect=READERS),
    Entry("wishes:detail", _pk("submitted"), setup=_wish("submitted"), expect=COMMUNITY_READ),
    Entry("wishes:accept", _pk("submitted"), setup=_wish("submitted"), expect=COMMUNITY_WRITE),
    Entry("wishes:merge", _pk("submitted"), setup=_wish("submitted"), expect=COMMUNITY_WRITE),
    Entry("wishes:decline", _pk("submitted"), setup=_wish("submitted"), expect=COMMUNITY_WRITE),
    Entry("wishes:dispatch", _pk("accepted"), setup=_wish("accepted"), expect=COMMUNITY_WRITE),
    Entry("wishes:done", _pk("claimed"), setup=_wish("claimed"), expect=COMMUNITY_WRITE),
    Entry("wishes:confirm", _pk("done"), setup=_wish("done"), expect=COMMUNITY_WRITE),
    Entry("wishes:reopen", _pk("done"), setup=_wish("done"), expect=COMMUNITY_WRITE),
    Entry("wishes:to_need", _pk("accepted"), setup=_wish("accepted"), method="post",
          expect=expect(secretary=404, official=404, staff=302)),
    Entry("wishes:qr", _community, expect=COMMUNITY_READ),
    Entry("wishes:public_new", _community, expect=PUBLIC),
    Entry("wishes:public_wall", _community, expect=PUBLIC),
    Entry("wishes:resident", _token, setup=_wish("done"), expect=PUBLIC),
    Entry("wishes:my_wishes", expect=MEMBER_OWN),
    Entry("wishes:my_wish", _pk("claimed"), setup=_wish("claimed"), expect=MEMBER_OWN),
    Entry("wishes:my_claim", _pk("dispatched"), setup=_wish("dispatched"), method="post",
          expect=expect(member=302, secretary=404, staff=404, official=404)),
]

from tests.access import BRANCH_WRITE, MEMBER_OWN, Entry, expect
from tests.conftest import ROLES

ANY_GRANT = expect(staff_other=200, official_other=200)
WRITERS = expect(staff_other=200, official=404)
EVERYONE = {role: 200 for role in ROLES}


def _open_round(world):
    from activities.appraisal.factories import make_round

    if "round" not in world.extra:
        world.extra["round"] = make_round(world.branch)


def _closed_round(world):
    from datetime import timedelta

    from django.utils import timezone

    from activities.appraisal.factories import make_round

    if "closed_round" not in world.extra:
        now = timezone.now()
        world.extra["closed_round"] = make_round(world.branch, year=2025,
                                                 opens=now - timedelta(days=9),
                                                 closes=now - timedelta(days=1))


def _record(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from activities.appraisal import services
    from tests.access.activities import _png

    if "record" not in world.extra:
        commitment = services.commitment_save(member=world.member, year=2026, text="每月清理楼道")
        world.extra["record"] = services.commitment_record_add(
            commitment=commitment, done_on="2026-10-08", what="清理楼道",
            evidence=SimpleUploadedFile("a.png", _png().read(), content_type="image/png"))


round_pk = lambda world: {"pk": world.extra["round"].pk}  # noqa: E731

ENTRIES = [
    Entry("appraisal:round_list", expect=ANY_GRANT),
    Entry("appraisal:round_create", expect=WRITERS),
    Entry("appraisal:round_detail", round_pk, setup=_open_round),
    Entry("appraisal:round_edit", round_pk, setup=_open_round, expect=BRANCH_WRITE),
    Entry("appraisal:round_public_counts", round_pk, setup=_open_round, expect=BRANCH_WRITE),
    Entry("appraisal:round_decide", lambda w: {"pk": w.extra["closed_round"].pk},
          setup=_closed_round, expect=BRANCH_WRITE),
    Entry("appraisal:my_appraisals", expect=MEMBER_OWN),
    Entry("appraisal:vote", round_pk, setup=_open_round, expect=MEMBER_OWN),
    Entry("appraisal:my_commitment", expect=MEMBER_OWN),
    Entry("appraisal:record_evidence", lambda w: {"pk": w.extra["record"].pk}, setup=_record,
          expect=expect(member=200)),
    Entry("appraisal:public_commitments", lambda w: {"pk": w.community.pk}, expect=EVERYONE),
]

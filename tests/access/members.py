from datetime import date

from tests.access import (BRANCH_WRITE, COMMUNITY_READ, COMMUNITY_WRITE, MEMBER_OWN, Entry,
                          expect)

ANY_GRANT = expect(staff_other=200, official_other=200)
ANY_WRITER = expect(staff_other=200, official=404)
STREET = expect(secretary=404, staff=404)
STAFF_POST = expect(secretary=404, staff=302, official=404)
WRITER_REDIRECT = expect(secretary=302, staff=302, staff_other=302, official=404)

member = lambda world: {"pk": world.member.pk}  # noqa: E731
community = lambda world: {"pk": world.community.pk}  # noqa: E731
street = lambda world: {"pk": world.street.pk}  # noqa: E731
post = lambda world: {"pk": world.extra["post"].pk}  # noqa: E731
claim = lambda world: {"pk": world.extra["claim"].pk}  # noqa: E731


def _post(world):
    from members.factories import PostFactory

    if "post" not in world.extra:
        world.extra["post"] = PostFactory(community=world.community, name="政策宣传岗")


def _pending_claim(world):
    """A pending claim on a C1 post, reset before each role since approving consumes it."""
    from members.factories import MemberFactory, PostClaimFactory
    from members.models import PostClaim

    _post(world)
    if "claim" not in world.extra:
        world.extra["claim"] = PostClaimFactory(post=world.extra["post"],
                                                member=MemberFactory(branch=world.branch))
    PostClaim.objects.filter(pk=world.extra["claim"].pk).update(
        status=PostClaim.Status.PENDING, decided_at=None, decline_reason="")


def _approved_claim(world):
    from members.models import PostClaim

    _pending_claim(world)
    PostClaim.objects.filter(pk=world.extra["claim"].pk).update(status=PostClaim.Status.APPROVED)


def _left_member(world):
    """A member who left B1, reset before each role since restoring consumes the leave."""
    from members.factories import MemberFactory
    from members.models import Member

    if "left_member" not in world.extra:
        world.extra["left_member"] = MemberFactory(branch=world.branch)
    Member.objects.filter(pk=world.extra["left_member"].pk).update(
        left_on=date(2026, 1, 5), leave_reason=Member.LeaveReason.DECEASED)


def _registration(world):
    from members.factories import MemberFactory, RegistrationFactory
    from members.models import Member, Registration
    from pairing.factories import UnitFactory

    if "registration" not in world.extra:
        world.extra["registration"] = RegistrationFactory(
            community=world.community, unit=UnitFactory(street=world.street),
            member=MemberFactory(branch=world.other_branch, category=Member.Category.EMPLOYED))
    Registration.objects.filter(pk=world.extra["registration"].pk).update(
        status=Registration.Status.PENDING)


def _pending_account(world):
    """A B1 member with a pending account, so that printing and texting have a code to issue."""
    from django.contrib.auth import get_user_model

    from members.factories import MemberFactory
    from members.models import Member

    if "pending" not in world.extra:
        world.extra["pending"] = MemberFactory(
            branch=world.branch, user=get_user_model().objects.create(username="13911112222"),
            phone="13911112222")
    Member.objects.filter(pk=world.extra["pending"].pk).update(account_activated_at=None)


ACCOUNT_WRITER_POST = expect(secretary=302, staff=302, staff_other=302, official=404)
ENTRIES = [
    # Opening accounts and issuing codes: within what the user may change; other communities'
    # members are not in the selection (and naming their branch answers 404: tests/members).
    Entry("members:accounts", expect=ANY_WRITER),
    Entry("members:accounts", method="post", expect=ACCOUNT_WRITER_POST),
    Entry("members:accounts_print", method="post", setup=_pending_account,
          # B2's secretary and C2's staff select nobody pending: back to the list.
          expect=expect(secretary=200, staff=200, staff_other=302, secretary_other=302,
                        official=404)),
    Entry("members:accounts_sms", method="post", setup=_pending_account,
          expect=ACCOUNT_WRITER_POST),
    Entry("members:account_reissue", member, expect=BRANCH_WRITE),
    Entry("members:account_reissue", member, method="post",
          data=lambda w: {"reason": "lost", "channel": "print"}, expect=BRANCH_WRITE),
    # The member's activation page is public: the code is the credential.
    Entry("members:activate", expect=expect(anonymous=200, member=200, staff_other=200,
                                            official_other=200)),
    Entry("members:roster", expect=ANY_GRANT),
    Entry("members:export", expect=ANY_GRANT),
    # Full ID numbers: only for those who may change the members, never street officials.
    Entry("members:export_for_import", method="post", expect=ANY_WRITER),
    Entry("members:probation_due", expect=ANY_GRANT),
    Entry("members:member_duplicates", expect=ANY_WRITER),
    Entry("members:member_create", expect=ANY_WRITER),
    Entry("members:member_detail", member),
    Entry("members:member_edit", member, expect=BRANCH_WRITE),
    Entry("members:member_reveal_id", member, method="post",
          expect=expect(secretary=302, staff=302, official=404)),
    Entry("members:member_transfer", member, expect=BRANCH_WRITE),
    Entry("members:member_leave", member, expect=BRANCH_WRITE),
    Entry("members:member_restore", lambda w: {"pk": w.extra["left_member"].pk},
          setup=_left_member, method="post",
          expect=expect(secretary=302, staff=302, official=404)),
    Entry("members:member_convert", member, expect=BRANCH_WRITE),
    Entry("members:member_extend", member, expect=BRANCH_WRITE),
    Entry("members:points_adjust", member, expect=BRANCH_WRITE),
    Entry("members:import_upload", expect=ANY_WRITER),
    Entry("members:import_template", expect=ANY_WRITER),
    Entry("members:import_sample", expect=ANY_WRITER),
    # Without an uploaded file in the session these send the writer back to the upload form.
    Entry("members:import_preview", expect=WRITER_REDIRECT),
    Entry("members:import_confirm", method="post", expect=WRITER_REDIRECT),
    Entry("members:import_failed_rows", expect=WRITER_REDIRECT),
    Entry("members:post_board", community, expect=COMMUNITY_READ),
    Entry("members:post_create", community, expect=COMMUNITY_WRITE),
    Entry("members:post_seed_standard", community, method="post", expect=STAFF_POST),
    Entry("members:post_detail", post, setup=_post, expect=COMMUNITY_READ),
    Entry("members:post_edit", post, setup=_post, expect=COMMUNITY_WRITE),
    Entry("members:post_assign", post, setup=_post, expect=COMMUNITY_WRITE),
    Entry("members:claim_approve", claim, setup=_pending_claim, method="post",
          expect=STAFF_POST),
    Entry("members:claim_decline", claim, setup=_pending_claim, expect=COMMUNITY_WRITE),
    Entry("members:claim_record_month", claim, setup=_approved_claim, method="post",
          expect=STAFF_POST),
    Entry("members:registration_list", community, expect=COMMUNITY_READ),
    Entry("members:registration_create", community, expect=COMMUNITY_WRITE),
    Entry("members:registration_decide", lambda w: {"pk": w.extra["registration"].pk},
          setup=_registration, method="post", data=lambda w: {"decision": "approve"},
          expect=STAFF_POST),
    Entry("members:points_rules", street, expect=STREET),
    Entry("members:points_rule_edit", lambda w: {"pk": w.street.pk, "item": "volunteer_hour"},
          expect=STREET),
    # 减负: by default a points ranking is shown to the street's officials only.
    Entry("members:points_ranking", community, expect=expect(secretary=404, staff=404)),
    Entry("members:me", expect=MEMBER_OWN),
    Entry("members:my_posts", expect=MEMBER_OWN),
    Entry("members:my_claim", post, setup=_post, method="post",
          expect=expect(member=302, secretary=404, staff=404, official=404)),
    Entry("members:my_registration", expect=MEMBER_OWN),
    Entry("members:my_points", expect=MEMBER_OWN),
    # 大字模式: the signed-in user's own choice (a member's record, anyone else's
    # DisplayChoice), no id in the URL to try.
    Entry("members:my_large_text", method="post", data=lambda w: {"large_text": "on"},
          expect=expect(member=302, secretary=302, staff=302, staff_other=302, official=302,
                        official_other=302, secretary_other=302)),
]

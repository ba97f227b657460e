from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import services
from members.factories import MemberFactory
from members.models import Member


def _left(branch):
    return MemberFactory(branch=branch, left_on=date(2026, 1, 5), leave_reason="deceased",
                         leave_note="误操作")


def test_restore_clears_the_leave_and_the_log_keeps_it(world):
    member = _left(world.branch)
    services.member_restore(member=member, user=world.users["staff"])
    member.refresh_from_db()
    assert (member.left_on, member.leave_reason, member.leave_note) == (None, "", "")
    entry = LogEntry.objects.get_for_object(member).order_by("-timestamp").first()
    assert entry.actor == world.users["staff"]
    assert entry.changes_dict["left_on"][0] == "2026-01-05"


def test_restore_refuses_an_active_member_and_an_archived_branch(world):
    with pytest.raises(ValidationError):
        services.member_restore(member=world.member, user=world.users["staff"])
    member = _left(world.branch)
    world.branch.archived_at = timezone.now()
    world.branch.save(update_fields=["archived_at"])
    with pytest.raises(ValidationError):
        services.member_restore(member=Member.objects.get(pk=member.pk),
                                user=world.users["staff"])
    assert Member.objects.get(pk=member.pk).left_on == date(2026, 1, 5)


def test_restore_button_and_view(world, client_as):
    member = _left(world.branch)
    url = f"/members/{member.pk}/restore/"
    # client_as logs the one test client in again, so each role's checks come together.
    official = client_as(world.users["official"])
    assert url not in official.get(f"/members/{member.pk}/").content.decode()
    assert official.post(url).status_code == 404
    secretary = client_as(world.users["secretary"])
    assert url in secretary.get(f"/members/{member.pk}/").content.decode()
    assert url not in secretary.get(f"/members/{world.member.pk}/").content.decode()
    assert secretary.get(url).status_code == 405
    response = secretary.post(url)
    assert response.status_code == 302
    assert Member.objects.get(pk=member.pk).is_active
    response = secretary.post(url, follow=True)
    assert "该党员仍在名册中" in response.content.decode()

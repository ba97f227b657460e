"""A secretary of the branch next door (B2, same community) reads none of B1's records on the
lists they may open: the access matrix checks the status of every URL, this the rows."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.factories import MeetingFactory


@pytest.mark.parametrize("name", ["members:roster", "activities:meeting_list",
                                  "organizations:tree"])
def test_lists_show_the_sibling_secretary_nothing_of_branch_b1(world, client_as, name):
    MeetingFactory(branch=world.branch, attendees=[world.member], topic="第一支部的会议",
                   starts_at=timezone.now() + timedelta(days=2))
    b1_marks = ("赵党员", "第一支部的会议", "兰新社区第一党支部")
    as_secretary = client_as(world.users["secretary"]).get(reverse(name)).content.decode()
    assert any(mark in as_secretary for mark in b1_marks), "the page shows B1 to its secretary"
    response = client_as(world.users["secretary_other"]).get(reverse(name))
    assert response.status_code == 200
    assert not [mark for mark in b1_marks if mark in response.content.decode()]

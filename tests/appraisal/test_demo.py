"""The demo holds every state of the appraisal, so the crawl opens each page."""
import pytest

from activities.appraisal.models import Ballot, CommitmentRecord, Participation, Round
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_the_demo_holds_a_round_in_every_state_and_commitments_with_records():
    context = portal_demo.seed(portal_demo.DemoContext(communities=2, members_per_community=12,
                                                       log=lambda text: None))
    states = {round_.state() for round_ in Round.objects.all()}
    assert states == {Round.State.OPEN, Round.State.CLOSED, Round.State.DECIDED}
    closed = next(r for r in Round.objects.all() if r.state() == Round.State.CLOSED)
    assert Participation.objects.filter(round=closed).count() >= 3
    assert Ballot.objects.filter(appraisee__round=closed).exists()
    assert CommitmentRecord.objects.exists()
    counts = (Round.objects.count(), Ballot.objects.count(), CommitmentRecord.objects.count())
    portal_demo.seed(context)  # idempotent
    assert (Round.objects.count(), Ballot.objects.count(),
            CommitmentRecord.objects.count()) == counts

"""What the apps above members keep per member, told when the member moves, leaves or returns.

Members sits below activities (meetings, invitations, calendar feeds), so it cannot reach into
them; an app that keeps something per member registers a follower with `follow` in its
`AppConfig.ready` (as activities does in `activities/membership.py`), and the roster's services
call `moved`, `left` and `returned` inside their transaction.
"""
_followers = []


def follow(follower):
    """Register an object with `moved(*, member, from_branch)`, `left(*, member, now)` and
    `returned(*, member)`; returns it, so it can decorate a class."""
    _followers.append(follower)
    return follower


def moved(*, member, from_branch):
    for follower in _followers:
        follower.moved(member=member, from_branch=from_branch)


def left(*, member, now):
    for follower in _followers:
        follower.left(member=member, now=now)


def returned(*, member):
    for follower in _followers:
        follower.returned(member=member)

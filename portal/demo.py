"""seed_demo: a believable street built by each app's demo steps.

Every step is idempotent, so running the command twice changes nothing.
"""
import importlib
import random
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from activities import compliance_cache
from members import contact_cache
from organizations.demo import DEMO_PASSWORD  # noqa: F401  (seed_demo prints it)


@dataclass
class DemoContext:
    communities: int
    members_per_community: int
    years: int = 1
    # Streets of the demo district, each with `communities` communities; the demo logins are
    # on the first.
    streets: int = 1
    today: date = field(default_factory=timezone.localdate)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    log: callable = print
    # Filled by the organizations step and read by later ones.
    street: object = None            # the first street: the demo logins' own
    street_nodes: list = field(default_factory=list)
    street_officials: dict = field(default_factory=dict)    # street pk → its official
    street_staff: dict = field(default_factory=dict)        # street pk → a community's staff
    other_street: object = None
    community_nodes: list = field(default_factory=list)
    branch_nodes: list = field(default_factory=list)
    users: dict = field(default_factory=dict)

    def communities_of(self, street):
        """The seeded communities of one street (community_nodes holds every street's)."""
        return [community for community in self.community_nodes
                if community.parent_id == street.pk]


# Each app's steps, in the order their data depends on each other: registrations need
# pairing's units, inspections need the communities and the whole roster.
STEPS = [
    "organizations.demo.seed",
    "members.demo.seed",
    "members.development.demo.seed",
    "activities.demo.seed",
    "activities.appraisal.demo.seed",
    "pairing.demo.seed",
    "pairing.zones.demo.seed",
    "pairing.wishes.demo.seed",
    "activities.volunteers.demo.seed",
    "pairing.wishes.demo.seed_team_wishes",
    "members.demo.seed_registrations",
    "members.dues.demo.seed",
    "portal.demo_inspections.seed_inspections",
    "members.moves_demo.seed",
    "portal.tasklists.demo.seed",
    # Last: every state of every workflow that the random draws above may have missed.
    "portal.demo_states.seed_states",
]


def seed(context):
    for step in STEPS:
        module_name, function_name = step.rsplit(".", 1)
        getattr(importlib.import_module(module_name), function_name)(context)
    # The steps insert in bulk, past the signals that keep cached figures fresh.
    compliance_cache.changed()
    contact_cache.changed()
    return context

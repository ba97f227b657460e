"""seed_demo: a believable street built by each app's `demo.seed(context)`, in app order.

Every app that has demo data gives a `demo` module with `seed(context)`; each step is
idempotent, so running the command twice changes nothing.
"""
import importlib
import random
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.utils import timezone

DEMO_PASSWORD = "Demo@2026"


@dataclass
class DemoContext:
    communities: int
    members_per_community: int
    years: int = 1
    today: date = field(default_factory=timezone.localdate)
    rng: random.Random = field(default_factory=lambda: random.Random(2026))
    log: callable = print
    # Filled by the organizations step and read by later ones.
    street: object = None
    other_street: object = None
    community_nodes: list = field(default_factory=list)
    branch_nodes: list = field(default_factory=list)
    users: dict = field(default_factory=dict)


def seed(context):
    for app_config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app_config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{app_config.name}.demo":
                raise
            continue
        if module.__name__ != __name__ and hasattr(module, "seed"):
            module.seed(context)
    return context

import importlib

import pytest


@pytest.fixture(autouse=True)
def default_rules(db):
    """The shipped meeting kinds and rules, restored when a transactional test flushed them."""
    from django.apps import apps

    from activities.models import MeetingKind

    if not MeetingKind.objects.exists():
        migration = importlib.import_module("activities.migrations.0002_default_rules")
        migration.add_defaults(apps, None)

import pytest


@pytest.fixture(autouse=True)
def default_rules(db):
    """The shipped meeting kinds and rules, restored when a transactional test flushed them."""
    from django.apps import apps

    from activities.defaults import ensure_defaults

    ensure_defaults(apps)

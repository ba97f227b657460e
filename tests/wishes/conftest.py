import pytest


@pytest.fixture(autouse=True)
def default_rule(db):
    """The shipped wish rule, restored when a transactional test flushed it."""
    from django.apps import apps

    from pairing.wishes.defaults import ensure_default_rule

    ensure_default_rule(apps)

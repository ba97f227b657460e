import pytest


@pytest.fixture(autouse=True)
def shipped_duties(db):
    """The shipped duties, restored when a transactional test flushed them."""
    from django.apps import apps

    from pairing.zones.defaults import ensure_duties

    ensure_duties(apps)

"""Every URL of the portal, requested as every role, answers the status its entry expects."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import all_entries
from tests.conftest import ROLES

ENTRIES = all_entries()
# Framework URLs with their own tests upstream; everything else must be in the registry.
UNREGISTERED_NAMESPACES = {"admin"}
UNREGISTERED_NAMES = {"set_language"}


def portal_url_names(patterns=None, namespace=""):
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace in UNREGISTERED_NAMESPACES:
                continue
            names |= portal_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names - UNREGISTERED_NAMES


def test_every_url_is_in_the_matrix():
    missing = portal_url_names() - {entry.name for entry in ENTRIES}
    assert not missing, f"URLs without an access-matrix entry: {sorted(missing)}"


def test_every_entry_names_all_roles():
    incomplete = [entry.id for entry in ENTRIES if set(entry.expect) != set(ROLES)]
    assert not incomplete


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.id for entry in ENTRIES])
def test_access(entry, district_world, client_as):
    world = district_world
    mismatches = []
    for role in ROLES:
        entry.setup(world)
        url = reverse(entry.name, kwargs=entry.kwargs(world))
        client = client_as(world.users[role])
        response = getattr(client, entry.method)(url, entry.data(world))
        if response.status_code != entry.expect[role]:
            mismatches.append(f"{role}: {response.status_code} (expected {entry.expect[role]})")
    assert not mismatches, f"{entry.id} " + "; ".join(mismatches)

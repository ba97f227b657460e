"""The registry of the access matrix: every URL of the portal, with who may open it.

Each app lists its URLs in `tests/access/<app>.py` as `ENTRIES`; `test_access_matrix.py`
requests each one as every role of `tests.conftest.ROLES` and fails for any URL of the portal
that no entry covers.
"""
import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Callable


def expect(anonymous=302, member=404, secretary=200, staff=200, staff_other=404,
           official_other=404, official=200, secretary_other=None, district_official=None,
           district_other=None):
    """Expected statuses; the defaults fit a page about something inside branch B1.

    `secretary_other` (the secretary of B2, a sibling branch in the same community) is derived
    unless given: no more than B1's secretary (404 where they get 404), and 404 where an
    outsider of C1 gets 404 (the page is about B1 or C1's records); else the same as B1's
    secretary (a page of their own, like a list filtered to their branch).

    `district_official` (of the district holding street A) and `district_other` (of street B's
    district) are an official of each street of their district: unless given, they get what
    street A's and street B's officials get (`with_district_officials`)."""
    statuses = {"anonymous": anonymous, "member": member, "secretary": secretary,
                "staff": staff, "staff_other": staff_other, "official_other": official_other,
                "official": official}
    for name, status in [("secretary_other", secretary_other),
                         ("district_official", district_official),
                         ("district_other", district_other)]:
        if status is not None:
            statuses[name] = status
    return statuses


def with_sibling_secretary(statuses):
    if "secretary_other" in statuses:
        return statuses
    secretary, outsider = statuses["secretary"], statuses["staff_other"]
    derived = 404 if 404 in (secretary, outsider) else secretary
    return {**statuses, "secretary_other": derived}


def with_district_officials(statuses):
    return {"district_official": statuses["official"],
            "district_other": statuses["official_other"], **statuses}


@dataclass
class Entry:
    name: str                       # "namespace:url_name"
    kwargs: Callable = lambda world: {}
    expect: dict = field(default_factory=expect)  # role → status code
    method: str = "get"
    data: Callable = lambda world: {}
    # Extra objects the URL needs, kept in world.extra; run before each role's request, so it
    # must recreate what a previous role's request consumed.
    setup: Callable = lambda world: None

    def __post_init__(self):
        self.expect = with_district_officials(with_sibling_secretary(self.expect))

    @property
    def id(self):
        return f"{self.name}[{self.method}]"


# Pages about the community C1 as a whole (not inside the secretary's branch).
COMMUNITY_READ = expect(secretary=404)
# Pages only community staff of C1 may write.
COMMUNITY_WRITE = expect(secretary=404, official=404)
# Writes of branch records: staff and the branch's secretary.
BRANCH_WRITE = expect(official=404)
# A member's own pages.
MEMBER_OWN = expect(member=200, secretary=404, staff=404, official=404)


def all_entries():
    entries = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        entries.extend(getattr(module, "ENTRIES", []))
    return entries

"""Sections the apps above members add to a member's pages, by context name.

The member home (`me`) shows the next meetings and the member page (`member_detail`) the
appraisals, both kept by activities, which members does not import: activities registers them
with `@section(page, name)` (see `activities/membership.py`), and the views merge `context(page,
member)` into theirs.
"""
_sections = {"me": {}, "member_detail": {}}


def section(page, name):
    def register(read):
        _sections[page][name] = read
        return read
    return register


def context(page, member):
    return {name: read(member) for name, read in _sections[page].items()}

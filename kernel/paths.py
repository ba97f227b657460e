"""Materialized paths of the organization tree: "/street/community/branch/group/", each part a
node's primary key. The street is the first part and the community the second, whatever sits
below; every reader of a path asks here instead of splitting it again.

A district (区委) above a street is *not* part of the paths: a street's path is "/<street pk>/"
whether or not it has a district (a district's own path is "/<district pk>/", a prefix of no
street's), so street pages never read district rows and moving a street between districts
rewrites no path. The district is the denormalized `Node.district` column instead, on every
node of the street's subtree (kept by `Node.save`, one UPDATE when a street moves); rules reach
it through `Node.ancestor_ids()` (district first), scope through `organizations.scope.grants_of`,
which expands a district grant to one grant per street. `path_ids` below never includes it."""


def path_ids(path):
    """[street id, community id, …] from the root down to the node itself."""
    return [int(part) for part in path.strip("/").split("/") if part]


def prefixes(path):
    """The paths of the node and each of its ancestors, root first: "/1/", "/1/7/", …"""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1)]


def street_path_of(path):
    return prefixes(path)[0]


def community_path_of(path):
    """"/1/7/42/" → "/1/7/": the community at or above a community, branch or group path (a
    street's own path stays itself)."""
    return prefixes(path)[:2][-1]


def community_id_of(path):
    return path_ids(path)[1]

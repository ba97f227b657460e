"""The members under a node, as the tree's pages and checks need them.

The roster sits above the tree (members imports organizations, never the reverse), so the
members app registers its answers here at start-up (`MembersConfig.ready` → `members/occupants.py`)
and the tree asks through `roster()`: counts per node for the tree, the node page's breakdown,
the branch's counts for its structure warnings, the seat holder select, and whether members
still stand in the way of archiving a node.
"""
_roster = None


def register(roster):
    """`roster` answers counts_by_node(nodes), breakdown(node), branch_counts(branch),
    seat_candidates(user, node) and count_under(node); see members/occupants.py."""
    global _roster
    _roster = roster
    return roster


def roster():
    return _roster

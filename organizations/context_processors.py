from organizations.scope import STREET_ROLES, Role, grants_of


def scope(request):
    """The roles the navigation is built from; loaded once per request with the grants."""
    # A 400 raised before the authentication middleware ran (a bad Host header) renders its
    # page with a request that has no user.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {role for _path, role, _node in grants_of(user)}
    return {
        "nav_roles": roles,
        "is_street_official": bool(roles & STREET_ROLES),
        "is_district_official": Role.DISTRICT_OFFICIAL in roles,
        "is_community_staff": Role.COMMUNITY_STAFF in roles,
        "is_branch_secretary": Role.BRANCH_SECRETARY in roles,
        "is_member": hasattr(user, "member") and user.member is not None,
        # A district official's streets are reached from the district dashboard, not one menu
        # entry each (grants_of lists them as grants of their own).
        "home_nodes": [node for _path, role, node in grants_of(user)
                       if role != Role.DISTRICT_OFFICIAL or node.kind == node.Kind.DISTRICT],
    }

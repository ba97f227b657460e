"""Reading the street settings: every page that shows a ranking or offers QR check-in asks
here. The most specific row wins (organizations.rules), so a street's row beats the default."""
from kernel.paths import street_path_of
from organizations.rules import rules_for
from organizations.scope import READ_ROLES, STREET_ROLES, covers, granted_paths
from organizations.streetsettings.defaults import DEFAULTS
from organizations.streetsettings.models import Audience, StreetSetting


def settings_for(node):
    """{key: value} for the node's street, the defaults filled in."""
    rows = rules_for(StreetSetting.objects.all(), node, key=lambda row: row.key)
    return {key: rows[key].value if key in rows else default
            for key, default in DEFAULTS.items()}


def value(node, key):
    return settings_for(node)[key]


def shown_to(user, node, key):
    """Whether the ranking `key` of the node's street is shown to the user."""
    audience = value(node, key)
    street = street_path_of(node.path)
    if audience == Audience.NOBODY or not user.is_authenticated:
        return False
    if user.is_superuser or covers(user, street, STREET_ROLES):
        return True
    if audience == Audience.OFFICIALS:
        return False
    if any(path.startswith(street) for path in granted_paths(user, READ_ROLES)):
        return True
    member = getattr(user, "member", None)
    return audience == Audience.EVERYONE and member is not None \
        and member.branch.path.startswith(street)


def photo_required(node):
    return value(node, "rectification_photo") == "required"


def qr_checkin_offered(node):
    return value(node, "qr_checkin") == "option"

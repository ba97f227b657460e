"""The shipped meeting kinds and rules (docs/RULES.md), written by the data migration.

Also called by the demo seed and tests: a transactional test flushes every table, these
rows included, and seeding a flushed database must find them again.
"""
from django.utils.translation import gettext_noop

# The names are stored in Chinese as they are; gettext_noop only puts them in the catalogue,
# from which MeetingKind.label shows a shipped kind in the reader's language.
KINDS = [
    ("general_meeting", gettext_noop("支部党员大会"), "quarter", 1),
    ("committee_meeting", gettext_noop("支委会"), "month", 1),
    ("group_meeting", gettext_noop("党小组会"), "month", 1),
    ("party_lecture", gettext_noop("党课"), "quarter", 1),
    ("theme_day", gettext_noop("主题党日"), "month", 1),
    ("life_meeting", gettext_noop("组织生活会"), "year", 1),
    ("appraisal", gettext_noop("民主评议党员"), "year", 1),
    ("talk", gettext_noop("谈心谈话"), "year", 1),
]
SHIPPED_KIND_NAMES = {code: name for code, name, _period, _minimum in KINDS}
# Attendees are reminded 3 days and 2 hours before a meeting.
REMINDER_LEADS = [3 * 24 * 60, 2 * 60]


def ensure_defaults(apps, schema_editor=None):
    MeetingKind = apps.get_model("activities", "MeetingKind")
    MeetingRule = apps.get_model("activities", "MeetingRule")
    ReminderRule = apps.get_model("activities", "ReminderRule")
    if MeetingKind.objects.count() == len(KINDS) and ReminderRule.objects.filter(
            node__isnull=True).exists():
        return
    for order, (code, name, period, minimum) in enumerate(KINDS):
        kind, _created = MeetingKind.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order})
        MeetingRule.objects.get_or_create(node=None, kind=kind,
                                          defaults={"period": period, "minimum": minimum})
    for lead in REMINDER_LEADS:
        ReminderRule.objects.get_or_create(node=None, lead_minutes=lead)

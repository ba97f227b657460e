"""The shipped meeting kinds and rules (RULES.md), written by the data migration.

Also called by the demo seed and tests: a transactional test flushes every table, these
rows included, and seeding a flushed database must find them again.
"""
KINDS = [
    ("general_meeting", "支部党员大会", "quarter", 1),
    ("committee_meeting", "支委会", "month", 1),
    ("group_meeting", "党小组会", "month", 1),
    ("party_lecture", "党课", "quarter", 1),
    ("theme_day", "主题党日", "month", 1),
    ("life_meeting", "组织生活会", "year", 1),
    ("appraisal", "民主评议党员", "year", 1),
    ("talk", "谈心谈话", "year", 1),
]
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

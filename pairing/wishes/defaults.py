"""The shipped wish rule: written by the data migration, restorable later (a flushed test
database)."""


def ensure_default_rule(apps, schema_editor=None):
    # docs/RULES.md: a wish is done within 7 days of acceptance; an open one unclaimed for
    # 2 days is chased. Streets and communities override with their own row.
    apps.get_model("wishes", "WishRule").objects.get_or_create(
        node=None, defaults={"due_days": 7, "unclaimed_days": 2})

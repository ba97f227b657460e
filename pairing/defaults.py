"""Rows shipped with the portal, written by a data migration and restorable later (a flushed
test database, or a demo seeded after someone emptied the table)."""

# The 五联/六联 areas as communities commonly write them into co-building agreements.
AGREEMENT_AREAS = ["思想教育联抓", "环境卫生联搞", "社会治安联防", "服务设施联建", "文化活动联办",
                   "困难群众联帮", "党员队伍联管"]


def ensure_defaults(apps, schema_editor=None):
    AgreementArea = apps.get_model("pairing", "AgreementArea")
    for index, name in enumerate(AGREEMENT_AREAS):
        AgreementArea.objects.get_or_create(name=name, defaults={"sort_order": index})

"""The shipped duties, as 永丰 and 兰新 list them: written by the data migration, restorable
later (a flushed test database, or a demo seeded after someone emptied the table)."""

DUTIES = ["文明创建宣传", "困难群众走访", "矛盾纠纷排查", "环境卫生"]


def ensure_duties(apps):
    Duty = apps.get_model("zones", "Duty")
    for order, name in enumerate(DUTIES):
        Duty.objects.get_or_create(name=name, defaults={"sort_order": order})

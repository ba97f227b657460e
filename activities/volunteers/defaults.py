"""The team kinds every community starts with (migration 0002 writes them; a street or a
community adds its own kinds as TeamKind rows on its node)."""
SHIPPED_TEAM_KINDS = ["义务巡逻队", "环境整治", "助老助残", "文化宣传", "政策宣讲", "便民服务",
                      "法律援助", "关爱青少年"]


def ensure_team_kinds(team_kind_model):
    present = set(team_kind_model.objects.filter(node=None).values_list("name", flat=True))
    team_kind_model.objects.bulk_create([
        team_kind_model(node=None, name=name, sort_order=order * 10)
        for order, name in enumerate(SHIPPED_TEAM_KINDS, start=1) if name not in present])

"""The weekly ranking's shipped weights: written by data migrations, restorable later (a
flushed test database, or a demo seeded after someone emptied the table)."""
from decimal import Decimal

RANKING_WEIGHTS = {
    "on_time_rate": Decimal("50"), "problems_found": Decimal("30"),
    "rectifications_overdue": Decimal("20"),
    "compliance_rate": Decimal("30"), "activities_held": Decimal("20"),
    # 任务清单: counted only when a street gives it a weight.
    "task_completion": Decimal("0"),
}


def ensure_ranking_weights(apps, keys=RANKING_WEIGHTS):
    RankingWeight = apps.get_model("portal", "RankingWeight")
    for key in keys:
        RankingWeight.objects.get_or_create(node=None, input_key=key,
                                            defaults={"weight": RANKING_WEIGHTS[key]})

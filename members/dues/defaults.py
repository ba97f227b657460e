"""The shipped standard (docs/RULES.md, 党费): 中共中央组织部《关于中国共产党党费收缴、使用和管理的
规定》(2008). Written by the data migration; `rates` falls back to these rows when a flushed
database (a transactional test) has lost them.

Each tier: (category, up_to inclusive or None, percent or None, fixed amount or None). The
percentage applies to the WHOLE base ("交纳月工资收入的1%"), not to the part above the bound.
"""
from decimal import Decimal as D

TIERS = [
    ("employed", D("3000.00"), D("0.5"), None),
    ("employed", D("5000.00"), D("1.0"), None),
    ("employed", D("10000.00"), D("1.5"), None),
    ("employed", None, D("2.0"), None),
    ("retired", D("5000.00"), D("0.5"), None),
    ("retired", None, D("1.0"), None),
    # 0.2 to 1 yuan "as the province sets": the lowest until a province or street overrides it.
    ("farmer", None, None, D("0.20")),
    ("student", None, None, D("0.20")),
    ("unemployed", None, None, D("0.20")),
    ("relief", None, None, D("0.20")),
]
# The 2008 text states no rounding; the shipped rule keeps the fen, half up.
ROUNDING_UNIT = D("0.01")


def ensure_defaults(apps, schema_editor=None):
    DuesRate = apps.get_model("dues", "DuesRate")
    DuesRounding = apps.get_model("dues", "DuesRounding")
    if not DuesRate.objects.filter(node__isnull=True).exists():
        DuesRate.objects.bulk_create(
            DuesRate(node=None, category=category, up_to=up_to, percent=percent,
                     fixed_amount=fixed) for category, up_to, percent, fixed in TIERS)
    if not DuesRounding.objects.filter(node__isnull=True).exists():
        DuesRounding.objects.create(node=None, unit=ROUNDING_UNIT)

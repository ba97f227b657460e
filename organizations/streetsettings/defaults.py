"""The shipped values: written by the data migration, restorable later (a flushed database)."""

DEFAULTS = {"weekly_ranking": "officials", "points_ranking": "officials",
            "qr_checkin": "option", "rectification_photo": "optional"}


def ensure_defaults(apps):
    StreetSetting = apps.get_model("streetsettings", "StreetSetting")
    for key, value in DEFAULTS.items():
        StreetSetting.objects.get_or_create(node=None, key=key, defaults={"value": value})

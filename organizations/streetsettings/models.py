"""减负 settings of a street, as data: whether rankings and QR check-in are shown and to whom,
and whether a photo is required. The shipped defaults (rows without a node) follow the 2024
《整治形式主义为基层减负若干规定》 and 国办函〔2026〕12号: rankings for the street's officials
only, check-in one option among others, photos optional. A street's rows override them."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.rules import NodeRule


class Key(models.TextChoices):
    WEEKLY_RANKING = "weekly_ranking", _("社区周排名")
    POINTS_RANKING = "points_ranking", _("党员积分排名")
    QR_CHECKIN = "qr_checkin", _("扫码签到")
    RECTIFICATION_PHOTO = "rectification_photo", _("整改完成照片")


class Audience(models.TextChoices):
    NOBODY = "off", _("不显示")
    OFFICIALS = "officials", _("仅街道干部")
    COMMUNITIES = "communities", _("街道干部、社区和支部")
    EVERYONE = "everyone", _("所有人（含党员）")


CHOICES = {
    Key.WEEKLY_RANKING: Audience.choices,
    Key.POINTS_RANKING: Audience.choices,
    Key.QR_CHECKIN: [("off", _("不提供")), ("option", _("作为签到方式之一（也可代为签到、手工登记）"))],
    Key.RECTIFICATION_PHOTO: [("optional", _("可选")), ("required", _("必须上传"))],
}


class StreetSetting(NodeRule):
    key = models.CharField(_("设置项"), max_length=30, choices=Key.choices)
    value = models.CharField(_("取值"), max_length=20)

    class Meta:
        verbose_name = _("街道设置")
        verbose_name_plural = _("街道设置")
        constraints = [models.UniqueConstraint(fields=["node", "key"],
                                               name="street_setting_unique"),
                       models.UniqueConstraint(fields=["key"], condition=Q(node=None),
                                               name="street_setting_unique_default")]

    def __str__(self):
        return f"{self.key}={self.value}"

"""责任区认领: a community's zones (a grid or a named area), claimed for a year by a co-building
unit or a branch with the duties it takes on. What the claimant did there is read from the
records already kept (activities, care visits), never typed again."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pairing.models import CommunityScopedQuerySet


class Duty(models.Model):
    """A duty a claimant can take on (文明创建宣传, 困难群众走访 …): data, shipped by a migration
    and kept by administrators."""

    name = models.CharField(_("职责"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("责任区职责")
        verbose_name_plural = _("责任区职责")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class Zone(models.Model):
    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="zones", verbose_name=_("社区"),
                                  limit_choices_to={"kind": "community"})
    grid = models.ForeignKey("organizations.Grid", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name=_("网格"),
                             help_text=_("责任区就是一个网格时选择；否则填写片区名称。"))
    name = models.CharField(_("片区名称"), max_length=100)
    description = models.CharField(_("范围说明"), max_length=200, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任区")
        verbose_name_plural = _("责任区")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"],
                                               name="zone_unique_name")]

    def __str__(self):
        return self.name


class ClaimQuerySet(CommunityScopedQuerySet):
    scope_path = "zone__community__path"


class Claim(models.Model):
    """One claimant's year in a zone: one claim per zone and year."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="claims",
                             verbose_name=_("责任区"))
    year = models.PositiveSmallIntegerField(_("年度"))
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="zone_claims", verbose_name=_("认领单位"))
    branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="zone_claims",
                               verbose_name=_("认领支部"))
    duties = models.ManyToManyField(Duty, related_name="claims", verbose_name=_("认领职责"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("登记人"))
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任区认领")
        verbose_name_plural = _("责任区认领")
        ordering = ["-year", "zone"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="zone_claim_one_per_year"),
            models.CheckConstraint(condition=Q(unit__isnull=True) ^ Q(branch__isnull=True),
                                   name="zone_claim_one_claimant"),
        ]

    def __str__(self):
        return f"{self.year} {self.zone} {self.claimant}"

    @property
    def claimant(self):
        return self.unit or self.branch

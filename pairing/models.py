from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import ScopedQuerySet
from organizations.scope import READ_ROLES, scope_q


class UnitQuerySet(ScopedQuerySet):
    # A unit belongs to its street; communities it co-builds with see it through that street.
    scope_path = "street__path"

    def visible_to(self, user):
        community_scope = scope_q(user, "communities__path", READ_ROLES)
        return self.filter(scope_q(user, self.scope_path, READ_ROLES) | community_scope).distinct()


class Unit(models.Model):
    """共建单位: an organization located in the street that co-builds with its communities."""

    class UnitType(models.TextChoices):
        GOVERNMENT = "government", _("行政单位")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        STATE_ENTERPRISE = "state_enterprise", _("国有企业")
        PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
        MILITARY = "military", _("部队")
        SCHOOL = "school", _("学校")
        SOCIAL_ORGANIZATION = "social_organization", _("社会组织")

    street = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                               related_name="units", verbose_name=_("所在街道"),
                               limit_choices_to={"kind": "street"})
    name = models.CharField(_("单位名称"), max_length=100)
    unit_type = models.CharField(_("单位类型"), max_length=24, choices=UnitType.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey("organizations.Grid", null=True, blank=True,
                             on_delete=models.SET_NULL, verbose_name=_("网格"))
    party_org_name = models.CharField(_("党组织名称"), max_length=100, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    communities = models.ManyToManyField(
        "organizations.Node", blank=True, related_name="co_building_units",
        verbose_name=_("共建社区"), limit_choices_to={"kind": "community"})
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="unit_unique_name")]

    def __str__(self):
        return self.name

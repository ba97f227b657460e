"""The co-building unit moved from pairing to organizations by state-only migrations: a database
holding units from before the move keeps every unit, every reference to one and the unit's
content type (the audit trail's rows point at it)."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from activities.factories import ActivityFactory
from members.factories import MemberFactory, RegistrationFactory
from organizations.factories import CommunityFactory, UnitFactory
from pairing.factories import (AgreementFactory, ContributionFactory, JointSeatFactory,
                               PairingFactory, ProjectFactory)

BEFORE = [("organizations", "0005_node_sort_key"),
          ("pairing", "0006_upload_fields_detect_type_from_content"),
          ("members", "0007_member_accounts_activation_codes"),
          ("activities", "0006_notification_message_in_reader_language")]
# Every field that refers to a unit, by the model holding it.
REFERENCES = [("members", "Member", "employer_unit"), ("members", "Registration", "unit"),
              ("pairing", "Agreement", "unit"), ("pairing", "JointCommitteeSeat", "unit"),
              ("pairing", "Pairing", "unit"), ("pairing", "Contribution", "unit"),
              ("pairing", "Resource", "unit"), ("pairing", "Project", "unit")]


def _snapshot(apps, unit_app):
    unit = apps.get_model(unit_app, "Unit")
    activity = apps.get_model("activities", "CommunityActivity")
    rows = {"units": sorted(unit.objects.values_list("pk", "name", "street_id", "grid_id")),
            "communities": sorted(unit.communities.through.objects.values_list(
                "unit_id", "node_id")),
            "activities": sorted(activity.units.through.objects.values_list(
                "communityactivity_id", "unit_id"))}
    for app, model, field in REFERENCES:
        model_class = apps.get_model(app, model)
        assert model_class._meta.get_field(field).related_model is unit
        rows[model] = sorted(model_class.objects.filter(**{f"{field}__isnull": False})
                             .values_list("pk", f"{field}_id"))
    return rows


@pytest.mark.same_every_day(reason="a migration round trip: rows and references, not dates")
@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_every_unit_and_every_reference():
    community = CommunityFactory()
    unit = UnitFactory(street=community.parent, communities=[community])
    MemberFactory(branch__parent=community, employer_unit=unit)
    RegistrationFactory(community=community, unit=unit)
    ActivityFactory(community=community).units.add(unit)
    AgreementFactory(community=community, unit=unit)
    JointSeatFactory(community=community, unit=unit)
    PairingFactory(community=community, unit=unit)
    ContributionFactory(community=community, unit=unit)
    ProjectFactory(need__community=community, resource__unit=unit)
    content_type = ContentType.objects.get(app_label="organizations", model="unit")

    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    assert ContentType.objects.get(pk=content_type.pk).app_label == "pairing"
    # A unit written by the code of before the move, referred to from every side.
    second = old.get_model("pairing", "Unit").objects.create(
        street_id=community.parent_id, name="搬迁前的单位", unit_type="school")
    second.communities.add(community.pk)
    old.get_model("members", "Member").objects.update(employer_unit_id=second.pk)
    old.get_model("activities", "CommunityActivity").units.through.objects.create(
        communityactivity_id=old.get_model("activities", "CommunityActivity").objects.get().pk,
        unit_id=second.pk)
    before = _snapshot(old, "pairing")
    assert len(before["units"]) == 2 and all(before[model] for _app, model, _f in REFERENCES)

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    new = executor.loader.project_state(leaves).apps
    assert _snapshot(new, "organizations") == before
    ContentType.objects.clear_cache()
    assert ContentType.objects.get(pk=content_type.pk).app_label == "organizations"

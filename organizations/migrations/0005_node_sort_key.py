from django.db import migrations, models

# As Node.SORT_KEY_PART at the time of this migration.
SORT_KEY_PART = "{sort_order:010d}{pk:010d}"


def fill_sort_keys(apps, schema_editor):
    """Each node's sort key from its parent's, parents first (a path is longer than its
    parent's)."""
    Node = apps.get_model("organizations", "Node")
    nodes = sorted(Node.objects.only("pk", "path", "sort_order"), key=lambda node: len(node.path))
    keys = {}
    for node in nodes:
        parent_path = node.path[:node.path.rstrip("/").rfind("/") + 1]
        node.sort_key = keys.get(parent_path, "") + SORT_KEY_PART.format(
            sort_order=node.sort_order, pk=node.pk)
        keys[node.path] = node.sort_key
    Node.objects.bulk_update(nodes, ["sort_key"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("organizations", "0004_account_state_fingerprint"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="node",
            options={"ordering": ["sort_key"], "verbose_name": "组织", "verbose_name_plural": "组织"},
        ),
        migrations.AddField(
            model_name="node",
            name="sort_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=255),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]

"""Every item that had a quantity before the stock ledger gets an opening movement, so quantities sum up."""

from django.db import migrations


def opening_movements(apps, schema_editor):
    Item = apps.get_model("catalog", "Item")
    StockMovement = apps.get_model("catalog", "StockMovement")
    items = Item.objects.exclude(quantity_on_hand=0).only("pk", "quantity_on_hand", "created_at")
    StockMovement.objects.bulk_create(
        (
            StockMovement(
                item_id=item.pk,
                kind="opening",
                quantity=item.quantity_on_hand,
                balance=item.quantity_on_hand,
                occurred_at=item.created_at,
                document="Quantity on hand before the stock ledger",
            )
            for item in items.iterator(chunk_size=2000)
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_stockmovement")]

    operations = [migrations.RunPython(opening_movements, migrations.RunPython.noop)]

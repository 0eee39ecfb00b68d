from django.db import migrations

TABLE = "readiness_agencyreadiness"


def set_fillfactor(percent: int):
    def run(apps, schema_editor):
        # PostgreSQL only (the embedded SQLite demo has no fillfactor).
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {percent})")

    return run


class Migration(migrations.Migration):
    """Every recompute rewrites every row of the current figures. With half of each page
    left free, a row's new version fits on the page of the old one: PostgreSQL then writes
    no index entry for it (a HOT update) and prunes the old version as it goes, so the
    table keeps its size instead of growing with each recompute until vacuum runs."""

    dependencies = [("readiness", "0003_readiness_current_lean_indexes")]

    operations = [migrations.RunPython(set_fillfactor(50), set_fillfactor(100))]

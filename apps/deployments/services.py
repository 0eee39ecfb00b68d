from django.db import transaction

from apps.deployments.models import DefenseTool


@transaction.atomic
def defense_tool_catalog_load(*, entries: list[dict]) -> int:
    """Create or update catalog entries by name (idempotent); returns how many changed."""
    changed = 0
    for entry in entries:
        values = {
            "vendor": entry.get("vendor", ""),
            "category": entry["category"],
            "ai_enabled": entry["ai_enabled"],
            "description": entry.get("description", ""),
        }
        tool, created = DefenseTool.objects.get_or_create(name=entry["name"], defaults=values)
        if created:
            changed += 1
            continue
        diff = [k for k, v in values.items() if getattr(tool, k) != v]
        if diff:
            for k in diff:
                setattr(tool, k, values[k])
            tool.save(update_fields=[*diff, "updated_at"])
            changed += 1
    return changed

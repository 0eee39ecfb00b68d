import json
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from apps.core.errors import DomainError
from apps.deployments.models import DefenseTool
from apps.directives.models import Directive, Milestone, Task


def issued_at_for(*, issued_on: date, time_zone: str) -> datetime:
    """A directive issued on a date takes effect at the start of that day in its time zone."""
    return datetime.combine(issued_on, time.min, tzinfo=ZoneInfo(time_zone))


def _validate(spec: dict) -> None:
    try:
        ZoneInfo(spec["time_zone"])
    except (KeyError, ZoneInfoNotFoundError) as exc:
        raise DomainError(f"Unknown time zone: {spec.get('time_zone')!r}") from exc
    offsets = [m["day_offset"] for m in spec["milestones"]]
    if sorted(offsets) != offsets or len(set(offsets)) != len(offsets):
        raise DomainError("Milestone day offsets must be distinct and in order.")
    if offsets[-1] != spec["window_days"]:
        raise DomainError("The last milestone must fall on the directive's last day.")
    codes = [t["code"] for t in spec["tasks"]]
    if len(set(codes)) != len(codes):
        raise DomainError("Task codes must be unique.")
    tool_categories = set(DefenseTool.Category.values)
    for task in spec["tasks"]:
        if task["milestone"] not in offsets:
            raise DomainError(f"Task {task['code']} names no milestone of the directive.")
        if task["category"] not in Task.Category.values:
            raise DomainError(f"Task {task['code']} has an unknown category {task['category']!r}.")
        if task["measure"] not in Task.Measure.values:
            raise DomainError(f"Task {task['code']} has an unknown measure {task['measure']!r}.")
        if task["measure"] == Task.Measure.TOOL_COVERAGE and (
            task.get("coverage_category") not in tool_categories
            or not 0 < float(task.get("coverage_target") or 0) <= 1
        ):
            raise DomainError(f"Task {task['code']} needs a tool category and a target in (0, 1].")


@transaction.atomic
def directive_load(*, spec: dict) -> Directive:
    """Create or update a directive, its milestones and tasks from a data file's contents
    (idempotent: keyed by directive code, milestone offset and task code). An existing
    directive keeps its issue time; `directive_reissue` moves the clock."""
    _validate(spec)
    directive, _created = Directive.objects.get_or_create(
        code=spec["code"],
        defaults={
            "title": spec["title"],
            "issued_at": issued_at_for(
                issued_on=date.fromisoformat(spec["issued_on"]), time_zone=spec["time_zone"]
            ),
            "window_days": spec["window_days"],
            "time_zone": spec["time_zone"],
        },
    )
    _update(
        directive,
        title=spec["title"],
        authority=spec.get("authority", ""),
        summary=spec.get("summary", ""),
        window_days=spec["window_days"],
        time_zone=spec["time_zone"],
    )
    milestones = {}
    for m in spec["milestones"]:
        milestone, _ = Milestone.objects.get_or_create(
            directive=directive,
            day_offset=m["day_offset"],
            defaults={"code": m["code"], "title": m["title"]},
        )
        _update(milestone, code=m["code"], title=m["title"], description=m.get("description", ""))
        milestones[m["day_offset"]] = milestone
    for t in spec["tasks"]:
        coverage = t["measure"] == Task.Measure.TOOL_COVERAGE
        values = {
            "milestone": milestones[t["milestone"]],
            "title": t["title"],
            "guidance": t.get("guidance", ""),
            "weight": t["weight"],
            "category": t["category"],
            "evidence_required": t["evidence_required"],
            "measure": t["measure"],
            "coverage_target": _decimal(t["coverage_target"]) if coverage else None,
            "coverage_category": t["coverage_category"] if coverage else "",
        }
        task, made = Task.objects.get_or_create(
            directive=directive, code=t["code"], defaults=values
        )
        if not made:
            _update(task, **values)
    return directive


def _decimal(value):
    from decimal import Decimal

    return Decimal(str(value)).quantize(Decimal("0.001"))


def _update(instance, **values) -> None:
    changed = [k for k, v in values.items() if getattr(instance, k) != v]
    if changed:
        for k in changed:
            setattr(instance, k, values[k])
        instance.save(update_fields=[*changed, "updated_at"])


def directive_load_file(*, path: Path) -> Directive:
    return directive_load(spec=json.loads(path.read_text(encoding="utf-8")))


def directive_reissue(*, directive: Directive, issued_on: date) -> Directive:
    """Move the directive's clock so that it was issued on `issued_on` (start of that day in
    its time zone). Every deadline is derived from the issue time, so nothing else moves."""
    _update(directive, issued_at=issued_at_for(issued_on=issued_on, time_zone=directive.time_zone))
    return directive

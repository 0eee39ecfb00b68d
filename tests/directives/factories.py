from datetime import UTC, datetime

import factory

from apps.directives.models import Directive, Milestone, Task


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    code = factory.Sequence(lambda n: f"DIR-{n:03d}")
    title = factory.Sequence(lambda n: f"Directive {n}")
    # 2026-11-15 00:00 America/New_York
    issued_at = datetime(2026, 11, 15, 5, 0, tzinfo=UTC)
    window_days = 30
    time_zone = "America/New_York"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    directive = factory.SubFactory(DirectiveFactory)
    code = factory.Sequence(lambda n: f"M{n}")
    day_offset = 7
    title = factory.Sequence(lambda n: f"Milestone {n}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    milestone = factory.SubFactory(MilestoneFactory)
    directive = factory.SelfAttribute("milestone.directive")
    code = factory.Sequence(lambda n: f"T{n:02d}")
    title = factory.Sequence(lambda n: f"Task {n}")
    guidance = "Do the thing and attach the record."
    weight = 3
    category = Task.Category.ASSET_INVENTORY
    evidence_required = True
    measure = Task.Measure.MANUAL

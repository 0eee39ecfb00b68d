import json
from zoneinfo import ZoneInfo

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import transaction
from django.http import Http404
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
)

from apps.directives.selectors import directive_current
from apps.readiness.clock import directive_deadline
from config.schedules import JOBS, SCHEDULE_TIME_ZONE


class Command(BaseCommand):
    help = "Create or update the periodic jobs declared in config/schedules.py (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        current_app.loader.import_default_modules()  # register every app's tasks
        for job in JOBS:
            if job.task not in current_app.tasks:
                self.stderr.write(f"Skipped {job.name}: task {job.task} is not registered.")
                continue
            if job.at_deadline:
                self._sync_deadline_job(job)
                continue
            schedule = {"interval": None, "crontab": None, "clocked": None, "one_off": False}
            if job.every_minutes:
                schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                    every=job.every_minutes, period=IntervalSchedule.MINUTES
                )
            else:
                hour, minute = job.at.split(":")
                schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                    minute=str(int(minute)), hour=str(int(hour)), day_of_week="*",
                    day_of_month="*", month_of_year="*", timezone=SCHEDULE_TIME_ZONE,
                )  # fmt: skip
            PeriodicTask.objects.update_or_create(
                name=job.name,
                defaults={
                    "task": job.task,
                    "description": job.description,
                    "args": json.dumps([]),
                    "kwargs": json.dumps({}),
                    **schedule,
                },
            )
            when = f"every {job.every_minutes} min" if job.every_minutes else f"daily {job.at}"
            self.stdout.write(f"{job.name}: {job.task}, {when}")

    def _sync_deadline_job(self, job) -> None:
        """A one-off at the current directive's deadline. Beat disables a one-off once it
        has run; a later sync leaves that alone (the job itself also runs only once per
        directive), and a new directive gets its own."""
        try:
            directive = directive_current()
        except Http404:
            self.stderr.write(f"Skipped {job.name}: no directive has been issued yet.")
            return
        deadline = directive_deadline(
            directive.issued_at, directive.window_days, ZoneInfo(directive.time_zone)
        )
        clocked, _ = ClockedSchedule.objects.get_or_create(clocked_time=deadline)
        name = f"{job.name} ({directive.code})"
        task, created = PeriodicTask.objects.get_or_create(
            name=name,
            defaults={"task": job.task, "clocked": clocked, "one_off": True, "enabled": True},
        )
        if not created:
            task.task, task.clocked, task.one_off = job.task, clocked, True
            task.interval = task.crontab = task.solar = None
        task.description = job.description
        task.args, task.kwargs = json.dumps([]), json.dumps({})
        task.save()
        self.stdout.write(f"{name}: {job.task}, once at {deadline.isoformat()}")

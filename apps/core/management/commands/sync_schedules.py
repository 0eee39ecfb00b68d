import json

from celery import current_app
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

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
            schedule = {"interval": None, "crontab": None}
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

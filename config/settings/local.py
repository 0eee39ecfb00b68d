"""Local and demo runs (`make run`): SQLite file and Celery over the embedded filesystem
broker, so nothing but Python is needed."""

from pathlib import Path

from config.env import env

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# kombu's filesystem transport does not create its folders; they must exist before the
# worker, beat or the web process publish anything.
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", default=str(BASE_DIR / "var" / "celery")))
for _folder in ("queue", "processed", "control", "results"):
    (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)
(BASE_DIR / "var").mkdir(exist_ok=True)

# "localhost" only names the embedded broker (kombu warns when a URL has no host).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost//")
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=f"file://{CELERY_DATA_DIR / 'results'}"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # data_folder_in and data_folder_out must be the same folder for one queue.
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
    }

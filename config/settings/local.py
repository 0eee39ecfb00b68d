"""Local and demo runs (`make run`): SQLite file and Celery over the embedded filesystem
broker, so nothing but Python is needed."""

import warnings
from pathlib import Path

from config import embedded_broker
from config.env import env

from .base import *  # noqa: F403
from .base import BASE_DIR, STORAGES

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# WhiteNoise serves the static files straight from the app and project folders, edits
# included: no collectstatic at each start (it took ~10 s). Production collects them.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The demo's worker runs as whoever typed `make run`, root on our machines. Celery's
# warning about root is meant for deployed workers, which run as a service user.
warnings.filterwarnings("ignore", message="You're running the worker with superuser privileges")

# The embedded broker's folders must exist before the worker, beat or the web process
# publish anything.
CELERY_DATA_DIR = Path(env("CELERY_DATA_DIR", default=str(BASE_DIR / "var" / "celery")))
(CELERY_DATA_DIR / "results").mkdir(parents=True, exist_ok=True)
(BASE_DIR / "var").mkdir(exist_ok=True)

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=embedded_broker.URL)
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND", default=f"file://{CELERY_DATA_DIR / 'results'}"
)
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded_broker.transport_options(CELERY_DATA_DIR)

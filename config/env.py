"""The one `env` object every settings module reads from (django-environ).

A `.env` file at the project root is read if present; real environment variables win.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file), overwrite=False)

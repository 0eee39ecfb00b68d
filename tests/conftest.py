import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploaded files of one test never leak into another.
    settings.MEDIA_ROOT = str(tmp_path / "media")


# The small directive most readiness, reminder and report tests share (tests/world.py).
# The demo data, seeded once per run into a database of its own (tests/demo_data.py).
from tests.demo_data import demo_db, demo_db_function, demo_media, demo_template  # noqa: E402, F401
from tests.world import world  # noqa: E402, F401


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached dashboard pieces of one test never answer another.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()

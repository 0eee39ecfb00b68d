import json
import subprocess

import pytest

from tests.core import bulk_scenario
from tests.core.test_embedded_stack import BASE_DIR, BIN, local_env  # noqa: F401 (fixture)


@pytest.mark.django_db
def test_upsert_on_postgresql_keeps_a_start_time_while_it_is_set():
    assert bulk_scenario.run() == bulk_scenario.EXPECTED


@pytest.mark.slow
def test_upsert_on_sqlite_does_the_same(local_env):  # noqa: F811 (fixture)
    script = (
        "import json; from tests.core import bulk_scenario; print(json.dumps(bulk_scenario.run()))"
    )
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-c", script],
        cwd=BASE_DIR, env=local_env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    assert json.loads(result.stdout.strip().splitlines()[-1]) == bulk_scenario.EXPECTED

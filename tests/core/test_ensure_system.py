"""scripts/ensure-system, the set-up step `make run` and `make test` share: it installs what
is missing or stops with one message, and starts Redis when it does not answer.

The machine is changed through stubs first on PATH: a `dpkg-query` that reports packages
missing, and an `apt-get` (and `sudo`) that fail as they do for a user without rights."""

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
SCRIPT = BASE_DIR / "scripts" / "ensure-system"

DPKG_QUERY = """#!/bin/sh
# Answers like dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n', as if all but $MISSING
# were installed.
for arg in "$@"; do
  case "$arg" in -*) continue ;; esac
  case " $MISSING " in *" $arg "*) echo "dpkg-query: no packages found matching $arg" >&2 ;;
  *) echo "$arg ii " ;; esac
done
"""
NO_RIGHTS = """#!/bin/sh
echo "E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)" >&2
exit 100
"""


def _stub(directory: Path, name: str, text: str) -> None:
    path = directory / name
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """The environment of a machine where `MISSING` packages are absent and apt-get fails."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    _stub(stubs, "dpkg-query", DPKG_QUERY)
    _stub(stubs, "apt-get", NO_RIGHTS)
    _stub(stubs, "sudo", NO_RIGHTS)
    return {
        **os.environ,
        "PATH": f"{stubs}:{os.environ['PATH']}",
        "MISSING": "",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.CELERY_BROKER_URL,
    }


def _database_url() -> str:
    db = settings.DATABASES["default"]
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(b"PING\r\n")
        return s.recv(64)


def test_a_missing_package_that_cannot_be_installed_stops_make_test_before_any_test(machine):
    machine["MISSING"] = "poppler-utils chromium"
    # pytest --version, harmless to this test run, should the set-up step let pytest start
    # (make echoes the command line before running it).
    result = subprocess.run(
        ["make", "--no-print-directory", "test", "PYTEST_ARGS=--version"],
        cwd=BASE_DIR, env=machine, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "ensure-system: missing Debian packages: poppler-utils chromium" in output
    expected = "apt-get update && apt-get install -y --no-install-recommends poppler-utils chromium"
    assert expected in output
    assert "-m pytest" not in output
    assert "pytest " not in output.replace("-m pytest", "")


def test_make_run_needs_only_weasyprints_packages(machine):
    machine["MISSING"] = "poppler-utils chromium"
    run = subprocess.run([SCRIPT, "run"], env=machine, capture_output=True, text=True, timeout=30)
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")

    machine["MISSING"] = "libharfbuzz-subset0"
    run = subprocess.run([SCRIPT, "run"], env=machine, capture_output=True, text=True, timeout=30)
    assert run.returncode == 1
    assert "missing Debian packages: libharfbuzz-subset0" in run.stdout


def test_redis_is_started_when_it_does_not_answer_and_the_check_then_takes_under_a_second(
    machine,
):
    port = _free_port()
    machine["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    with pytest.raises(ConnectionRefusedError):
        _ping(port)
    try:
        started = subprocess.run(
            [SCRIPT, "test"], env=machine, capture_output=True, text=True, timeout=60
        )
        assert started.returncode == 0, started.stdout + started.stderr
        assert f"starting Redis on 127.0.0.1:{port}" in started.stdout
        assert _ping(port) == b"+PONG\r\n"

        began = time.monotonic()
        again = subprocess.run(
            [SCRIPT, "test"], env=machine, capture_output=True, text=True, timeout=60
        )
        assert time.monotonic() - began < 1
        assert (again.returncode, again.stdout) == (0, "")
    finally:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(b"SHUTDOWN NOSAVE\r\n")
                s.recv(64)
        except OSError:
            pass

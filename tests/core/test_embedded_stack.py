"""The `make run` stack: web, worker and beat on SQLite and the filesystem broker, started the
way the Makefile starts it (honcho with Procfile.local), on a free port."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def local_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CELERY", "REDIS"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=120)
    return env


def _wait_for(url: str, deadline: float) -> bytes:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_import_kev_exits_non_zero_on_a_bad_file(local_env, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"catalogVersion": "x", "vulnerabilities": [')
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", "import_kev", str(bad)],
        cwd=BASE_DIR, env=local_env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "not valid JSON" in result.stderr


def test_web_worker_and_beat_start_serve_and_stop(local_env, tmp_path):
    port = _free_port()
    log = (tmp_path / "stack.log").open("w+")
    env = dict(local_env, WEB_PORT=str(port), WEB_HOST="127.0.0.1")
    stack = subprocess.Popen(
        [str(BIN / "honcho"), "start", "-f", "Procfile.local"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/accounts/sign-in/", time.monotonic() + 60)
        assert b"Sign in" in page
        assert b"UNCLASSIFIED" in page

        ping = subprocess.run(
            [str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c",
             "from apps.core.tasks import ping; print(ping.delay().get(timeout=45))"],
            cwd=BASE_DIR, env=local_env, capture_output=True, text=True, timeout=90,
        )  # fmt: skip
        assert ping.stdout.strip() == "pong", ping.stderr
        log.seek(0)
        output = log.read()
        assert "beat: Starting" in output, output[-3000:]
    finally:
        stack.send_signal(signal.SIGINT)  # what Ctrl-C sends
        try:
            stack.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(stack.pid, signal.SIGKILL)
            raise
        finally:
            log.close()
    with pytest.raises(OSError, match="refused"):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/sign-in/", timeout=2)

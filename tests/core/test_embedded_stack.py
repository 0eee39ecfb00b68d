"""The `make run` stack as a newcomer meets it: `make run` in a terminal (a pseudo-terminal
here), on SQLite and the filesystem broker, on a free port; started twice, each time ended
with Ctrl-C typed into the terminal."""

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.slow

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # runserver colours its lines in a terminal
REQUEST_LOG = re.compile(r'^\[[^]]+\] "(GET|POST|HEAD) \S+ HTTP/1\.1" \d{3} \d+$')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp_path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE", "CELERY", "REDIS", "DJANGO_SETTINGS"))
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        CELERY_DATA_DIR=str(tmp_path / "celery"),
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    return env


@pytest.fixture
def local_env(tmp_path):
    env = dict(_env(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.local")
    manage = [str(BIN / "python"), "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=120)
    return env


def test_import_kev_exits_non_zero_on_a_bad_file(local_env, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"catalogVersion": "x", "vulnerabilities": [')
    result = subprocess.run(
        [str(BIN / "python"), "manage.py", "import_kev", str(bad)],
        cwd=BASE_DIR, env=local_env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "not valid JSON" in result.stderr


class Terminal:
    """A command in a pseudo-terminal of its own, as typed into a shell: Ctrl-C typed here
    reaches its foreground process group, as from a keyboard."""

    def __init__(self, command: list[str], env: dict):
        import pty

        master, slave = pty.openpty()
        self.master = master
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdin=slave, stdout=slave, stderr=slave,
            start_new_session=True, preexec_fn=_take_terminal,
        )  # fmt: skip
        os.close(slave)
        self._chunks: list[bytes] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # EIO: every process holding the terminal has ended
                return
            if not chunk:
                return
            self._chunks.append(chunk)

    @property
    def output(self) -> str:
        text = b"".join(self._chunks).decode(errors="replace").replace("\r\n", "\n")
        return ANSI_COLOUR.sub("", text)

    def ctrl_c(self) -> int:
        os.write(self.master, b"\x03")
        try:
            return self.process.wait(timeout=60)
        finally:
            self._reader.join(timeout=5)
            os.close(self.master)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 9)


def _take_terminal() -> None:
    import fcntl
    import termios

    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _make_run(env: dict, port: int) -> Terminal:
    return Terminal(["make", "--no-print-directory", "run", f"PORT={port}"], env)


def _first_page(terminal: Terminal, url: str, timeout: float) -> float:
    """Seconds until `url` answers 200."""
    started = time.monotonic()
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
                assert b"UNCLASSIFIED" in response.read()
                return time.monotonic() - started
        except OSError:
            if terminal.process.poll() is not None or time.monotonic() - started > timeout:
                raise AssertionError(f"no page at {url}:\n{terminal.output[-3000:]}") from None
            time.sleep(0.2)


def _wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"{what} after {timeout} s")


def _after_banner_start(output: str) -> list[str]:
    """The lines after the URL's."""
    banner = output.rindex("  Cyber Readiness Portal: http://127.0.0.1:")
    return [line for line in output[banner:].splitlines()[1:] if line.strip()]


def _after_banner(output: str) -> list[str]:
    """The lines after the demo logins, the last of which is the admin's."""
    banner = output.rindex("  Cyber Readiness Portal: http://127.0.0.1:")
    logins = output.index("admin       Django admin (operator) at /admin/", banner)
    return [line for line in output[logins:].splitlines()[1:] if line.strip()]


def _ended_cleanly(terminal: Terminal) -> None:
    assert terminal.ctrl_c() == 0, terminal.output[-3000:]
    output = terminal.output
    assert "Stopped web, worker and scheduler." in output
    for noise in ("ERROR", "SIGKILL", "Traceback", "Warning", "WARNING", "Error 130"):
        assert noise not in output, output
    # After the URL and the logins, only the servers' own lines: requests and the stop.
    stop = ("^C", "Stopping web", "worker: Warm shutdown", "Stopped web")
    for line in _after_banner(output):
        assert REQUEST_LOG.match(line) or line.startswith(stop), line


def test_make_run_starts_serves_restarts_without_repeating_work_and_stops_on_ctrl_c(tmp_path):
    env = _env(tmp_path)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/accounts/sign-in/"
    database = tmp_path / "portal.sqlite3"

    first = _make_run(env, port)
    try:
        _first_page(first, url, timeout=240)
        output = first.output
        assert "Database: applied" in output
        assert "Demo data: Directive EO-CYBER-30 issued" in output
        assert "celery@" not in output  # the worker's banner
        # The scheduler runs: beat installs its own clean-up job at start.
        _wait_until(
            lambda: sqlite3.connect(database).execute(
                "SELECT 1 FROM django_celery_beat_periodictask "
                "WHERE name = 'celery.backend_cleanup'"
            ).fetchone(),
            timeout=60, what="beat has not started",
        )  # fmt: skip
    except BaseException:
        first.kill()
        raise
    _ended_cleanly(first)
    logins = _after_banner_start(first.output)
    assert logins[:4] == [
        "  Demo logins (local demo only), password ready-in-30-demo for each:",
        "    ciso        Agency CISO · Cybersecurity and Infrastructure Security Agency"
        "   <- start here",
        "    oversight   Oversight staff",
        "    leadership  Leadership",
    ]
    with pytest.raises(OSError, match="refused"):
        urllib.request.urlopen(url, timeout=2)

    # A report was rendering when the demo stopped.
    interrupted = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c",
         "from apps.agencies.models import Agency; from apps.reports.models import Report;"
         "from apps.reports.services import report_request;"
         "r = report_request(actor=None, scope='agency', enqueue=False,"
         " agency=Agency.objects.get(abbreviation='NASA'));"
         "Report.objects.filter(pk=r.pk).update(status='running', progress=40); print(r.pk)"],
        cwd=BASE_DIR, env=dict(env, DJANGO_SETTINGS_MODULE="config.settings.local"),
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout.strip()  # fmt: skip

    second = _make_run(env, port)
    try:
        _first_page(second, url, timeout=60)
        output = second.output
        assert "Database: up to date." in output
        # Day 12, or 13 should midnight in New York fall between the two starts.
        assert re.search(r"Demo data: already loaded \(EO-CYBER-30, day 1[23] of 30", output)
        assert "applied" not in output
        assert "new rows" not in output
        status = _wait_until(
            lambda: sqlite3.connect(database).execute(
                "SELECT status FROM reports_report WHERE id = ? AND status IN ('done', 'failed')",
                (interrupted,),
            ).fetchone(),
            timeout=90, what="the interrupted report is not done",
        )  # fmt: skip
        assert status == ("done",)
        assert (
            f"Jobs: reports.Report #{interrupted} was interrupted by the last stop; queued again."
        ) in second.output
    except BaseException:
        second.kill()
        raise
    _ended_cleanly(second)

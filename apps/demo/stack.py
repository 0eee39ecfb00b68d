"""The processes of `make run`: the web server and the Celery worker with its embedded
scheduler, started and stopped together by the `run_demo` command.

Ctrl-C must end `make run` with status 0 and no ERROR or SIGKILL lines. Two things stand in
the way of simply sharing the terminal's signal with every process (what honcho did):

- GNU make, on the SIGINT a terminal sends its whole process group, waits for its recipe
  and then kills itself with SIGINT, whatever the recipe's exit status (status 130,
  "make: *** [run] Interrupt"). So while the servers run, this process takes the
  terminal's foreground in a process group of its own: Ctrl-C reaches it alone, and make
  only sees it exit 0.
- A worker whose pool processes get the signal too logs each of their deaths as an
  ERROR. So each server runs in its own process group and hears only from this process,
  which stops the worker the way Celery expects (warm, then cold after a grace period).
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

# An idle worker on the embedded broker takes ~6 s to stop warm (its polling loop); a
# running job gets the rest of this time to finish before the worker is stopped cold. A
# report then being rendered is queued again at the next start (apps.core.jobs).
WARM_SHUTDOWN_SECONDS = 10
STOP_SECONDS = 15
_PR_SET_PDEATHSIG = 1


@dataclass
class Server:
    name: str
    command: list[str]
    stop_signal: signal.Signals
    process: subprocess.Popen | None = None


def demo_servers(*, host: str, port: int) -> list[Server]:
    """Django's development server, and one worker (2 processes) with beat inside it."""
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    return [
        Server(
            "web",
            [*manage, "runserver", "--noreload", "--skip-checks", f"{host}:{port}"],
            # runserver ends on KeyboardInterrupt with status 0.
            signal.SIGINT,
        ),
        Server(
            "worker",
            # --quiet: no banner (it pushed the URL and the logins off the screen);
            # WARNING: the worker speaks when something goes wrong.
            [sys.executable, "-m", "celery", "-A", "config", "--quiet", "worker", "--beat",
             "--loglevel=WARNING", "--concurrency=2", "--without-mingle", "--without-gossip",
             "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
            signal.SIGTERM,  # warm shutdown: running jobs may finish
        ),
    ]  # fmt: skip


def _child_setup() -> None:
    # Stop with this process even if it is killed outright: no server keeps the port.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start(server: Server) -> None:
    env = {**os.environ, "DJANGO_RUNSERVER_HIDE_WARNING": "true", "PYTHONUNBUFFERED": "1"}
    server.process = subprocess.Popen(
        server.command, cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL,
        process_group=0, preexec_fn=_child_setup,
    )  # fmt: skip


def wait_until_listening(web: Server, *, host: str, port: int, timeout: float = 60) -> bool:
    """True once the web server accepts connections; False if it exited first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and web.process.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def wait_for_stop(servers: list[Server]) -> Server | None:
    """Block until Ctrl-C (SIGINT), SIGTERM or SIGHUP, or until a server exits on its own
    (returned). Signals that come later are ignored: stop_all is under way."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.3):
        exited = next((s for s in servers if s.process.poll() is not None), None)
        if exited:
            return exited
    return None


def stop_all(servers: list[Server]) -> None:
    for server in servers:
        if server.process and server.process.poll() is None:
            server.process.send_signal(server.stop_signal)
    for server in servers:
        if server.process is None:
            continue
        if server.name == "worker" and not _wait(server, WARM_SHUTDOWN_SECONDS):
            server.process.send_signal(signal.SIGQUIT)  # cold shutdown: jobs are dropped
        if not _wait(server, STOP_SECONDS):
            print(f"{server.name} did not stop in {STOP_SECONDS} s; killed.", flush=True)
            server.process.kill()
            server.process.wait()


def _wait(server: Server, seconds: float) -> bool:
    try:
        server.process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


@contextlib.contextmanager
def terminal_foreground() -> Iterator[None]:
    """Within: this process leads its own process group, the terminal's foreground one, so
    Ctrl-C reaches it alone (see the module's docstring). Nothing changes without a
    terminal, or when not in the foreground (`make run &`)."""
    try:
        tty = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        yield
        return
    try:
        previous = os.tcgetpgrp(tty)
        if previous != os.getpgrp():
            yield
            return
        os.setpgid(0, 0)
        # A background group that sets the foreground gets SIGTTOU; ignore it meanwhile.
        ttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.tcsetpgrp(tty, os.getpgrp())
        try:
            yield
        finally:
            os.tcsetpgrp(tty, previous)  # back to make, then the shell
            signal.signal(signal.SIGTTOU, ttou)
    finally:
        os.close(tty)

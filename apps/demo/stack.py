"""The servers of `make run`, started and stopped together by the `run_demo` command: the
web server in a thread of that process (the first page then needs no second Python and
Django start-up), and the Celery worker with the scheduler inside it as a child process.

Ctrl-C must end `make run` with status 0 and no ERROR or SIGKILL lines. Two things stand in
the way of simply sharing the terminal's signal with every process (what honcho did):

- GNU make, on the SIGINT a terminal sends its whole process group, waits for its recipe
  and then kills itself with SIGINT, whatever the recipe's exit status (status 130,
  "make: *** [run] Interrupt"). So while the servers run, this process takes the
  terminal's foreground in a process group of its own: Ctrl-C reaches it alone, and make
  only sees it exit 0.
- A worker whose pool processes get the signal too logs each of their deaths as an
  ERROR. So the worker runs in a process group of its own and hears only from this
  process, which stops it the way Celery expects (warm, then cold after a grace period).
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator

from django.conf import settings
from django.core.servers.basehttp import (
    ThreadedWSGIServer,
    WSGIRequestHandler,
    get_internal_wsgi_application,
)
from django.urls import get_resolver

# An idle worker on the embedded broker takes ~6 s to stop warm (its polling loop); a
# running job gets the rest of this time to finish before the worker is stopped cold. A
# report then being rendered is queued again at the next start (apps.core.jobs).
WARM_SHUTDOWN_SECONDS = 10
STOP_SECONDS = 15
_PR_SET_PDEATHSIG = 1


class Web:
    """Django's development server (what `runserver` runs: threaded, requests logged), in a
    thread. Binds at once: a port in use raises OSError here."""

    def __init__(self, *, host: str, port: int):
        self.httpd = ThreadedWSGIServer((host, port), WSGIRequestHandler, ipv6=":" in host)
        self.httpd.set_app(get_internal_wsgi_application())
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="web", daemon=True)

    def start(self) -> None:
        self.thread.start()
        # Views and templates are imported now rather than by the first visitor's request.
        get_resolver().url_patterns  # noqa: B018

    def stop(self) -> None:
        if self.thread.is_alive():
            self.httpd.shutdown()
        self.httpd.server_close()


class Worker:
    """One Celery worker (2 processes) with beat inside it, in a process group of its own."""

    command = [
        sys.executable, "-m", "celery", "-A", "config",
        # No banner (it pushed the URL and the logins off the screen); warnings and errors
        # only.
        "--quiet", "worker", "--beat", "--loglevel=WARNING", "--concurrency=2",
        "--without-mingle", "--without-gossip",
        "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
    ]  # fmt: skip

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.command, cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            process_group=0, preexec_fn=_child_setup,
        )  # fmt: skip

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown: running jobs may end
            if not _wait(self.process, WARM_SHUTDOWN_SECONDS):
                self.process.send_signal(signal.SIGQUIT)  # cold: running jobs are dropped
        if not _wait(self.process, STOP_SECONDS):
            print(f"The worker did not stop in {STOP_SECONDS} s; killed.", flush=True)
            self.process.kill()
            self.process.wait()


def _child_setup() -> None:
    # Stop with this process even if it is killed outright: no server keeps the port.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def wait_for_stop(worker: Worker) -> bool:
    """Block until Ctrl-C (SIGINT), SIGTERM or SIGHUP (True), or until the worker exits on
    its own (False). Signals that come later are ignored: the stop is under way."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.wait(0.3):
        if worker.process.poll() is not None:
            return False
    return True


def _wait(process: subprocess.Popen, seconds: float) -> bool:
    try:
        process.wait(timeout=seconds)
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

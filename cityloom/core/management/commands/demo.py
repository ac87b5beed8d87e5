"""`cityloom demo`: a ready network on SQLite, served at http://127.0.0.1:8000/ by gunicorn, with a
task worker and the feed poller; stopping the demo stops them all."""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cityloom.network.models import City


class Command(BaseCommand):
    help = "Migrate, import the cities, load the demo network, and serve it with a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-serve", action="store_true", help="Prepare the database only.")

    def handle(self, *args, addrport, no_serve, **options):
        call_command("compile_catalogs", verbosity=0)
        call_command("migrate", interactive=False, verbosity=0)
        if City.objects.count() < 30000:
            self.stdout.write("Importing the world's cities from GeoNames (once)…")
            call_command("import_cities")
        # Every app's demo/*.yaml, in the order their data depends on each other.
        call_command("load_demo", stdout=self.stdout)
        if no_serve:
            return
        self.stdout.write(
            f"Serving http://{addrport}/ with gunicorn, a task worker and the feed poller; "
            "Ctrl-C stops all three."
        )
        serve(addrport)


# Serving: three processes as in production, each the leader of its own process group, so that
# stopping the demo (Ctrl-C, SIGTERM, a closed terminal) stops every process they started too
# (gunicorn's workers included), and the kernel stops them should the demo itself be killed.
SERVER_PROCESSES = {
    # A real WSGI server: no development-server warning, no traceback on every 403.
    "gunicorn": [
        "gunicorn",
        "cityloom.wsgi:application",
        "--workers=2",
        "--threads=4",
        "--graceful-timeout=5",
        "--access-logfile=-",
        "--no-control-socket",  # gunicorn 27 would otherwise open one in ~/.gunicorn
    ],
    # The worker runs e-mails and long work outside the request.
    "worker": ["cityloom.cli", "db_worker"],
    # The observatory's feeds are polled on a schedule, as cron would in production.
    "feed poller": ["cityloom.cli", "poll_feeds", "--every", "15"],
}
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 10
PR_SET_PDEATHSIG = 1
try:  # loaded before any fork: the child only makes the call
    _LIBC = ctypes.CDLL(None, use_errno=True)
except OSError:
    _LIBC = None


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop(signum)


def _die_with_parent(parent: int):
    """Runs in the child before exec: receive SIGTERM when the demo process dies, even by kill -9."""
    with contextlib.suppress(AttributeError):  # prctl is Linux's
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the demo died before the request above took effect
        os._exit(1)


def serve(addrport: str) -> None:
    """Start the server, the worker and the poller; stop all of them when any stops or on a signal."""
    parent = os.getpid()
    commands = dict(SERVER_PROCESSES)
    commands["gunicorn"] = [*commands["gunicorn"], f"--bind={addrport}"]
    previous = {signum: signal.signal(signum, _raise_stop) for signum in STOP_SIGNALS}
    processes: dict[str, subprocess.Popen] = {}
    stopped = None
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", *command],
                process_group=0,
                preexec_fn=lambda: _die_with_parent(parent),
            )
        while True:
            for name, process in processes.items():
                if process.poll() is not None:
                    stopped = f"The {name} stopped (exit status {process.returncode})."
                    raise _Stop(None)
            time.sleep(0.5)
    except _Stop:
        pass
    finally:
        for signum in STOP_SIGNALS:  # a second Ctrl-C must not interrupt the clean-up
            signal.signal(signum, signal.SIG_IGN)
        _stop_all(processes.values())
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if stopped:
        raise CommandError(f"{stopped} The demo stopped the others.")


def _stop_all(processes) -> None:
    """SIGTERM to each process group, a grace period, then SIGKILL to whatever is left in them."""
    processes = list(processes)
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        # The group outlives its leader when a grandchild is left: nothing of it may survive.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

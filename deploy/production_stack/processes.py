"""Processes that live and die like containers.

A service runs in new UTS and PID namespaces (``unshare``): it has a host name of its own, as a
container has, so two Celery workers get distinct node names and Airflow records on which one a
task ran; and killing it kills every process inside at once (the task supervisor and the task
itself included, although the supervisor puts the task in a process group of its own), as when a
container or its machine dies. Without root (``unshare`` needs it), :func:`start_process`
refuses a host name rather than pretending.

Every process is also tied to the Python process that started it (``PR_SET_PDEATHSIG``): if
the test or benchmark dies, its stack dies with it instead of running on.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    os.setsid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class NamespaceError(RuntimeError):
    """``unshare`` is missing or not permitted (it needs root)."""


def check_namespaces() -> None:
    """Raise unless this machine lets us give a process its own host name and PID space."""
    try:
        probe = subprocess.run(
            ["unshare", "--uts", "--pid", "--fork", "--mount-proc", "true"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except FileNotFoundError:
        raise NamespaceError("unshare (util-linux) is not installed") from None
    if probe.returncode != 0:
        raise NamespaceError(
            "unshare --uts --pid failed (it needs root, as a container runtime does): "
            + probe.stderr.strip()
        )


@dataclass
class Process:
    """One running service: ``popen`` is ``unshare`` (or the program itself without a
    namespace); ``log`` collects its output."""

    name: str
    popen: subprocess.Popen
    log: Path
    hostname: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # what it was started with
    started: float = field(default_factory=time.monotonic)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def main_pid(self) -> int:
        """The service's own process (inside the namespace: the child of ``unshare``)."""
        if self.hostname is None:
            return self.popen.pid
        import psutil

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            children = psutil.Process(self.popen.pid).children()
            if children:
                return children[0].pid
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: no process inside its namespace")

    def kill(self) -> None:
        """SIGKILL: the whole namespace dies at once (a container killed, a machine lost)."""
        if self.alive():
            self.popen.kill()
        self.popen.wait(timeout=60)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to every process of the service, then SIGKILL after ``timeout``."""
        if not self.alive():
            return
        try:
            if self.hostname is None:
                os.killpg(self.popen.pid, signal.SIGTERM)
            else:
                os.kill(self.main_pid(), signal.SIGTERM)
        except (ProcessLookupError, RuntimeError):
            pass
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def start_process(
    name: str,
    argv: list[str],
    *,
    env: dict[str, str],
    log: Path,
    hostname: str | None = None,
    cwd: Path | None = None,
) -> Process:
    """Start ``argv``; with ``hostname``, inside namespaces of its own named so."""
    if hostname is not None:
        argv = [
            "unshare", "--uts", "--pid", "--fork", "--mount-proc", "--kill-child", "--",
            "sh", "-c", 'hostname "$0" && exec "$@"', hostname, *argv,
        ]  # fmt: skip
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            argv,
            env=env,
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 (single-threaded start)
        )
    return Process(name=name, popen=popen, log=log, hostname=hostname, env=dict(env))

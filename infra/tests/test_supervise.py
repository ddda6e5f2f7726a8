"""The local runner keeps processes running and stops cleanly on any pattern of signals."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

from localinfra.supervise import Supervisor


@dataclass
class FakeProcess:
    name: str
    starts: int = 0
    running: bool = True

    def start(self) -> None:
        self.starts += 1
        self.running = True

    def exited(self) -> bool:
        return not self.running

    def log_tail(self, lines: int = 40) -> str:
        return "boom"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def supervisor_of(*processes: FakeProcess) -> tuple[Supervisor, Clock, list[str]]:
    clock, reports = Clock(), []
    supervisor = Supervisor(list(processes), clock=clock, report=reports.append)
    supervisor.tick()
    return supervisor, clock, reports


def at(supervisor: Supervisor, clock: Clock, now: float) -> None:
    clock.now = now
    supervisor.tick()


def test_a_crashed_process_is_restarted_after_a_backoff_while_the_others_run() -> None:
    crashing, steady = FakeProcess("grants"), FakeProcess("education")
    supervisor, clock, reports = supervisor_of(crashing, steady)
    crashing.running = False
    at(supervisor, clock, 10.0)
    assert "grants exited; restarting in 1 s" in reports[0] and "boom" in reports[0]
    at(supervisor, clock, 10.5)
    assert crashing.starts == 0
    at(supervisor, clock, 11.0)
    assert crashing.starts == 1 and crashing.running
    assert steady.starts == 0


def test_the_backoff_doubles_while_it_keeps_crashing_and_resets_once_stable() -> None:
    process = FakeProcess("grants")
    supervisor, clock, _ = supervisor_of(process)
    restarted_at = []
    for now in (1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0):  # crashes at once each time
        process.running = False
        at(supervisor, clock, now)  # sees the crash
        while process.starts == len(restarted_at):
            at(supervisor, clock, clock.now + 0.5)
        restarted_at.append(clock.now - now)
    assert restarted_at[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(restarted_at) == 30.0
    process.running = False
    at(supervisor, clock, clock.now + 120)  # it ran two minutes this time
    at(supervisor, clock, clock.now + 1.0)
    assert process.starts == len(restarted_at) + 1


RUNNER = """
import sys
from pathlib import Path
from localinfra.platform import Process
from localinfra.supervise import StopSignals, Supervisor, supervise_until_stopped

child = Process("sleeper", [sys.executable, "-c", "import time; time.sleep(600)"], 0, {{}},
                Path({log!r}))
child.start()
stop = StopSignals()
stop.install()
print(child.popen.pid, flush=True)
supervise_until_stopped(Supervisor([child]), stop, interval=0.001)
child.stop()
print("stopped", flush=True)
"""


def test_the_runner_stops_cleanly_under_a_storm_of_sigint_and_sigterm(tmp_path: Path) -> None:
    script = textwrap.dedent(RUNNER.format(log=str(tmp_path / "sleeper.log")))
    runner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert runner.stdout is not None
    child_pid = int(runner.stdout.readline())
    for n in range(2000):
        if runner.poll() is not None:
            break
        runner.send_signal(signal.SIGINT if n % 2 else signal.SIGTERM)
    try:
        out, _ = runner.communicate(timeout=60)
    finally:
        runner.kill()
    # A signal of the storm may still land during interpreter shutdown, after the cleanup.
    assert runner.returncode in (0, -signal.SIGINT, -signal.SIGTERM)
    assert out.strip().endswith("stopped")
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().split()[2] == "Z":  # a zombie has exited
                    return False
        except FileNotFoundError:
            return False
        time.sleep(0.1)
    return True

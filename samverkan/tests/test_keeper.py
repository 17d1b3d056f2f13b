"""`make run`'s worker and beat are started again when they die, and take nothing else down
(samverkan.keeper under honcho)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def starts(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def dying(path: Path) -> str:
    """A command that notes its start in `path` and dies at once."""
    return f"{sys.executable} -c \"open('{path}', 'a').write('start\\n'); raise SystemExit(3)\""


def test_a_process_that_dies_is_started_again_and_a_stop_ends_it(tmp_path):
    log = tmp_path / "starts"
    keeper = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "samverkan.keeper",
            "worker",
            "--first-delay",
            "0.05",
            "--",
            "sh",
            "-c",
            dying(log),
        ],
        cwd=ROOT,
    )
    try:
        assert wait_for(lambda: starts(log) >= 3)  # died and came back twice
        keeper.send_signal(signal.SIGTERM)
        assert keeper.wait(10) is not None
        count = starts(log)
        time.sleep(0.5)
        assert starts(log) == count  # not started again after the stop
    finally:
        keeper.kill()


def test_under_honcho_a_dying_worker_leaves_the_web_process_running(tmp_path):
    log, beats = tmp_path / "starts", tmp_path / "web"
    web = (
        f'{sys.executable} -c "import time; '
        f"[open('{beats}', 'a').write('.') or time.sleep(0.1) for _ in iter(int, 1)]\""
    )
    procfile = tmp_path / "Procfile"
    procfile.write_text(
        f"web: {web}\n"
        f"worker: {sys.executable} -m samverkan.keeper worker --first-delay 0.05 -- "
        f"{sys.executable} -c \"open('{log}', 'a').write('start\\n'); raise SystemExit(3)\"\n"
    )
    honcho = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "honcho"),
            "start",
            "-f",
            str(procfile),
            "-d",
            str(ROOT),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        assert wait_for(lambda: starts(log) >= 3)
        size = beats.stat().st_size
        assert wait_for(lambda: beats.stat().st_size > size + 3)  # web still going
        assert honcho.poll() is None
    finally:
        honcho.send_signal(signal.SIGTERM)
        honcho.wait(15)

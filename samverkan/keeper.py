"""Keep one process of `make run` going: start it again when it dies (Procfile: the worker and
beat). honcho stops every process when one ends, so a worker killed or crashed would otherwise
take the web server down with it; under the keeper the worker comes back and nothing else stops.

A stop asked for (SIGTERM from honcho at Ctrl-C, or SIGINT) is passed on to the process and ends
the keeper with it; any other end of the process starts it again, after a pause that doubles
while it keeps dying at once (up to MAX_DELAY seconds) and starts over once it ran a minute.

    python -m samverkan.keeper worker -- celery -A samverkan worker
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time

MAX_DELAY = 30.0
STEADY_SECONDS = 60.0


def say(name: str, message: str) -> None:
    print(f"[samverkan] {name}: {message}", flush=True)


def keep(name: str, command: list[str], *, first_delay: float = 1.0) -> int:
    stopping = False
    child: subprocess.Popen | None = None

    def stop(signum, _frame):
        nonlocal stopping
        stopping = True
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    delay = first_delay
    while True:
        started = time.monotonic()
        try:
            child = subprocess.Popen(command)  # noqa: S603 - the Procfile's own command
            code = child.wait()
        except OSError as error:  # not there (yet): said, and tried again like a death
            say(name, f"kunde inte startas: {error}")
            child, code = None, 127
        if stopping:
            return code
        if time.monotonic() - started >= STEADY_SECONDS:
            delay = first_delay
        say(name, f"avslutades med kod {code}; startas om om {delay:g} s")
        deadline = time.monotonic() + delay
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, delay))
        if stopping:
            return code
        delay = min(delay * 2, MAX_DELAY)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("användning: python -m samverkan.keeper NAMN [--first-delay S] -- KOMMANDO …")
        return 2
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="keeper", description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("--first-delay", type=float, default=1.0)
    args = parser.parse_args(argv[:split])
    return keep(args.name, argv[split + 1 :], first_delay=args.first_delay)


if __name__ == "__main__":
    sys.exit(main())

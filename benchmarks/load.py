"""The load tool, run as a process of its own: `concurrency` users ask for one page over and
over for `seconds`, each through its own keep-alive connection, and the latencies come back as
JSON (p50, p95, requests per second, errors). Loopback only."""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time


def run(host: str, port: int, path: str, cookie: str, concurrency: int, requests: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def user():
        connection = http.client.HTTPConnection(host, port, timeout=60)
        for _ in range(requests):
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Cookie": cookie, "Host": host})
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError as exc:
                ok = False
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                response = exc
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors.append(str(getattr(response, "status", response)))
        connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=user) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    latencies.sort()
    return {
        "p50": statistics.median(latencies) if latencies else None,
        "p95": latencies[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "count": len(latencies),
        "per_second": len(latencies) / wall if wall else None,
        "errors": errors[:5],
        "error_count": len(errors),
    }


if __name__ == "__main__":
    host, port, path, cookie, concurrency, requests = sys.argv[1:7]
    print(json.dumps(run(host, int(port), path, cookie, int(concurrency), int(requests))))

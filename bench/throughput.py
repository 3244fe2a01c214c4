"""Requests per second at N concurrent clients: the list API against a minimal Flask view over the same SQL.

Both are served by gunicorn with the same workers and asked for the same bbox (about 1,000 features);
the two servers run one after the other, alternating rounds, so drift hits both alike. Each client is a
thread with its own connection; a round lasts `seconds`.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable


def rate(base_url: str, path: str, clients: int, seconds: float) -> float:
    """Completed 200 answers per second over `seconds` with `clients` threads asking without pause."""
    netloc = urllib.parse.urlsplit(base_url).netloc
    done = [0] * clients
    errors: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(netloc, timeout=120)
        while time.perf_counter() < deadline:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} for {path}")
                return
            done[index] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise AssertionError(errors[0])
    return sum(done) / (time.perf_counter() - started)


def compare(api: Callable[[], float], minimal: Callable[[], float], rounds: int) -> dict:
    """Alternate rounds of both; medians of the rates."""
    api_rates, minimal_rates = [], []
    for _ in range(rounds):
        api_rates.append(api())
        minimal_rates.append(minimal())
    api_rate, minimal_rate = statistics.median(api_rates), statistics.median(minimal_rates)
    return {
        "api_rps": api_rate,
        "minimal_rps": minimal_rate,
        "ratio": api_rate / minimal_rate,
        "api_rounds": api_rates,
        "minimal_rounds": minimal_rates,
    }

"""Small measuring tools the bench's parts share: samples and their statistics, process
memory, and the bench's settings from the environment."""

import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value else default


@dataclass
class Samples:
    """Durations in milliseconds."""

    values: list[float] = field(default_factory=list)

    def add(self, ms: float) -> None:
        self.values.append(ms)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        return percentile(self.values, 95)


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile: a value that was actually measured, never below the
    share p of the samples."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds that `fn()` took."""
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def interleaved(subjects: dict[str, Callable[[], object]], rounds: int, warmup: int) -> dict:
    """Time each subject `rounds` times, going round them in turn, so that a burst of load
    from elsewhere on the machine falls on every subject alike instead of on whichever was
    being measured at the time. Returns {name: Samples}."""
    for _ in range(warmup):
        for fn in subjects.values():
            fn()
    samples = {name: Samples() for name in subjects}
    for _ in range(rounds):
        for name, fn in subjects.items():
            samples[name].add(timed(fn))
    return samples


def rss_kib(pid: int | str = "self") -> int:
    """Resident set size of a process, from /proc (Linux)."""
    return _status_kib(pid, "VmRSS")


def peak_rss_kib(pid: int | str = "self") -> int:
    """The largest resident set the process has had since it started its program, from
    /proc (Linux). Not getrusage's ru_maxrss: Linux carries that across exec, so a process
    started by a large one reports its parent's size."""
    return _status_kib(pid, "VmHWM")


def _status_kib(pid: int | str, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} for process {pid}")

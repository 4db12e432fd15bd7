"""The peak memory of a benchmark's child process, measured for that child alone.

RUSAGE_CHILDREN's ru_maxrss would count the parent too (Linux carries ru_maxrss across fork and
exec), so benchmarks sample the child's own VmHWM from /proc while it runs."""

from __future__ import annotations


def high_water_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0

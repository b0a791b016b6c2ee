"""The load generator of ``make bench``: wrk (C, a few per cent of one core)
with ``bench/wrk.lua``, so that the yardstick is the server and not the load
generator (docs/performance.md).

``measure`` runs wrk once against one page: each line of ``requests`` is one
person's own request (path and headers: their session cookie or API token),
and wrk's connections take them in turn.
"""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
MISSING = (
    "make bench needs wrk, the HTTP load generator: "
    "apt-get install wrk (Debian/Ubuntu), brew install wrk (macOS)"
)


@dataclass(frozen=True)
class Request:
    """One person's request: a path and the headers that sign them in."""

    path: str
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        for text in (self.path, *(f"{k}: {v}" for k, v in self.headers)):
            if "\t" in text or "\n" in text:
                raise ValueError(f"a tab or newline cannot go to wrk: {text!r}")
        return "\t".join([self.path, *(f"{k}: {v}" for k, v in self.headers)])


def executable() -> str:
    """Returns wrk's path, or stops with what to install."""
    found = shutil.which("wrk")
    if not found:
        raise SystemExit(MISSING)
    return found


def measure(
    base_url: str,
    requests: list[Request],
    *,
    connections: int,
    seconds: int,
    work_dir: Path,
    name: str,
    threads: int = 2,
) -> dict:
    """Drives ``requests`` at ``base_url`` with ``connections`` connections for
    ``seconds`` seconds and returns requests/s, latency percentiles (ms),
    errors and the count of answers other than 200."""
    if not requests:
        raise ValueError("nothing to ask for")
    work_dir.mkdir(parents=True, exist_ok=True)
    lines = work_dir / f"{name}.requests"
    lines.write_text("".join(f"{r.line()}\n" for r in requests))
    out = work_dir / f"{name}.json"
    out.unlink(missing_ok=True)
    command = [
        executable(),
        "--threads",
        str(max(1, min(threads, connections))),
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "10s",
        "--script",
        str(SCRIPT),
        base_url,
    ]
    env = {**os.environ, "BENCH_WRK_REQUESTS": str(lines), "BENCH_WRK_OUT": str(out)}
    with (work_dir / f"{name}.log").open("w") as log:
        subprocess.run(command, env=env, check=True, stdout=log, stderr=log)
    raw = json.loads(out.read_text())
    seconds_run = raw["duration_us"] / 1e6
    latency = raw["latency_us"]
    errors = raw["errors"]
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1) if seconds_run else 0.0,
        "p50": round(latency["p50"] / 1000, 2),
        "p90": round(latency["p90"] / 1000, 2),
        "p99": round(latency["p99"] / 1000, 2),
        "max": round(latency["max"] / 1000, 2),
        "not_ok": raw["not_ok"],
        "errors": sum(errors[k] for k in ("connect", "read", "write", "timeout")),
        "bytes_per_request": round(raw["bytes"] / raw["requests"])
        if raw["requests"]
        else 0,
    }

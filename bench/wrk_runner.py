"""Running wrk with the scripts in bench/lua and reading its output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


class BenchError(RuntimeError):
    """The benchmark cannot produce a trustworthy number."""


@dataclass(frozen=True, slots=True)
class WrkSettings:
    duration_s: int
    connections: int

    def flags(self) -> list[str]:
        return ["--latency", "-t1", f"-c{self.connections}", f"-d{self.duration_s}s"]


@dataclass(frozen=True, slots=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    non_200: int
    completed: int  # what the script counts as done: 200 responses, or exchanges for the pair
    duration_s: float
    socket_errors: str | None
    first_error: str | None

    @property
    def completed_per_s(self) -> float:
        return self.completed / self.duration_s


def ensure_wrk() -> str:
    """The path of wrk, installing the Debian package when it is missing."""
    if (path := shutil.which("wrk")) is not None:
        return path
    print("wrk not found; installing it with apt-get", file=sys.stderr)
    install = ["apt-get", "install", "-y", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], check=True)
        subprocess.run(install, check=True)
    if (path := shutil.which("wrk")) is None:
        raise BenchError("wrk is still not on PATH after apt-get install wrk")
    return path


def wrk_version(wrk: str) -> str:
    output = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False).stdout
    return output.splitlines()[0].split(" Copyright")[0] if output else "wrk (unknown version)"


_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def to_ms(text: str) -> float:
    """wrk's time format (812.00us, 3.21ms, 1.02s, 1.50m) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if match is None:
        raise BenchError(f"unrecognised wrk time {text!r}")
    return float(match.group(1)) * _TIME_UNITS_MS[match.group(2)]


def _search(pattern: str, output: str) -> re.Match[str]:
    match = re.search(pattern, output, re.MULTILINE)
    if match is None:
        raise BenchError(f"wrk output lacks {pattern!r}:\n{output}")
    return match


def _optional(pattern: str, output: str) -> str | None:
    match = re.search(pattern, output, re.MULTILINE)
    return match.group(1) if match else None


def parse_wrk_output(output: str) -> WrkResult:
    """Requests/sec, the 50% and 99% latencies, and the line the scripts' done() prints."""
    counters = _search(r"^gingham-bench: non_200=(\d+) completed=(\d+) duration_us=(\d+)$", output)
    return WrkResult(
        requests_per_s=float(_search(r"^Requests/sec:\s+([\d.]+)", output).group(1)),
        p50_ms=to_ms(_search(r"^\s+50%\s+(\S+)", output).group(1)),
        p99_ms=to_ms(_search(r"^\s+99%\s+(\S+)", output).group(1)),
        non_200=int(counters.group(1)),
        completed=int(counters.group(2)),
        duration_s=int(counters.group(3)) / 1e6,
        socket_errors=_optional(r"^\s*Socket errors: (.+)$", output),
        first_error=_optional(r"^gingham-bench: first_error=(.*)$", output),
    )


def check_wrk_result(label: str, result: WrkResult) -> None:
    """Refuse numbers measured on error responses, failed sockets or no work at all."""
    problems = []
    if result.non_200:
        problems.append(f"{result.non_200} non-200 responses (first: {result.first_error})")
    if result.socket_errors:
        problems.append(f"socket errors: {result.socket_errors}")
    if result.completed == 0:
        problems.append("no request completed")
    if problems:
        raise BenchError(f"{label}: " + "; ".join(problems))


def run_wrk(
    wrk: str, script: str, base_url: str, script_args: list[str], settings: WrkSettings
) -> WrkResult:
    """One wrk run of bench/lua/<script> against base_url; raises BenchError on any failure."""
    command = [wrk, *settings.flags(), "-s", str(LUA_DIR / script), base_url, "--", *script_args]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "LUA_PATH": f"{LUA_DIR}/?.lua;;"},
        timeout=settings.duration_s + 60,
        check=False,
    )
    if completed.returncode != 0:
        raise BenchError(f"wrk {script} exited {completed.returncode}:\n{completed.stderr}")
    result = parse_wrk_output(completed.stdout)
    check_wrk_result(script, result)
    return result

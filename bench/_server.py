"""Helpers for the HTTP bench scripts: a server's workers and their CPU time, and wrk.

The server itself is started by recommender.testing (serving, started), as in the tests.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def worker_pids(master: int) -> list[int]:
    """The pids of a server master's workers: its children, from /proc (Linux)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # Field 4 is the parent pid; the command name before it may hold spaces.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def cpu_seconds_of(pid: int) -> float:
    """CPU time (user + system) that process `pid` has used so far, from /proc (Linux)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk_path() -> str:
    """wrk's path, installing Debian's package first if it is missing and we may."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing: installing Debian's package (apt-get install -y wrk)", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-qq", "wrk"]
        if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
            subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit(
        "This benchmark drives the server with wrk, which is not installed. Install it "
        "(Debian/Ubuntu: sudo apt-get install wrk; macOS: brew install wrk) and run it again."
    )


# wrk's Lua: requests built once in init() (building one per request costs wrk time), and
# one parseable line of results from done().
_LUA = """
local bodies = {%(bodies)s}
local requests, sent = {}, 0
function init(args)
  for i, body in ipairs(bodies) do
    requests[i] = wrk.format(%(method)s, nil, {["Content-Type"] = "application/json"}, body)
  end
  if #requests == 0 then requests[1] = wrk.format("GET") end
end
function request()
  sent = sent %% #requests + 1
  return requests[sent]
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
"""


def run_wrk(
    url: str,
    bodies: list[str] | None = None,
    *,
    seconds: float = 10,
    connections: int = 16,
    threads: int = 2,
) -> dict[str, float]:
    """Load `url` with wrk (POST `bodies` in turn, else GET); requests/s, p50/p99 ms, errors."""
    for body in bodies or []:
        if "]==]" in body:
            raise ValueError("a body may not contain ]==] (it ends the Lua string)")
    lua = _LUA % {
        "bodies": ", ".join(f"[==[{body}]==]" for body in bodies or []),
        "method": '"POST"' if bodies else '"GET"',
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-") as script:
        script.write(lua)
        script.flush()
        command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s"]
        command += ["--timeout", "10s", "-s", script.name, url]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no results:\n{out}")
    requests, duration_us, socket_errors, status_errors, p50_us, p99_us = map(int, line.split()[1:])
    return {
        "requests": requests,
        "seconds": duration_us / 1e6,
        "rps": requests / (duration_us / 1e6),
        "p50_ms": p50_us / 1000,
        "p99_ms": p99_us / 1000,
        "errors": socket_errors + status_errors,
    }

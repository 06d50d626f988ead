"""wrk runs with bench/wrk_readers.lua (every request a different reader) and parsing
their output; the same readers for the requests bench/run.py sends itself."""

import http.client
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
LUA = BASE_DIR / "bench" / "wrk_readers.lua"
THREADS = 2


# Readers. The same functions as in wrk_readers.lua, for the requests sent from here.
ANDROID = ["SM-A546E", "Redmi Note 12", "CPH2591", "V2207", "SM-A155F", "RMX3710",
           "23021RAA2Y", "SM-S918B", "Infinix X6833B", "2201117TG"]  # fmt: skip
PICK = [1, 1, 1, 1, 2, 1, 3, 4, 5, 6]


def user_agent(n):
    """Request n's user agent: its version numbers are a one-to-one function of n."""
    major, build, patch = 116 + n % 9, 5845 + n // 9 % 1000, n // 9000
    chrome = f"{major}.0.{build}.{patch}"
    device = ANDROID[n // 10 % len(ANDROID)]
    webkit = "AppleWebKit/537.36 (KHTML, like Gecko)"
    return {
        1: f"Mozilla/5.0 (Linux; Android {11 + n % 4}; {device}) {webkit} "
        f"Chrome/{chrome} Mobile Safari/537.36",
        2: f"Mozilla/5.0 (Linux; Android {12 + n % 3}; {device}) {webkit} "
        f"SamsungBrowser/{20 + n % 6}.0 Chrome/{chrome} Mobile Safari/537.36",
        3: f"Mozilla/5.0 (iPhone; CPU iPhone OS {16 + n % 2}_{n % 8} like Mac OS X) "
        f"AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/{chrome} Mobile/15E148 Safari/604.1",
        4: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {webkit} Chrome/{chrome} Safari/537.36",
        5: f"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) {webkit} "
        f"Chrome/{chrome} Safari/537.36",
        6: f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) {webkit} Chrome/{chrome} "
        f"Safari/537.36 Edg/{major}.0.{build - 3000}.{patch}",
    }[PICK[n % 10]]


def address(n):
    """Request n's address, in 100.64.0.0/10."""
    return f"100.{64 + n // 65536 % 64}.{n // 256 % 256}.{n % 256}"


class Load:
    """wrk runs that never reuse a reader: request numbers (address and user agent) and
    session cookies go on from one run to the next."""

    def __init__(self, connections):
        self.connections = connections
        self.next_reader = 0
        self.next_cookie = 0

    def reader(self):
        """(address, user agent) of one more reader, for a request sent from here."""
        n = self.next_reader
        self.next_reader += 1
        return address(n), user_agent(n)

    def run(self, url, seconds, cookies=None):
        env = {
            **os.environ,
            "BENCH_OFFSET": str(self.next_reader),
            "BENCH_THREADS": str(THREADS),
            "BENCH_COOKIES": str(cookies or ""),
            "BENCH_COOKIE_OFFSET": str(self.next_cookie),
        }
        command = ["wrk", f"-t{THREADS}", f"-c{self.connections}", f"-d{seconds}s", "-s", str(LUA)]
        out = subprocess.run(
            [*command, url], env=env, capture_output=True, text=True, check=True
        ).stdout
        line = re.search(r"^bench-result (.*)$", out, re.M)
        if not line:
            sys.exit(f"wrk printed no result:\n{out}")
        r = {key: int(value) for key, value in re.findall(r"(\w+)=(\d+)", line.group(1))}
        self.next_reader += r["sent"] + THREADS
        if cookies:
            self.next_cookie += r["sent"] + THREADS
        return {
            "requests": r["requests"],
            "seconds": r["duration_us"] / 1e6,
            "rps": r["requests"] / (r["duration_us"] / 1e6),
            "p50": r["p50_us"] / 1000,
            "p99": r["p99_us"] / 1000,
            # connect/read/write/timeout: socket errors; status: answers 400 and up
            "errors": sum(r[k] for k in ("connect", "read", "write", "status", "timeout")),
        }


def fetch(base, path, *, reader, cookie=None):
    """(status, body) of one GET, redirects not followed (a redirect is a wrong answer)."""
    ip, ua = reader
    headers = {"User-Agent": ua, "X-Forwarded-For": ip}
    if cookie:
        headers["Cookie"] = cookie
    connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()

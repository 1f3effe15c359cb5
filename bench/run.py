"""`make bench`: import, next+submit latency and export at 100,000 tasks; one JSON line.

Runs the real server (gunicorn, one worker process) on a fresh database: SQLite in a
temporary folder by default, or DATABASE_URL when set (that database is reset!).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TASKS = int(os.environ.get("BENCH_TASKS", "100000"))
LATENCY_SAMPLES = int(os.environ.get("BENCH_SAMPLES", "300"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Authorization", f"Token {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def json(self, method: str, path: str, body=None):
        status, raw = self.call(method, path, body)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {raw[:300]!r}")
        return json.loads(raw) if raw else None


def flask(env: dict, *args: str) -> str:
    out = subprocess.run([str(BIN / "flask"), *args], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return out.stdout


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident memory so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_ready(base: str, proc: subprocess.Popen) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise RuntimeError("server exited early")
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="quorum-bench-"))
    env = dict(os.environ, FLASK_APP="wsgi.py", QUORUM_SCHEDULER="0")
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}")
    if env["DATABASE_URL"].startswith("postgresql"):
        flask(env, "db", "downgrade", "base")
    flask(env, "db", "upgrade")
    manager_token = flask(env, "users", "create", "--email", "bench-manager@example.org",
                          "--password", "bench-password", "--role", "manager").strip().splitlines()[-1]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}",
         "--timeout", "600", "wsgi:app"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(base, server)
        worker = int(subprocess.check_output(["pgrep", "-P", str(server.pid)]).split()[0])
        figures = run(Api(base, manager_token), worker)
        figures["database"] = env["DATABASE_URL"].split(":")[0]
        print(json.dumps(figures))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)


def run(manager: Api, worker_pid: int) -> dict:
    """Managers may label too, so one user drives the whole run."""
    project = manager.json("POST", "/api/projects", {"title": "Bench", "template": "text_classification"})
    pid = project["id"]
    tasks = [{"data": {"text": f"Bench task number {i}: the service was fine, the food was late."}}
             for i in range(TASKS)]
    start = time.perf_counter()
    manager.json("POST", f"/api/projects/{pid}/import", tasks)
    import_seconds = time.perf_counter() - start

    result = [{"from_name": "sentiment", "to_name": "text", "type": "choices",
               "value": {"choices": ["Positive"]}}]
    latencies = []
    for _ in range(LATENCY_SAMPLES):
        t0 = time.perf_counter()
        task = manager.json("GET", f"/api/projects/{pid}/next")
        manager.json("POST", f"/api/tasks/{task['id']}/annotations", {"result": result, "lead_time": 1.0})
        latencies.append((time.perf_counter() - t0) * 1000)

    rss_before = peak_rss_mb(worker_pid)
    t0 = time.perf_counter()
    status, body = manager.call("GET", f"/api/projects/{pid}/export?exportType=JSON&download_all_tasks=true")
    export_seconds = time.perf_counter() - t0
    exported = len(json.loads(body)) if status == 200 else 0
    return {
        "tasks": TASKS,
        "import_seconds": round(import_seconds, 2),
        "import_tasks_per_second": round(TASKS / import_seconds),
        "next_submit_ms_p50": round(percentile(latencies, 50), 2),
        "next_submit_ms_p95": round(percentile(latencies, 95), 2),
        "next_submit_ms_p99": round(percentile(latencies, 99), 2),
        "export_json_seconds": round(export_seconds, 2),
        "export_json_tasks": exported,
        "export_json_mb": round(len(body) / 1e6, 1),
        "server_peak_rss_mb_before_export": round(rss_before, 1),
        "server_peak_rss_mb_after_export": round(peak_rss_mb(worker_pid), 1),
    }


if __name__ == "__main__":
    main()

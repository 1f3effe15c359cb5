"""Concurrent annotator clients over the HTTP API, for the multi-process test and bench.

Each client loops GET /next then POST an annotation until the server says no more tasks.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from webapp.instance_keys import fresh_keys

ROOT = Path(__file__).resolve().parent.parent


def _call(base: str, token: str, method: str, path: str, body=None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Token {token}")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@dataclass(frozen=True)
class ClientRun:
    submitted: int
    seconds: float
    errors: tuple[str, ...]

    @property
    def per_second(self) -> float:
        return self.submitted / self.seconds if self.seconds else 0.0


def _annotate_until_done(base: str, token: str, project_id: int, result: list) -> tuple[int, list[str]]:
    submitted, errors = 0, []
    while True:
        status, task = _call(base, token, "GET", f"/api/projects/{project_id}/next")
        if status == 404:
            return submitted, errors
        if status != 200:
            errors.append(f"next: {status} {task}")
            return submitted, errors
        status, body = _call(base, token, "POST", f"/api/tasks/{task['id']}/annotations",
                             {"result": result, "lead_time": 1.0})
        if status != 201:
            errors.append(f"submit task {task['id']}: {status} {body}")
            return submitted, errors
        submitted += 1


def run_clients(base: str, project_id: int, tokens: list[str], result: list) -> ClientRun:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        outcomes = list(pool.map(lambda t: _annotate_until_done(base, t, project_id, result), tokens))
    return ClientRun(
        submitted=sum(n for n, _ in outcomes),
        seconds=time.perf_counter() - started,
        errors=tuple(e for _, errs in outcomes for e in errs),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 4):
    """The real app under gunicorn with several worker processes; yields its base URL.
    Its log goes to a file: a pipe nobody reads would fill and block the workers."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url, QUORUM_SCHEDULER="0", **fresh_keys())
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            # --preload: the app is built once and forked, not once per worker (4x less start-up).
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "120", "--preload", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_serving(base, proc, log)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _wait_until_serving(base: str, proc: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn exited: {log.read().decode()[-2000:]}")
        try:
            urllib.request.urlopen(base + "/login", timeout=1)
            return
        except OSError:
            time.sleep(0.05)  # polling for readiness, not timing anything
    raise RuntimeError("gunicorn did not start within 60 s")

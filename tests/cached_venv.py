"""A virtualenv of pinned packages for a test that runs a real third-party client or server
(their pins clash with ours), installed once per machine under ~/.cache/quorum."""
from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import pytest


def cached_venv(venv: Path, packages: list[str]) -> Path:
    """`venv` with `packages` installed, made once (a file lock keeps concurrent runs apart)."""
    venv.parent.mkdir(parents=True, exist_ok=True)
    marker = venv / ".quorum-installed"
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if marker.exists() and marker.read_text() == " ".join(packages):
            return venv
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *packages],
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            pytest.fail(f"pip install {' '.join(packages)} failed:\n{done.stderr[-3000:]}")
        marker.write_text(" ".join(packages))
    return venv

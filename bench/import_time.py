"""`make bench` (issue 14 point 4): how long `import wsgi` takes, the cost every gunicorn
worker and every `flask` command pays before doing anything.

Runs `python -c "import wsgi"` RUNS times in fresh interpreters (default 5, environment
BENCH_IMPORT_RUNS) and prints one JSON line: the median and best wall time in seconds, and
which heavy ML libraries the import loaded (it must load none).
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("spacy", "sklearn", "numpy", "scipy", "pycrfsuite")
PROBE = f"import sys, wsgi; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"


def one_run() -> tuple[float, str]:
    env = {**os.environ, "QUORUM_SCHEDULER": "0"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - started, done.stdout.strip()


def main() -> None:
    runs = [one_run() for _ in range(int(os.environ.get("BENCH_IMPORT_RUNS", "5")))]
    seconds = [s for s, _ in runs]
    print(json.dumps({
        "bench": "import_wsgi", "runs": len(runs), "median_s": round(statistics.median(seconds), 3),
        "best_s": round(min(seconds), 3), "heavy_modules_loaded": runs[-1][1].split(",") if runs[-1][1] else [],
    }))


if __name__ == "__main__":
    main()

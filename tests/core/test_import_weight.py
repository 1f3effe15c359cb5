"""Issue 14 point 4: importing the web app loads no heavy ML library.

Every gunicorn worker and every `flask` command imports wsgi; spaCy and scikit-learn (and
numpy, scipy, pycrfsuite under them) were most of that time, and only a training or
prediction job needs them.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("spacy", "sklearn", "numpy", "scipy", "pycrfsuite")


def test_issue14_point4_import_wsgi_loads_no_heavy_ml_library():
    env = {
        **os.environ, "QUORUM_SCHEDULER": "0", "DATABASE_URL": "sqlite://",
        "SECRET_KEY": "k" * 48, "QUORUM_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    }
    probe = f"import sys, wsgi; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_issue14_point4_a_builtin_estimator_still_loads_its_library():
    """The libraries load where a model is built, so training keeps working."""
    from webapp.labeling import ControlType
    from webapp.ml.builtin.train import _new_estimator

    control = type("Control", (), {"type": ControlType.CHOICES, "multiple": False})()
    assert type(_new_estimator(control)).__name__ == "TextClassifier"
    assert "sklearn" in sys.modules

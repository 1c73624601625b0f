"""The shipped check-worthiness model: metadata, load time, and reproducibility."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.analysis import DEFAULT_THRESHOLD, MODEL_CREDIT
from app.core.analysis.model import CheckworthinessModel, model_path

REPO = Path(__file__).resolve().parents[3]
MODEL_DIR = REPO / "resources" / "model"
DATA_DIR = REPO.parent / "shared" / "data" / "checkworthiness"
METADATA = json.loads((MODEL_DIR / "checkworthiness.json").read_text(encoding="utf-8"))


def test_metadata_matches_the_shipped_file() -> None:
    blob = model_path().read_bytes()
    assert hashlib.sha256(blob).hexdigest() == METADATA["model_sha256"]
    assert len(blob) == METADATA["model_bytes"] <= 20 * 1024 * 1024
    assert METADATA["training_data"] == "ct24_en_train.csv"
    assert METADATA["threshold"] == DEFAULT_THRESHOLD
    assert "CC BY 4.0" in MODEL_CREDIT


def test_loads_without_numpy_sklearn_or_qt() -> None:
    """The shipped model needs none of the training stack (its load time is in bench/detect)."""
    code = (
        "import sys;"
        "from app.core.analysis.model import load_model; m = load_model();"
        "print(any(n in sys.modules for n in ('numpy', 'sklearn', 'torch', 'PySide6')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout.split()
    assert out == ["False"]


def test_scores_separate_claims_from_chatter() -> None:
    model = CheckworthinessModel.from_bytes(model_path().read_bytes())
    claim = model.score("Unemployment has doubled since 2010 to 8.2 percent.")
    chatter = model.score("Thank you very much, it is good to be here tonight.")
    assert 0.0 <= chatter < model.threshold <= claim <= 1.0


@pytest.mark.slow
@pytest.mark.skipif(not (DATA_DIR / "ct24_en_train.csv").exists(), reason="shared data absent")
def test_training_script_reproduces_the_shipped_model(tmp_path: Path) -> None:
    train = DATA_DIR / "ct24_en_train.csv"
    assert hashlib.sha256(train.read_bytes()).hexdigest() == METADATA["training_data_sha256"]
    # --weights-only reuses the cross-validated threshold recorded in the metadata and
    # refits the weights from the shared data: the file must come out byte for byte.
    (tmp_path / "checkworthiness.json").write_text(json.dumps(METADATA), encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "train_checkworthiness.py"),
            str(DATA_DIR),
            "--out",
            str(tmp_path),
            "--weights-only",
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    rebuilt = (tmp_path / "checkworthiness.bin").read_bytes()
    assert hashlib.sha256(rebuilt).hexdigest() == METADATA["model_sha256"]

"""The detector's two score bands, kept apart from :mod:`app.core.analysis`.

The window marks weak detections while it shows an article; importing the detector for
two numbers would load its rules and model code on every open.
"""

from __future__ import annotations

# Chosen by cross-validation on the shipped model's training data (grouped by debate): a
# score from DEFAULT_THRESHOLD up is "weak" (check-worthy, maximises F1), from
# STRONG_THRESHOLD up "strong" (maximises F0.5). The test suite checks that they equal the
# ones recorded in resources/model/checkworthiness.json.
DEFAULT_THRESHOLD: float = 0.33
STRONG_THRESHOLD: float = 0.55

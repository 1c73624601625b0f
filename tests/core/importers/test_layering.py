from __future__ import annotations

import subprocess
import sys


def test_importers_do_not_load_qt() -> None:
    code = (
        "import sys, app.core.importers as i;"
        "from app.core.importers import from_html, from_pdf, from_docx, from_markdown;"
        "i.read_article_bytes(b'<html><body><p>Hi.</p></body></html>', 'a.html');"
        "print(any(name.startswith('PySide6') for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"

"""Bounded input everywhere (issue 20, point 5): ``detect`` refuses what ``import`` refuses.

Devices, FIFOs, folders and oversized files are refused from their ``stat()`` before a
byte is read, so ``detect /dev/zero`` cannot end in MemoryError and ``detect`` on a FIFO
cannot hang. The commands run in a process of their own with a timeout and a memory
ceiling, so a regression fails the test instead of taking the machine down (forked from
multiprocessing's fork server, which has imported the command line, see
:mod:`tests.support.preforked`, as ``python -m app`` would run once its imports are
done). Also the "smaller" import findings: a short file starting with NUL is binary,
and ASCII text in UTF-16 without a byte-order mark (documented as supported) is read.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.cli import main as cli_main
from app.core.errors import UnsupportedFormatError
from app.core.importers import read_article_bytes
from tests.conftest import cli_env
from tests.support import preforked

MEMORY_CEILING = 1024 * 1024 * 1024  # 1 GB: far above what detect needs


def _factdesk(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    args = ["-m", "app", *argv]
    child = preforked.start(args, cli_env(), memory_limit=MEMORY_CEILING)
    process = child.process
    # Both streams read at once, so that a full stderr pipe cannot stall stdout.
    with child.stdout, child.stderr, ThreadPoolExecutor(2) as pool:
        reads = [pool.submit(stream.read) for stream in (child.stdout, child.stderr)]
        process.join(timeout)
        if process.is_alive():
            process.kill()  # its streams end with it, and so do the reads
            process.join()
            raise subprocess.TimeoutExpired(args, timeout)
        out, err = (read.result() for read in reads)
    return subprocess.CompletedProcess(args, process.exitcode, out, err)


def _assert_one_line_refusal(result: subprocess.CompletedProcess[str], needle: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert needle in lines[0], result.stderr


@pytest.mark.parametrize("command", ["detect", "import"])
def test_a_device_is_refused_without_reading_it(command: str, tmp_path: Path) -> None:
    argv = (
        ["detect", "/dev/zero"]
        if command == "detect"
        else ["import", "/dev/zero", "--project", str(tmp_path / "p.factdesk")]
    )
    if command == "import":
        assert cli_main(["new", str(tmp_path / "p.factdesk")]) == 0
    result = _factdesk(*argv)
    _assert_one_line_refusal(result, "not a regular file")


@pytest.mark.parametrize("command", ["detect", "import"])
def test_a_fifo_is_refused_without_waiting_for_a_writer(command: str, tmp_path: Path) -> None:
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    argv = (
        ["detect", str(fifo)]
        if command == "detect"
        else ["import", str(fifo), "--project", str(tmp_path / "p.factdesk")]
    )
    if command == "import":
        assert cli_main(["new", str(tmp_path / "p.factdesk")]) == 0
    result = _factdesk(*argv, timeout=60)  # a hang fails here as TimeoutExpired
    _assert_one_line_refusal(result, "not a regular file")


def test_detect_refuses_a_folder_and_an_oversized_file(tmp_path: Path) -> None:
    _assert_one_line_refusal(_factdesk("detect", str(tmp_path)), "folder")
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(51 * 1024 * 1024)  # sparse: no disk used
    _assert_one_line_refusal(_factdesk("detect", str(big)), "limit")


def test_a_short_file_starting_with_nul_is_not_text(tmp_path: Path) -> None:
    data = b"\x00abcdef"
    with pytest.raises(UnsupportedFormatError):
        read_article_bytes(data, "note.txt")
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    _assert_one_line_refusal(_factdesk("detect", str(path)), "binary")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_ascii_text_in_utf16_without_a_bom_is_read(encoding: str) -> None:
    text = "The council spent 12 million on the harbour in 2023, the mayor said."
    article = read_article_bytes(text.encode(encoding), "article.txt")
    assert article.text == text

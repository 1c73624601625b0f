"""The build's helpers that are plain Python: the OpenSSL sharing in packaging/ and the size
measure of bench/packaging.py. (The build itself is checked by `make dist`: self-test and
size.) Both files are loaded by path: a folder named ``packaging`` would otherwise be
shadowed by the library of that name."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the Linux bundle's helpers"
)


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


share = _load(REPO / "packaging" / "share_openssl.py", "factdesk_share_openssl")
bench = _load(REPO / "bench" / "packaging.py", "factdesk_bench_packaging")


def _openssl_toc() -> list[tuple[str, str, str]]:
    """A TOC as PyInstaller builds it: Python's _ssl, the system OpenSSL it links, and
    psycopg-binary's renamed copies."""
    import _ssl

    linked = subprocess.run(["ldd", _ssl.__file__], capture_output=True, text=True).stdout
    system = dict(re.findall(r"(lib(?:ssl|crypto)\.so\.3) => (\S+)", linked))
    assert set(system) == {"libssl.so.3", "libcrypto.so.3"}, linked
    spec = importlib.util.find_spec("psycopg_binary")
    assert spec is not None and spec.origin is not None
    libs = Path(spec.origin).parent.parent / "psycopg_binary.libs"
    renamed = re.compile(r"lib(ssl|crypto)-[0-9a-f]+\.so\.3$")
    wheel = sorted(p for p in libs.iterdir() if renamed.match(p.name))
    assert len(wheel) == 2, wheel
    return [
        ("python3.11/lib-dynload/" + Path(_ssl.__file__).name, _ssl.__file__, "EXTENSION"),
        ("libssl.so.3", system["libssl.so.3"], "BINARY"),
        ("libcrypto.so.3", system["libcrypto.so.3"], "BINARY"),
        *((f"psycopg_binary.libs/{p.name}", str(p), "BINARY") for p in wheel),
    ]


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils (make setup)")
def test_system_openssl_becomes_links_to_the_wheels_copy() -> None:
    toc = _openssl_toc()
    shared = {dest: (src, kind) for dest, src, kind in share.share_openssl(toc)}
    for name, stem in (("libssl.so.3", "libssl-"), ("libcrypto.so.3", "libcrypto-")):
        target, kind = shared[name]
        assert kind == "SYMLINK"
        assert target.startswith("psycopg_binary.libs/" + stem)
        assert target in shared  # the file the link points to is still collected
    assert len(shared) == len(toc)


@pytest.mark.skipif(shutil.which("readelf") is None, reason="needs binutils (make setup)")
def test_both_copies_stay_when_the_wheels_copy_lacks_a_version(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    toc = _openssl_toc()
    real = share._versions

    def asking_for_more(path: str, pattern: str) -> dict[str, set[str]]:
        found = real(path, pattern)
        if path.endswith(".so") and "_ssl" in path:
            found.setdefault("libssl.so.3", set()).add("OPENSSL_99.0.0")
        return found

    monkeypatch.setattr(share, "_versions", asking_for_more)
    assert share.share_openssl(toc) == toc
    assert "['OPENSSL_99.0.0'] of libssl.so.3" in capsys.readouterr().out


def test_bundle_size_counts_blocks_on_disk_and_hard_links_once(tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "data.bin").write_bytes(os.urandom(10_000))
    os.link(folder / "sub" / "data.bin", folder / "again.bin")
    (folder / "link.bin").symlink_to("sub/data.bin")
    (folder / "small.txt").write_text("x")

    on_disk, content = bench.bundle_size(folder)

    assert content == 10_001  # the hard-linked file once, the link's target once
    du = subprocess.run(["du", "-s", "-B1", str(folder)], capture_output=True, text=True)
    assert on_disk == int(du.stdout.split()[0])

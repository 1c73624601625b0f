"""A smaller ICU data library for the bundle (used by factdesk.spec on Linux).

Qt's core library links ICU, and the ICU data library in the PySide6 wheel holds the data
for every locale, converter and service: 32 MB, a quarter of the bundle. Factdesk uses
none of the Qt features that read most of it (it decodes files and formats text in
Python; Qt's own CLDR tables format dates and numbers). This keeps what Qt can still
reach: the resource index and root locale, English, the default (root) collation that
QCollator uses for every language without its own tailoring here, normalisation, IDNA
and property tables, time-zone rules and the single-byte converters. Locales without their own data fall back to the root locale, as
ICU always does.

The data is one "common data" package (ICU's ``CmnD`` format: a header, a table of
contents sorted by item name, then the items, each 16-byte aligned). It is read from the
library, repacked here with the kept items, and linked back into a library with the same
soname and symbol by binutils (``as``, ``ld``; PyInstaller needs binutils on Linux
anyway). ICU's own ``icupkg`` is not used: the system's version may be older than the
wheel's ICU, and its output broke collation in a test.
Without binutils the full library is kept and the build says so.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

# Item names inside the package (without the "icudt73l/" prefix) to keep.
KEEP = re.compile(
    r"""^(
        res_index\.res | root\.res | pool\.res | en(_[A-Za-z0-9_]+)?\.res
      | likelySubtags\.res | supplementalData\.res | metadata\.res | keyTypeData\.res
      | zoneinfo64\.res | metaZones\.res | timezoneTypes\.res | windowsZones\.res
      | icustd\.res | icuver\.res | currencyNumericCodes\.res | numberingSystems\.res
      | grammaticalFeatures\.res | dayPeriods\.res | genderList\.res | pluralRanges\.res
      | plurals\.res
      | cnvalias\.icu | ulayout\.icu | uemoji\.icu | [a-z0-9_]+\.nrm | [a-z0-9]+\.spp
      | coll/(res_index|root|ucadata|en(_[A-Za-z0-9_]+)?)\.(res|icu)
    )$""",
    re.VERBOSE,
)
# Converters: the single-byte tables are a few kB each; the CJK multi-byte ones are
# 100 kB to 1 MB each. Keep those under this size.
SMALL_CONVERTER = 20_000


def _symbol_range(library: Path, symbol: str) -> tuple[int, int]:
    """File offset and size of ``symbol`` (the data blob) in ``library``."""
    syms = subprocess.run(
        ["nm", "-D", "-S", str(library)], capture_output=True, text=True, check=True
    ).stdout
    address = size = None
    for line in syms.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == symbol:
            address, size = int(parts[0], 16), int(parts[1], 16)
    if address is None or size is None:
        raise RuntimeError(f"{symbol} not found in {library.name}")
    sections = subprocess.run(
        ["readelf", "-S", "-W", str(library)], capture_output=True, text=True, check=True
    ).stdout
    for line in sections.splitlines():
        m = re.search(r"\]\s+\S+\s+\S+\s+([0-9a-f]{16})\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if m:
            start, offset, length = (int(g, 16) for g in m.groups())
            if start <= address < start + length:
                return address - start + offset, size
    raise RuntimeError(f"no section holds {symbol} in {library.name}")


def _read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Header and (name, item) pairs of an ICU common data package."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[12:16] != b"CmnD":
        raise RuntimeError("not an ICU common data package (or not little-endian)")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        start = toc + name_offset
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        end = toc + entries[i + 1][1] if i + 1 < count else len(blob)
        items.append((name, blob[toc + data_offset : end]))
    return blob[:header_size], items


def _write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package with only ``items`` (kept in their original, sorted order)."""
    names_start = 4 + 8 * len(items)
    names = bytearray()
    name_offsets = []
    for name, _ in items:
        name_offsets.append(names_start + len(names))
        names += name.encode("ascii") + b"\0"
    data_start = names_start + len(names)
    data_start += -data_start % 16
    data = bytearray()
    data_offsets = []
    for _, item in items:
        data_offsets.append(data_start + len(data))
        data += item
        data += b"\0" * (-len(data) % 16)
    toc = bytearray(struct.pack("<I", len(items)))
    for name_offset, data_offset in zip(name_offsets, data_offsets, strict=True):
        toc += struct.pack("<II", name_offset, data_offset)
    toc += names
    toc += b"\0" * (data_start - len(toc))
    return bytes(header) + bytes(toc) + bytes(data)


def _kept(name: str, item: bytes) -> bool:
    short = name.split("/", 1)[1]  # without the "icudt73l/" prefix
    if short.endswith(".cnv"):
        return len(item) <= SMALL_CONVERTER
    return KEEP.match(short) is not None


def trimmed_icu_data(library: Path, workdir: Path) -> Path | None:
    """Build a trimmed copy of ``library`` (libicudataNN.so) in ``workdir``; None when
    binutils is missing."""
    if not all(shutil.which(t) for t in ("nm", "readelf", "as", "ld", "strip")):
        return None
    version = re.search(r"\.so\.(\d+)", library.name)
    if version is None:
        return None
    symbol = f"icudt{version.group(1)}_dat"
    workdir.mkdir(parents=True, exist_ok=True)
    offset, size = _symbol_range(library, symbol)
    with library.open("rb") as f:
        f.seek(offset)
        blob = f.read(size)
    header, items = _read_package(blob)
    kept = [(name, item) for name, item in items if _kept(name, item)]
    # A small converter that extends a dropped large one stays; like the dropped ones, it
    # then fails to open (QStringDecoder.isValid() is False), nothing worse.
    package = workdir / "icudata.dat"
    package.write_bytes(_write_package(header, kept))
    source = workdir / "icudata.s"
    source.write_text(
        "\t.section .note.GNU-stack,\"\",%progbits\n"
        "\t.section .rodata\n\t.balign 16\n"
        f"\t.globl {symbol}\n\t.type {symbol},%object\n{symbol}:\n"
        f'\t.incbin "{package}"\n\t.size {symbol}, .-{symbol}\n',
        encoding="ascii",
    )
    obj = workdir / "icudata.o"
    out = workdir / library.name
    subprocess.run(["as", "-o", str(obj), str(source)], check=True)
    subprocess.run(["ld", "-shared", "-soname", library.name, "-o", str(out), str(obj)], check=True)
    subprocess.run(["strip", str(out)], check=False)
    print(
        f"trim_icu: {library.name}: kept {len(kept)} of {len(items)} items, "
        f"{library.stat().st_size / 1e6:.1f} MB -> {out.stat().st_size / 1e6:.1f} MB"
    )
    return out

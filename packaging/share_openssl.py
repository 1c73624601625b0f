"""One OpenSSL in the Linux bundle instead of two (used by factdesk.spec).

PyInstaller collects two copies of OpenSSL 3: the build machine's libssl.so.3 and
libcrypto.so.3, for Python's own ``_ssl`` and ``_hashlib``, and the copies that the
psycopg-binary wheel carries for its libpq (renamed by auditwheel, for example
libcrypto-3a0647ea.so.3) in psycopg_binary.libs/. Together they are about 12 MB, and
both end up loaded in the same process once the app talks to a server.

This keeps the wheel's copy, the one the psycopg maintainers build and test libpq
against (the only TLS the app does: to a PostgreSQL server), and turns the top-level
libssl.so.3 and libcrypto.so.3 into symbolic links to it. The bootloader puts the
bundle's top-level folder on LD_LIBRARY_PATH, so ``_ssl`` and ``_hashlib`` find the
links; the dynamic loader then sees one library under two names (same file, same
soname as libpq's reference), loaded once.

OpenSSL 3 keeps binary compatibility within its major version, and every function
carries the version it appeared in (OPENSSL_3.0.0, OPENSSL_3.2.0...): a program built
against 3.0 runs on 3.5. The swap is only made when the wheel's copy defines every
symbol version the other binaries ask of libssl.so.3 and libcrypto.so.3; otherwise (or
without binutils' readelf) both copies stay and the build says so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

# The system names that Python's modules link to, and the auditwheel-renamed copies in
# psycopg-binary's folder of libraries.
SYSTEM_NAMES = ("libssl.so.3", "libcrypto.so.3")
WHEEL_FOLDER = "psycopg_binary.libs/"


def _versions(path: str, pattern: str) -> dict[str, set[str]]:
    """Symbol versions in ``readelf -V`` output: for definitions, {"": versions}; for
    needs, {library file name: versions asked of it}."""
    out = subprocess.run(
        ["readelf", "-V", "-W", path], capture_output=True, text=True, check=True
    ).stdout
    found: dict[str, set[str]] = {}
    current = ""
    for line in out.splitlines():
        file_match = re.search(r"File: (\S+)", line)
        if file_match:
            current = file_match.group(1)
            continue
        name = re.search(pattern, line)
        if name:
            found.setdefault(current, set()).add(name.group(1))
    return found


def share_openssl(binaries: list) -> list:
    """``binaries`` (PyInstaller's TOC) with the system OpenSSL libraries replaced by
    symbolic links to psycopg-binary's copy, when that copy can stand in for them."""
    if shutil.which("readelf") is None:
        print("share_openssl: readelf not found; keeping both copies of OpenSSL (+5 MB)")
        return binaries
    by_dest = {dest.replace(os.sep, "/"): (dest, src, kind) for dest, src, kind in binaries}
    replacements = {}
    for system_name in SYSTEM_NAMES:
        stem = system_name.split(".so")[0]  # libssl / libcrypto
        wheel = [
            dest
            for dest in by_dest
            if re.fullmatch(rf"{re.escape(WHEEL_FOLDER)}{stem}-[0-9a-f]+\.so\.3", dest)
        ]
        system = by_dest.get(system_name)
        if system is None or system[2] == "SYMLINK" or len(wheel) != 1:
            print(f"share_openssl: no pair for {system_name}; nothing to share")
            return binaries
        replacements[system_name] = wheel[0]

    # Every version that a kept binary asks of the system names must be defined by the
    # wheel's library that will answer to that name.
    for system_name, wheel_dest in replacements.items():
        defined = _versions(by_dest[wheel_dest][1], r"Name: (OPENSSL_\S+)").get("", set())
        for dest, src, kind in binaries:
            if kind == "SYMLINK" or dest in replacements:
                continue
            if ".so" not in dest:
                continue
            asked = _versions(src, r"Name: (OPENSSL_\S+)").get(system_name, set())
            missing = asked - defined
            if missing:
                print(
                    f"share_openssl: {dest} needs {sorted(missing)} of {system_name}, which "
                    f"{wheel_dest} lacks; keeping both copies of OpenSSL"
                )
                return binaries

    kept = []
    for dest, src, kind in binaries:
        target = replacements.get(dest.replace(os.sep, "/"))
        if target is None:
            kept.append((dest, src, kind))
        else:
            # A top-level link: the target is relative to the bundle's top folder.
            kept.append((dest, target, "SYMLINK"))
            print(f"share_openssl: {dest} -> {target}")
    return kept

"""The only module that talks to the operating system's keyring.

Secrets (database passwords, signing keys) live in the keyring and nowhere else: not in
the project, not in settings, not in logs and not in error messages. Without a usable
keyring backend the user gets a clear :class:`SecretStoreError`, and everything that
does not need a secret keeps working.
"""

from __future__ import annotations

import keyring
import keyring.errors
from keyring.backends import fail

from app.core.errors import SecretStoreError
from app.core.wording import quoted

SERVICE = "Factdesk"


def _check_backend() -> None:
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise SecretStoreError(
            "no keyring is available on this system (install and unlock a secret service "
            "such as GNOME Keyring or KWallet) so secrets cannot be stored."
        )


def keyring_available() -> bool:
    try:
        _check_backend()
    except SecretStoreError:
        return False
    return True


def get_secret(name: str) -> str | None:
    _check_backend()
    try:
        return keyring.get_password(SERVICE, name)
    except keyring.errors.KeyringError as exc:
        raise SecretStoreError(
            f"the keyring refused to give {quoted(name)} ({type(exc).__name__})."
        ) from None


def set_secret(name: str, value: str) -> None:
    _check_backend()
    try:
        keyring.set_password(SERVICE, name, value)
    except keyring.errors.KeyringError as exc:
        raise SecretStoreError(
            f"the keyring refused to store {quoted(name)} ({type(exc).__name__})."
        ) from None


def delete_secret(name: str) -> None:
    _check_backend()
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
    except keyring.errors.KeyringError as exc:
        raise SecretStoreError(
            f"the keyring refused to delete {quoted(name)} ({type(exc).__name__})."
        ) from None


def server_secret_name(url_without_password: str) -> str:
    return f"server:{url_without_password}"


# --- signing keys -----------------------------------------------------------------------
# A reviewer's Ed25519 private key, as 64 hex digits of its raw 32 bytes. The public half
# travels in signed project files; the private half never leaves the keyring.


def signing_key_secret_name(reviewer: str) -> str:
    return f"signing-key:{reviewer}"


def get_signing_key(reviewer: str) -> bytes | None:
    """The reviewer's raw private signing key, or None if they have none yet."""
    stored = get_secret(signing_key_secret_name(reviewer))
    if stored is None:
        return None
    try:
        raw = bytes.fromhex(stored)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise SecretStoreError(
            f"the signing key kept in the keyring for {quoted(reviewer)} is not usable; "
            "remove it from the keyring to make a new one."
        )
    return raw


def set_signing_key(reviewer: str, raw_private_key: bytes) -> None:
    if len(raw_private_key) != 32:
        raise ValueError("an Ed25519 private key is 32 bytes")
    set_secret(signing_key_secret_name(reviewer), raw_private_key.hex())

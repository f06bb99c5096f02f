"""A seal on the files the app keeps beside a store, so it only ever unpickles its own.

Why: the saved recommendation (`advisor.app.deciding`) is a pickle, and unpickling runs code the
file names. The store's folder may be a group workspace (umask 002: every member can write its
files), so a file planted or changed there by anyone else must never be unpickled. Each user
has a secret key in their private cache folder (created on first use, mode 0600); a file is
sealed with an HMAC-SHA256 of its bytes under that key, and read back only when the seal
matches. A file written by another user, damaged, or cut short simply fails the check, and the
app decides the catalog again.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from advisor.rulebook.cache import cache_dir

_MARK = b"\ntrackright-seal-1\n"
_SIZE = len(_MARK) + hashlib.sha256().digest_size
KEY_FILE = "app.key"


def key_path() -> Path:
    """The user's key: in the cache folder (`$TRACKRIGHT_CACHE/trackright`, else
    `$XDG_CACHE_HOME/trackright`, else `~/.cache/trackright`)."""
    return cache_dir().parent / KEY_FILE


def user_key() -> bytes | None:
    """This user's key, made on first use; None when it cannot be kept privately (then
    nothing is saved, and nothing is read back)."""
    path = key_path()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if st.st_uid != os.getuid() or stat.S_IMODE(st.st_mode) & 0o077:
                return None  # someone else's, or readable by others: not a secret
            key = fh.read()
        return key if len(key) == 32 else None
    return None


class Seal:
    """The running seal of a file being written: feed it every byte written, then `trailer()`."""

    def __init__(self, key: bytes) -> None:
        self._mac = hmac.new(key, digestmod=hashlib.sha256)

    def update(self, data: bytes) -> None:
        self._mac.update(data)

    def trailer(self) -> bytes:
        return _MARK + self._mac.digest()


def unsealed(data: bytes, key: bytes) -> bytes | None:
    """The file's bytes without their seal if the seal is this key's; else None."""
    if len(data) < _SIZE or data[-_SIZE : -_SIZE + len(_MARK)] != _MARK:
        return None
    body, digest = data[:-_SIZE], data[-_SIZE + len(_MARK) :]
    expected = hmac.new(key, body, digestmod=hashlib.sha256).digest()
    return body if hmac.compare_digest(digest, expected) else None


__all__ = ["KEY_FILE", "Seal", "key_path", "unsealed", "user_key"]

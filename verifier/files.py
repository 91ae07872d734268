"""Opening a skill's files without trusting them: regular files only, and never a hang.

Discovery decides what a file is from its metadata, but a file can be swapped for a FIFO
between the listing and the read, and a FIFO opened for reading blocks until someone writes
to it. Every read of skill content goes through ``open_regular``: it opens without blocking
and refuses anything that is not a regular file once open.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20


def open_regular(path: Path, *, follow_links: bool = True) -> BinaryIO:
    """``path`` opened for binary reading; OSError when it is not a regular file (a FIFO, a
    device, a socket, a folder) or, with ``follow_links=False``, when it is a symlink."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow_links:
        flags |= os.O_NOFOLLOW
    descriptor = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_regular(path: Path, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of a regular file: one byte more than the limit tells the
    caller that the file is over it, without reading a file that grew since it was listed."""
    with open_regular(path) as stream:
        return stream.read(limit + 1)


def sha256_regular(path: Path) -> bytes:
    """The SHA-256 digest of a regular file's content, read in chunks (memory stays bounded)."""
    digest = hashlib.sha256()
    with open_regular(path) as stream:
        for chunk in iter(lambda: stream.read(CHUNK), b""):
            digest.update(chunk)
    return digest.digest()


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
         (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def foreign_encoding(data: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when the data starts with that byte-order mark, else None.

    No interpreter of skill code reads such files as source, so they are named, not decoded.
    """
    return next((name for mark, name in _BOMS if data.startswith(mark)), None)

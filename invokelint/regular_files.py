"""Reading a file only when it is a regular file inside the folder it must stay in.

``open()`` on a FIFO blocks until someone writes to it, and a character device such as
``/dev/zero`` never ends; a symbolic link can lead anywhere on the machine. Every reader
of files the user did not name on the command line (handler modules, deployment
packages, Step Functions definitions, config files) goes through here, so such a file is
refused with a message that says why, never opened or followed.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO


class Refused(Exception):
    """A file that is not read: ``message`` says why ("is a FIFO", "outside the project")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def kind_of(mode: int) -> str:
    """What a file that is not regular is, for messages."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_regular(path: str | Path) -> os.stat_result:
    """The file's status; raises ``Refused`` for anything but a regular file."""
    status = os.stat(path)
    if not stat.S_ISREG(status.st_mode):
        raise Refused(f"not read: it is {kind_of(status.st_mode)}")
    return status


def open_regular(path: str | Path) -> BinaryIO:
    """A regular file opened for reading in binary mode.

    The status is checked before opening (so a FIFO or device is never opened) and again
    on the open descriptor (so a file swapped in between is caught too). Raises
    ``Refused``, or ``OSError`` when it cannot be opened.
    """
    check_regular(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    handle = os.fdopen(descriptor, "rb")
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        handle.close()
        raise Refused(f"not read: it is {kind_of(mode)}")
    return handle


def read_regular(path: str | Path, limit: int) -> bytes | None:
    """The bytes of a regular file; None when it is larger than ``limit`` bytes."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    return data if len(data) <= limit else None


def within(path: str | Path, root: str | Path) -> bool:
    """``path``, with every symbolic link resolved, lies inside ``root`` (resolved too)."""
    real, folder = os.path.realpath(path), os.path.realpath(root)
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def outside_message(path: str | Path, root: str | Path) -> str:
    """Why a path that leaves ``root`` is not read: where it really leads."""
    return f"not read: it leads to {os.path.realpath(path)}, outside the project {root}"

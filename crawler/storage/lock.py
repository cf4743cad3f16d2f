"""One writer per database: an exclusive flock on `<database>.lock`, held for as long as anything writes.

The `scrapy crawl` process takes it itself (crawler.crawlstate), so a crawl
started by hand on a database that another crawl is writing stops with a
clear message instead of interleaving with it. `news-cron-crawl` takes the
same lock and hands its open file to the scrapy child (the file descriptor
number in NEWS_DB_LOCK_FD): the lock then lives as long as either process,
so it survives the wrapper being killed while its child still writes.

Readers (Datasette, sqlite3) never take it: SQLite's WAL mode lets them
read during a crawl.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

# The environment variable through which a parent hands its held lock to a child.
LOCK_FD_ENVIRONMENT = "NEWS_DB_LOCK_FD"
# EX_TEMPFAIL: "try again later", what cron wrappers conventionally exit with.
EXIT_LOCKED = 75


class DatabaseLocked(RuntimeError):
    """Another process holds the database's lock; the message names it."""


def lock_path_for(db_path: str | os.PathLike) -> Path:
    return Path(f"{os.fspath(db_path)}.lock")


class DatabaseLock:
    def __init__(self, db_path: str | os.PathLike, lock_path: str | os.PathLike | None = None):
        self.db_path = Path(db_path)
        self.path = Path(lock_path) if lock_path else lock_path_for(db_path)
        self.fd: int | None = None

    def acquire(self) -> "DatabaseLock":
        """Take the lock without waiting, or raise DatabaseLocked."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = self._inherited_fd()
        if fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise DatabaseLocked(
                f"{self.db_path} is being written by another crawl (pid {holder}, lock {self.path}); "
                "not starting a second writer. Try again when it has finished.") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self.fd = fd
        return self

    def _inherited_fd(self) -> int | None:
        """The lock file a parent opened, locked and passed down, if it is this very file."""
        value = os.environ.get(LOCK_FD_ENVIRONMENT, "")
        if not value.isdigit():
            return None
        fd = int(value)
        try:
            inherited, wanted = os.fstat(fd), os.stat(self.path)
        except OSError:
            return None
        if (inherited.st_dev, inherited.st_ino) != (wanted.st_dev, wanted.st_ino):
            return None
        return fd

    def inheritable_fd(self) -> int:
        """The held lock's descriptor, to pass to a child process (pass_fds)."""
        assert self.fd is not None, "acquire() first"
        os.set_inheritable(self.fd, True)
        return self.fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> "DatabaseLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()

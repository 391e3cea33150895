"""A per-user cache of work that depends only on installed files, so that each run need not redo it.

Nothing in it is required: a missing, stale, corrupt or unwritable cache only costs the time it saves.
"""

from __future__ import annotations

import contextlib
import json
import marshal
import os
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar


def cache_dir() -> Path | None:
    """`$XDG_CACHE_HOME/log-gardener`, else `~/.cache/log-gardener`; None without a home directory."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:
            return None
    return Path(base) / "log-gardener"


def files_key(paths: Iterable[Path]) -> list[list[object]]:
    """Each file's path, size and modification time: what changes when a package is upgraded or edited."""
    key: list[list[object]] = []
    for path in sorted(paths):
        stat = path.stat()
        key.append([str(path), stat.st_size, stat.st_mtime_ns])
    return key


KEPT_PER_NAME = 8
"""Values kept per name: one per install (key) that ran lately, so that two installs (a project's venv and
pipx, or CI's checkouts) do not evict each other's on every run."""


def cached_json(name: str, key: object, compute: Callable[[], Any]) -> Any:
    """The JSON value cached as `name` when it was stored with this `key`; else `compute()`, stored."""
    from loggardener.errors import GardenerError  # here: `errors` compiles its patterns through this module
    from loggardener.files import atomic_write

    directory = cache_dir()
    if directory is None:
        return compute()
    key_text = json.dumps(key, sort_keys=True)
    # CRC-32 names the file (hashlib would load OpenSSL, 3% of a short run); the key inside decides
    path = directory / f"{name}-{zlib.crc32(key_text.encode()):08x}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(stored, dict) and stored.get("key") == key and "value" in stored:
            return stored["value"]
    except (
        OSError,
        ValueError,
        RecursionError,
    ):  # unreadable, damaged, or nested past the decoder: recompute
        pass
    value = compute()
    with contextlib.suppress(GardenerError, OSError):  # a read-only home: compute again next time
        atomic_write(path, json.dumps({"key": key, "value": value}), "cache")
        _evict_oldest(directory, name)
    return value


def _evict_oldest(directory: Path, name: str) -> None:
    """Remove all but the `KEPT_PER_NAME` newest values of `name`."""
    stored = []
    for path in directory.glob(f"{name}-*.json"):
        with contextlib.suppress(OSError):
            stored.append((path.stat().st_mtime_ns, path))
    for _, path in sorted(stored, reverse=True)[KEPT_PER_NAME:]:
        with contextlib.suppress(OSError):
            path.unlink()


K = TypeVar("K")
V = TypeVar("V")


def kept_entries(
    used: dict[K, V],
    known: dict[K, V] | None,
    kept: int,
    size: Callable[[K, V], int] | None = None,
    kept_size: int = 0,
) -> dict[K, V]:
    """What a cache of compiled code stores: this run's entries (`used`), then the earlier runs' (`known`, the
    latest run's first) while they fit in `kept` entries and, given `size`, in `kept_size` in all."""
    merged = dict(used)
    total = sum(size(key, value) for key, value in used.items()) if size is not None else 0
    for key, value in (known or {}).items():
        if len(merged) >= kept:
            break
        if key in merged:
            continue
        if size is not None:
            total += size(key, value)
            if total > kept_size:
                break
        merged[key] = value
    return merged


def load_marshalled(name: str) -> Any:
    """The value `store_marshalled` wrote as `name`; None when it is missing or damaged (its checksum differs)."""
    directory = cache_dir()
    if directory is None:
        return None
    try:
        data = (directory / name).read_bytes()
        checksum, payload = int.from_bytes(data[:4], "big"), data[4:]
        if zlib.crc32(payload) != checksum:
            return None
        return marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return None


def store_marshalled(name: str, value: Any, what: str) -> None:
    """Write `value` as `name`, with its checksum, readable by its user only (`what` names it in an error). A
    read-only home: the next run computes again; a second Ctrl-C or SIGTERM while the process ends (callers write
    at exit): the write is dropped, its temporary file removed, and no traceback ends a stopped command."""
    directory = cache_dir()
    if directory is None:
        return
    payload = marshal.dumps(value)
    from loggardener.console import Terminated
    from loggardener.errors import GardenerError  # here: `errors` compiles its patterns through `regexes`
    from loggardener.files import atomic_write_bytes

    with contextlib.suppress(GardenerError, OSError, KeyboardInterrupt, Terminated):
        atomic_write_bytes(directory / name, zlib.crc32(payload).to_bytes(4, "big") + payload, what, 0o600)

"""Compiled templates kept in gardener's cache directory, so that a run does not compile them again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from loggardener.cache import cache_dir, files_key


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """jinja2's cache of compiled templates, one set per environment and per state of the module that sets
    its options (they shape the compiled code); jinja2 recompiles a template whose source changed.

    A cache that cannot be read or written is skipped.
    """

    def __init__(self, directory: Path, name: str, configured_in: str) -> None:
        options = hashlib.sha256(json.dumps(files_key([Path(configured_in)])).encode()).hexdigest()[:16]
        super().__init__(str(directory / "templates"), f"{name}-{options}-%s.cache")

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or corrupt: compile
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            Path(self.directory).mkdir(mode=0o700, parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass  # a read-only home: compile again next time


def template_cache(name: str, configured_in: str) -> TemplateCache | None:
    """The cache of environment `name`, whose options `configured_in` (a module's file) sets; None without
    a cache directory."""
    directory = cache_dir()
    return None if directory is None else TemplateCache(directory, name, configured_in)

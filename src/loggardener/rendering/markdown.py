"""The markdown worklog, rendered from jinja2 templates (`templates/`, overridable with `--templates`)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import jinja2
import jinja2.meta

from loggardener.clustering.models import Cluster
from loggardener.errors import ExitCode, GardenerError, missing_path_hint
from loggardener.files import scope_slug
from loggardener.publishing.safety import prose
from loggardener.rendering.bytecode import template_cache
from loggardener.rendering.interface import Renderer
from loggardener.rendering.markdown_safety import (
    code_block,
    inline_code,
    markdown_text,
    strip_controls,
    table_cell,
)
from loggardener.report import ScanReport
from loggardener.words import counted

PRIORITY_MARKS = {"P0": "🔴", "P1": "🟠", "P2": "🟡", "P3": "🔵"}
_SPARKS = "▁▂▃▄▅▆▇█"


def bundled_templates() -> Path:
    """The templates shipped with the package (or, in a source checkout, the repository's `templates/`)."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def iso(value: datetime | None) -> str:
    if value is None:
        return "—"
    return (
        value.strftime("%Y-%m-%dT%H:%M:%S")
        + (f".{value.microsecond:06d}"[:4] if value.microsecond else "")
        + "Z"
    )


def percent(share: float) -> str:
    if 0 < share < 0.001:
        return "<0.1%"
    return f"{share:.1%}"


def sparkline(buckets: dict[str, int]) -> str:
    if not buckets:
        return ""
    peak = max(buckets.values())
    return "".join(_SPARKS[min(len(_SPARKS) - 1, (n * len(_SPARKS) - 1) // peak)] for n in buckets.values())


def sentence(text: str) -> str:
    """First letter up, a full stop at the end; the rest untouched (unlike jinja's `capitalize`)."""
    text = text.strip()
    if not text:
        return text
    return text[0].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def error_group_url(group_id: str, project: str | None) -> str:
    """The Error Reporting page of a group; both parts percent-encoded, so neither can end the link."""
    suffix = f"?project={quote(project, safe='')}" if project else ""
    return f"https://console.cloud.google.com/errors/detail/{quote(group_id, safe='')}{suffix}"


def cluster_project(cluster: Cluster, project: str | None) -> str | None:
    """The project a problem's entries and Error Reporting groups are in: the scan's, else the one project its
    samples' log names name (an export's entries carry it); None when they name none or several."""
    if project:
        return project
    names = {sample.project for sample in cluster.samples}
    return names.pop() if len(names) == 1 else None


def _finalize(value: object) -> object:
    """Every `{{ … }}` of a template: control characters (ESC, NUL, BEL, bidi) never reach a document."""
    return strip_controls(value) if isinstance(value, str) else value


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """A jinja2 environment with the worklog filters; `templates_dir` takes precedence over the bundled ones."""
    search = [str(templates_dir)] if templates_dir else []
    search.append(str(bundled_templates()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        bytecode_cache=template_cache("worklog", __file__),
    )
    env.filters.update(
        code=inline_code,
        cell=table_cell,
        block=code_block,
        iso=iso,
        percent=percent,
        sparkline=sparkline,
        mark=lambda p: PRIORITY_MARKS.get(p, ""),
        sentence=sentence,
        prose=prose,
        text=markdown_text,
    )
    env.globals["error_group_url"] = error_group_url
    env.globals["cluster_project"] = cluster_project
    env.filters["counted"] = counted
    return env


def _template_directory(path: Path) -> None:
    """`--templates` names a directory that can be read: anything else is one line (exit code 2)."""
    try:
        is_directory = path.is_dir()
    except OSError as exc:  # a name too long, a parent that cannot be searched
        raise GardenerError(f"--templates {path}: {exc.strerror or exc}", ExitCode.BAD_INPUT) from None
    if not is_directory:
        missing = "" if path.exists() else missing_path_hint(str(path))
        raise GardenerError(f"--templates {path}: not a directory{missing}", ExitCode.BAD_INPUT)
    if not os.access(path, os.R_OK | os.X_OK):  # jinja would take its templates for missing: the bundled ones
        raise GardenerError(
            f"--templates {path}: this user cannot read the directory (permission denied): give it read access, "
            "or pass another --templates",
            ExitCode.BAD_INPUT,
        )


class MarkdownWorklog(Renderer):
    """The worklog an engineer reads."""

    suffix = ".md"

    def __init__(self, templates_dir: Path | None = None, template_name: str = "worklog.md.j2") -> None:
        if templates_dir is not None:
            _template_directory(templates_dir)
        self._name = template_name
        self._overridden = templates_dir is not None
        with self._template_errors():  # a broken template is found before any scanning or publishing
            env = environment(templates_dir)
            self._template = env.get_template(template_name)
            if self._overridden:  # the bundled partials are tested; parsing them costs every run 50 ms
                _load_included(env, template_name, set())

    @contextmanager
    def _template_errors(self) -> Iterator[None]:
        """A template's mistake as one line (exit code 2): jinja's own errors, and, with `--templates`, any
        error a template raises (not UTF-8, endless recursion, a division by zero) where it raised it."""
        try:
            yield
        except jinja2.TemplateSyntaxError as exc:
            where = f"{exc.name or self._name} (line {exc.lineno})"
            raise GardenerError(f"template {where}: {exc.message}", ExitCode.BAD_INPUT) from None
        except jinja2.TemplateError as exc:
            where = _template_line(exc) or self._name
            raise GardenerError(f"template {where}: {exc.message}", ExitCode.BAD_INPUT) from None
        except UnicodeDecodeError as exc:
            if not self._overridden:
                raise
            raise _not_utf8(self._name, exc) from None
        except OSError as exc:  # a template of --templates this user may not read (jinja opens it when found)
            if not self._overridden:
                raise
            raise GardenerError(
                f"template {exc.filename or self._name} (from --templates) cannot be read: "
                f"{exc.strerror or exc}: give this user read access to it",
                ExitCode.BAD_INPUT,
            ) from None
        except (ValueError, ArithmeticError, LookupError, TypeError, AttributeError, RecursionError) as exc:
            if not self._overridden:
                raise  # the bundled templates failing is a bug, not the user's
            where = _template_line(exc) or self._name
            raise GardenerError(
                f"template {where} (from --templates): {type(exc).__name__}: {exc}", ExitCode.BAD_INPUT
            ) from None

    def render(self, report: ScanReport) -> str:
        with self._template_errors():
            return self._template.render(report=report, clusters=report.clusters, totals=report.totals)


def _not_utf8(name: str, exc: UnicodeDecodeError) -> GardenerError:
    """One line for a template of `--templates` that is not UTF-8 (saved as Latin-1 or UTF-16)."""
    return GardenerError(
        f"template {name} (from --templates) is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
        f"{exc.start}): save it as UTF-8",
        ExitCode.BAD_INPUT,
    )


def _load_included(env: jinja2.Environment, name: str, seen: set[str]) -> None:
    """Load every template `name` includes, imports or extends by a literal name, and theirs: a missing or
    broken partial stops the run before the scan, not when the worklog is rendered after publishing."""
    seen.add(name)
    assert env.loader is not None
    try:
        source, _, _ = env.loader.get_source(env, name)
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, exc) from None
    for included in jinja2.meta.find_referenced_templates(env.parse(source, name)):
        if included is not None and included not in seen:
            _load_included(env, included, seen)  # its source first: a partial not UTF-8 is named
            env.get_template(included)


def _template_line(exc: BaseException) -> str | None:
    """`worklog.md.j2 (line N)`: the innermost template line in `exc`'s traceback (jinja maps its frames to
    the templates' files and lines)."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename.endswith(".j2")]
    if not frames:
        return None
    path = Path(frames[-1].filename)
    name = f"{path.parent.name}/{path.name}" if path.parent.name == "partials" else path.name
    return f"{name} (line {frames[-1].lineno})"


def worklog_filename(report: ScanReport, services: tuple[str, ...] = ()) -> str:
    """e.g. `GCP-LOG-GARDENER-WORKLOG-last-12-hours-2025-09-16-17-44.md` (never a ':' in it); a scan of some
    services names them (`GCP-LOG-GARDENER-WORKLOG-orders-api-last-12-hours-…`), so that scans of other
    services over the same window do not collide."""
    label = re.sub(r"[^a-z0-9]+", "-", report.window.label.lower()).strip("-") or "scan"
    moment = report.window.end or report.generated_at
    scope = f"{scope_slug(services)}-" if services else ""
    return f"{WORKLOG_PREFIX}{scope}{label}-{moment.strftime('%Y-%m-%d-%H-%M')}.md"


WORKLOG_PREFIX = "GCP-LOG-GARDENER-WORKLOG-"
WORKLOG_NAMES = f"{WORKLOG_PREFIX}*.md"
"""A glob of every worklog's file name."""


def run_marker(report: ScanReport, services: tuple[str, ...]) -> str:
    """A hidden last line naming what the worklog is a scan of: a rerun of the same scan may replace the
    file, a different scan that happens to get the same name may not."""
    scope = json.dumps(
        [
            report.source,
            report.project,
            iso(report.window.start),
            iso(report.window.end),
            sorted(services),
            report.min_severity,
        ]
    )
    return f"<!-- log-gardener:run={hashlib.sha256(scope.encode()).hexdigest()[:16]} -->"

"""Configuration: one pydantic model, read from `gardener.toml` or `[tool.gardener]` in pyproject.toml."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from loggardener.errors import ExitCode, GardenerError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PriorityName = Literal["P0", "P1", "P2", "P3"]
SeverityName = Literal[
    "DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"
]
ClusterKindName = Literal["exception", "message", "request", "audit"]


def _valid_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return patterns


Patterns = Annotated[list[str], AfterValidator(_valid_patterns)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EntriesConfig(_Section):
    in_app_prefixes: list[str] = Field(
        default_factory=list,
        description="Path prefixes of your own code. Empty: every frame outside site-packages, "
        "dist-packages, the standard library, <frozen ...> and <string> is in-app.",
    )
    reassembly_gap_seconds: float = Field(
        default=2.0, gt=0, description="Largest gap between two lines of one split traceback."
    )


class RedactionConfig(_Section):
    emails: bool = Field(default=True, description="Replace e-mail addresses in log text.")
    extra_patterns: Patterns = Field(default_factory=list, description="More regular expressions to redact.")


class ClusteringConfig(_Section):
    samples_per_cluster: int = Field(default=3, ge=1, le=20)
    bucket_minutes: int = Field(default=10, ge=1)
    max_templates: int = Field(default=50_000, ge=100, description="Cap on templates kept in memory.")


class PriorityRule(_Section):
    """A rule: when every condition given holds, the cluster gets `priority`, and `reason` says why.

    `reason` may use {count}, {entries} ("1 entry", "5 entries"), {at_max_severity} ("3 of 647 entries"),
    {share}, {events}, {exception_type}, {max_severity}, {services},
    {first_seen}, {last_seen}, {span}, {title}, {status}.
    """

    name: str
    priority: PriorityName
    reason: str
    kinds: list[ClusterKindName] = Field(default_factory=list)
    exception_types: list[str] = Field(default_factory=list)
    message_patterns: Patterns = Field(default_factory=list, description="Regexes searched in the message.")
    min_severity: SeverityName | None = None
    min_count: int | None = None
    min_share: float | None = Field(default=None, ge=0, le=1)
    min_http_status: int | None = None
    min_buckets: int | None = Field(default=None, description="Seen in at least this many time buckets.")
    at_import_time: bool | None = Field(
        default=None,
        description="True: raised while a module was imported (a `<module>` frame of your code).",
    )


def default_rules() -> list[PriorityRule]:
    """The built-in rules, most urgent first."""
    startup_types = ["ModuleNotFoundError", "ImportError", "SyntaxError", "IndentationError"]
    return [
        PriorityRule(
            name="startup-crash",
            priority="P0",
            reason="startup crash: {exception_type} at import time; {entries}, {share} of all",
            exception_types=startup_types,
            at_import_time=True,
            min_severity="ERROR",
        ),
        PriorityRule(
            name="container-exit-loop",
            priority="P0",
            reason="container exit loop: {count} container exits between {first_seen} and {last_seen}",
            message_patterns=[
                r"Container called exit\(\d+\)",
                r"Application exec likely failed",
                r"Container terminated on signal",
                r"CrashLoopBackOff",
            ],
            min_count=2,
        ),
        PriorityRule(
            name="revision-not-ready",
            priority="P0",
            reason="revision not ready: the service cannot serve ({entries})",
            message_patterns=[r"Ready condition status changed to False", r"[Rr]evision .* is not ready"],
        ),
        PriorityRule(
            name="critical-severity",
            priority="P0",
            reason="severity {max_severity}: {at_max_severity}",
            min_severity="CRITICAL",
        ),
        PriorityRule(
            name="dominant-error",
            priority="P0",
            reason="dominant error: {share} of all entries scanned are this problem",
            min_severity="ERROR",
            min_share=0.5,
        ),
        PriorityRule(
            name="server-errors",
            priority="P1",
            reason="HTTP {status} responses: {count} requests failed between {first_seen} and {last_seen}",
            kinds=["request"],
            min_http_status=500,
        ),
        PriorityRule(
            name="sustained-errors",
            priority="P1",
            reason="sustained errors: {count} {max_severity} entries over {span}",
            min_severity="ERROR",
            min_count=3,
        ),
        PriorityRule(
            name="isolated-error",
            priority="P2",
            reason="isolated error: {entries} at {max_severity}",
            min_severity="ERROR",
        ),
        PriorityRule(
            name="user-impact-warning",
            priority="P2",
            reason="warning with user impact (timeouts, failed connections or configuration drift): {entries}",
            message_patterns=[
                r"(?i)time(d)?[ -]?out",
                r"(?i)deadline exceeded",
                r"(?i)connection (refused|reset|closed|failed)",
                r"(?i)retry(ing)?",
                r"(?i)unavailable",
                r"(?i)saniti[sz]ed",
                r"(?i)mismatch",
                r"(?i)drift",
                r"(?i)deprecated config",
            ],
        ),
        PriorityRule(
            name="client-errors",
            priority="P2",
            reason="HTTP {status} responses: {count} requests rejected",
            kinds=["request"],
            min_http_status=400,
        ),
        PriorityRule(
            name="low-impact-warning",
            priority="P3",
            reason="low-impact warning: {entries}, no error severity and no user-facing failure",
        ),
    ]


class PrioritiesConfig(_Section):
    rules: list[PriorityRule] = Field(
        default_factory=list,
        description="Your rules. When one matches, it decides (it can lower a priority, too); a rule named like "
        "a default rule replaces that default (e.g. to change a threshold).",
    )
    use_default_rules: bool = True

    def rule_tiers(self) -> list[list[PriorityRule]]:
        """Rules in tiers: the first tier with a matching rule decides. Yours first, then the defaults."""
        mine = {rule.name for rule in self.rules}
        defaults = (
            [rule for rule in default_rules() if rule.name not in mine] if self.use_default_rules else []
        )
        return [list(self.rules), defaults]


class IssuesConfig(_Section):
    threshold: PriorityName = Field(default="P2", description="Draft or publish clusters at or above this.")
    title_template: str = "GCP-{category} | {priority} | {name}"
    generated_by_label: str = "log-gardener"
    type_label: str = "bug"
    areas: dict[str, str] = Field(
        default_factory=dict, description="Area label by service name or path prefix (first match wins)."
    )
    business_justification: dict[str, str] = Field(
        default_factory=dict, description="Business-justification text by service name ('*' for any)."
    )
    reopen_regressions: bool = True
    active_dev_services: list[str] = Field(
        default_factory=list,
        description="Services under active development: their issues get category active-dev.",
    )
    comment_window_hours: int = Field(
        default=24,
        ge=1,
        description="Runs within one window (UTC) update one comment instead of adding more.",
    )
    related_window_seconds: float = Field(
        default=10.0, gt=0, description="Problems on one instance within this many seconds fire together."
    )
    seconds_between_writes: float = Field(
        default=1.0,
        ge=0,
        description="Pause between GitHub writes (GitHub asks for 1s against secondary limits).",
    )
    max_rate_limit_wait: float = Field(
        default=300.0,
        ge=0,
        description="Longest wait for a GitHub rate-limit reset before giving up the run.",
    )

    @field_validator("title_template")
    @classmethod
    def _check_title(cls, template: str) -> str:
        try:
            template.format(category="new", priority="P0", name="name")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"use only {{category}}, {{priority}} and {{name}}: {exc!r}") from exc
        return template


class StateConfig(_Section):
    resolved_after_runs: int = Field(
        default=3, ge=1, description="Runs without a cluster before it is resolved."
    )
    regressed_after_quiet_runs: int = Field(
        default=3, ge=1, description="Runs of silence after which a returning cluster counts as regressed."
    )


class LogAnalyticsConfig(_Section):
    """`gardener scan` through Log Analytics (BigQuery) instead of entries.list."""

    dataset: str | None = Field(
        default=None, description="The linked dataset, PROJECT.DATASET: scans without --from read it."
    )
    view: str = Field(default="_AllLogs", description="The log view to query.")
    maximum_bytes_billed: int = Field(
        default=10 * 1000**3, ge=1, description="Cost guard: a query that would bill more fails."
    )
    max_rows: int = Field(default=1_000_000, ge=1, description="Rows of pre-groups read at most.")


class GardenerConfig(_Section):
    """All of log gardener's settings. Every key is optional."""

    project: str | None = None
    min_severity: SeverityName = "WARNING"
    entries: EntriesConfig = EntriesConfig()
    redaction: RedactionConfig = RedactionConfig()
    clustering: ClusteringConfig = ClusteringConfig()
    priorities: PrioritiesConfig = PrioritiesConfig()
    issues: IssuesConfig = IssuesConfig()
    state: StateConfig = StateConfig()
    log_analytics: LogAnalyticsConfig = LogAnalyticsConfig()


def _describe(error: ValidationError, origin: str) -> str:
    first = error.errors()[0]
    key = ".".join(str(part) for part in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{origin}: unknown key '{key}'; see the README's Configuration section for the keys"
    return f"{origin}: key '{key}': {first['msg']}"


def parse_config(data: dict[str, Any], origin: str) -> GardenerConfig:
    try:
        return GardenerConfig.model_validate(data)
    except ValidationError as exc:
        raise GardenerError(_describe(exc, origin), ExitCode.BAD_CONFIG) from None


def load_config(path: Path | None = None, search_dir: Path | None = None) -> GardenerConfig:
    """Load the configuration from `path`, or find `gardener.toml` / pyproject's `[tool.gardener]`."""
    if path is not None:
        return _load_file(path)
    directory = search_dir or Path.cwd()
    candidate = directory / "gardener.toml"
    if candidate.is_file():
        return _load_file(candidate)
    pyproject = directory / "pyproject.toml"
    if pyproject.is_file():
        return _load_file(pyproject)
    return GardenerConfig()


def _load_file(path: Path) -> GardenerConfig:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GardenerError(f"config file {path} does not exist", ExitCode.BAD_CONFIG) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GardenerError(f"cannot read config file {path}: {exc}", ExitCode.BAD_CONFIG) from None
    except tomllib.TOMLDecodeError as exc:
        raise GardenerError(f"{path} is not valid TOML: {exc}", ExitCode.BAD_CONFIG) from None
    if path.name == "pyproject.toml":
        section = data.get("tool", {}).get("gardener")
        if section is None:
            return GardenerConfig()
        return parse_config(section, f"{path} [tool.gardener]")
    return parse_config(data, str(path))

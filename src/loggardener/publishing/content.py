"""What an issue about a cluster says: title, labels, body and comments, computed from the scan only.

Every value that reaches a template is either made inert by the environment's `finalize` (plain strings)
or was built here from inert parts and marked safe (`Markup`). Bodies are rendered with shrinking evidence
budgets until they fit GitHub's limit; the sections themselves are never dropped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from loggardener import __version__
from loggardener.clustering.models import AuditCall, Cluster
from loggardener.config import IssuesConfig
from loggardener.entries.levels import STARTUP_EXCEPTION_TYPES
from loggardener.entries.models import Severity
from loggardener.publishing import safety
from loggardener.publishing.markers import (
    COMMENT_MARKER,
    MAX_ITEM_CHARS,
    MAX_LISTED,
    Summary,
    facts_marker,
    fingerprint_marker,
    state_marker,
)
from loggardener.regexes import compile_regex
from loggardener.rendering.bytecode import template_cache
from loggardener.rendering.markdown import cluster_project, iso
from loggardener.report import ResolvedCluster, ScanReport
from loggardener.words import counted

PRIORITIES = ("P0", "P1", "P2", "P3")
MAX_BODY_CHARS = safety.GITHUB_BODY_LIMIT - 536
"""Rendered bodies stay under this, leaving room below GitHub's limit."""

_NO_MODULE = compile_regex(r"No module named '([^']+)'")
_CANNOT_IMPORT = compile_regex(r"cannot import name '([^']+)' from '([^']+)'")
_EXIT = "Container called exit("
WILDCARD = "<*>"
_LINK_SAFE = ":/?#[]@!$&'*+,;=%-._~"


@dataclass(frozen=True)
class Budget:
    """How much evidence a body may carry: characters per text block, items per list."""

    text: int
    items: int


BUDGETS = (Budget(6000, 25), Budget(2000, 10), Budget(600, 5), Budget(160, 3))


@dataclass(frozen=True)
class IssueContent:
    """A complete issue for one cluster."""

    fingerprint: str
    title: str
    labels: list[str]
    body: str
    summary: Summary


@dataclass(frozen=True)
class Related:
    """A cluster linked to another: cause or effect, the evidence, its issue number, or why there is none."""

    fingerprint: str
    title: str
    number: int | None
    status: str
    relation: str = "linked"
    evidence: str = ""
    """Said instead of the number when there is none (e.g. `below the issue threshold (P3)`)."""


def template_dir() -> Path:
    """The templates shipped in the wheel, or the repository's `templates/` in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "templates"
    if (packaged / "issues").is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def _finalize(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Markup | int | float):
        return value
    return safety.inert(str(value))


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=False,
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=template_cache("issues", __file__),
    )
    env.filters["code"] = lambda text, limit=300: Markup(_code(str(text), limit))
    env.filters["fence"] = lambda text, limit, info="": Markup(
        safety.fence(safety.clip_middle(str(text), limit), info)
    )
    env.filters["clip"] = lambda text, limit: safety.clip(str(text), limit)
    env.filters["prose"] = lambda text: Markup(safety.prose(str(text)))
    env.filters["counted"] = counted
    return env


def utc(moment: datetime | None) -> str:
    """A timestamp as `2025-09-16T17:43:57Z` (UTC, seconds)."""
    if moment is None:
        return "unknown"
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def during(first: datetime, last: datetime) -> str:
    """`between A and B`, or `at A` when both are the same second (one occurrence has no range)."""
    start, end = utc(first), utc(last)
    return f"at {start}" if start == end else f"between {start} and {end}"


def window_key(generated_at: datetime, hours: int) -> str:
    """The comment window a run falls in: its UTC time floored to a multiple of `hours` since the epoch."""
    moment = generated_at if generated_at.tzinfo else generated_at.replace(tzinfo=timezone.utc)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    size = timedelta(hours=hours)
    start = epoch + ((moment - epoch) // size) * size
    return f"{start:%Y-%m-%dT%H}Z/{hours}h"


def at_or_above(priority: str, threshold: str) -> bool:
    """Whether `priority` is as urgent as `threshold` or more (P0 is the most urgent)."""
    rank = {name: index for index, name in enumerate(PRIORITIES)}
    return rank.get(priority, len(PRIORITIES)) <= rank.get(threshold, len(PRIORITIES))


def category(cluster: Cluster, config: IssuesConfig, regression: bool = False) -> str:
    """`regression`, `new`, `active-dev` or `other` (see docs/issue-style-guide.md).

    The category is fixed when an issue is created (and when it is reopened as a regression). With state,
    a problem that gets its first issue is `new` even if an earlier run saw it (`recurring`): a run that
    died before creating it, or a problem that only now reached the threshold, is new to the tracker.
    """
    if regression or cluster.trend == "regressed":
        return "regression"
    if cluster.trend in ("new", "recurring"):
        return "new"
    if (
        cluster.services
        and config.active_dev_services
        and set(cluster.services) <= set(config.active_dev_services)
    ):
        return "active-dev"
    return "other"


def labels(cluster: Cluster, config: IssuesConfig) -> list[str]:
    """At most four labels: priority (always), type, area (first configured match), generated-by."""
    area: str | None = None
    for key, label in config.areas.items():
        if key in cluster.services or any(f.file.startswith(key) for f in cluster.affected_files):
            area = label
            break
    chosen = [cluster.priority, config.type_label, area, config.generated_by_label]
    result: list[str] = []
    for name in chosen:
        if name and name not in result:
            result.append(name)
    return result


def title(
    cluster: Cluster, config: IssuesConfig, regression: bool = False, issue_category: str | None = None
) -> str:
    """The issue title from the configured template; `issue_category`: the category of the issue it is for,
    which later runs keep (see `summary`)."""
    name = cluster.title
    text = config.title_template.format(
        category=issue_category or category(cluster, config, regression),
        priority=cluster.priority,
        name=name,
    )
    return safety.title(text)


def summary(
    cluster: Cluster,
    config: IssuesConfig,
    report: ScanReport,
    regression: bool = False,
    issue_category: str | None = None,
) -> Summary:
    """The material facts of `cluster` in this run (long lists cut, with a digest of the full ones).
    `issue_category`: the category of the open issue they are published on, which later runs keep (its title was set
    when it was filed, or reopened)."""
    lists = {
        "services": sorted(cluster.services),
        "revisions": sorted(cluster.revisions),
        "files": sorted({f.location for f in cluster.affected_files}),
        "error_groups": sorted(set(cluster.error_group_ids)),
    }
    digest = hashlib.sha256(json.dumps(lists, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    kept = {
        key: [safety.clip(v, MAX_ITEM_CHARS) for v in values[:MAX_LISTED]] for key, values in lists.items()
    }
    return Summary(
        fingerprint=cluster.fingerprint,
        priority=cluster.priority,
        category=issue_category or category(cluster, config, regression),
        title=title(cluster, config, regression, issue_category),
        count=cluster.count,
        events=cluster.events,
        first_seen=cluster.first_seen,
        last_seen=cluster.last_seen,
        window=window_key(report.generated_at, config.comment_window_hours),
        digest=digest,
        **kept,
    )


def earlier_window(cluster: Cluster, reported: Summary) -> str:
    """Why a run says nothing on the open issue of a problem whose entries it saw all end before the last
    occurrence the issue already reports: they are an earlier window's (a backfill, a re-run of an old hour),
    history the issue holds, not a sign that it still fires; their counts are not this hour's."""
    return (
        f"its entries here end {utc(cluster.last_seen)}, before the last occurrence the issue reports "
        f"({utc(reported.last_seen)}): an earlier window's, nothing new"
    )


RESOLVED_MARKER = "<!-- log-gardener:resolved="


def resolved_note(resolved: ResolvedCluster, report: ScanReport) -> str:
    """The comment on the open issue of a problem that went quiet (listed as resolved by this run): status
    first, then what the scans found, then the next action; its hidden marker names the last occurrence, so
    that a rerun of the run does not say it twice."""
    runs = counted(resolved.quiet_runs, "run")
    return (
        f"{COMMENT_MARKER}\n{fingerprint_marker(resolved.fingerprint)}\n"
        f"**Quiet for {runs}:** {_code(resolved.title)} was last seen {utc(resolved.last_seen)}; the last {runs} "
        f"found none (up to {utc(report.window.end or report.generated_at)}).\n\n"
        "Next action: close this issue once the fix is confirmed; if the problem fires again, a later run says "
        "so here.\n\n"
        f"<sub>log gardener {__version__}, scan at {utc(report.generated_at)}.</sub>\n"
        f"{RESOLVED_MARKER}{utc(resolved.last_seen)} -->\n"
    )


def _code(text: str, limit: int = 300) -> str:
    """An inline code span of `text`, cut to `limit` characters."""
    return safety.code(safety.clip(text, limit))


def _ranked(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _names(values: Sequence[str], limit: int = 3) -> Markup:
    shown = [_code(v) for v in values[:limit]]
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return Markup(", ".join(shown) + more) if shown else Markup("an unnamed service")


def _verb(cluster: Cluster, singular: str, plural: str) -> str:
    """`singular` for one service (or none named), `plural` for several."""
    return plural if len(cluster.services) > 1 else singular


def link_target(url: str | None) -> Markup | None:
    """`url` as the target of a markdown link: characters that could end the link are percent-encoded."""
    if not url:
        return None
    return Markup(quote(safety.clean(url).strip(), safe=_LINK_SAFE))


class Composer:
    """Renders titles, bodies and comments for the clusters of one report."""

    def __init__(self, report: ScanReport, config: IssuesConfig) -> None:
        self.report = report
        self.config = config
        self.env = _environment()
        self.by_fingerprint = {c.fingerprint: c for c in report.clusters}
        self.incidents = {i.id: i for i in report.incidents}
        self.links = {(link.cause, link.effect): link for i in report.incidents for link in i.links}

    def _filed_with_root(self, cluster: Cluster) -> bool:
        """With `per_incident`, a problem of an incident other than its root is filed in the root's issue."""
        incident = self.incidents.get(cluster.incident or "")
        return self.config.per_incident and incident is not None and incident.root != cluster.fingerprint

    def selected(self) -> list[Cluster]:
        """Clusters at or above the threshold, in report order (most urgent first); with `per_incident`,
        only incident roots (a cause is at least as urgent as its effects, so no effect is left out)."""
        return [
            c
            for c in self.report.clusters
            if at_or_above(c.priority, self.config.threshold) and not self._filed_with_root(c)
        ]

    def below(self) -> list[Cluster]:
        """Clusters under the threshold, in report order: their open issues are kept up to date, no new
        issue is filed for them."""
        return [c for c in self.report.clusters if not at_or_above(c.priority, self.config.threshold)]

    def related(self, cluster: Cluster, numbers: Mapping[str, int], draft: bool = False) -> list[Related]:
        """The clusters linked to `cluster` (causes and effects), with their issue numbers where known."""
        result = []
        for fingerprint in cluster.related:
            other = self.by_fingerprint.get(fingerprint)
            if other is None:
                continue
            relation, link = "linked with", None
            if fingerprint in cluster.causes:
                relation, link = "caused by", self.links.get((fingerprint, cluster.fingerprint))
            elif fingerprint in cluster.effects:
                relation, link = "causes", self.links.get((cluster.fingerprint, fingerprint))
            status: str
            if self._filed_with_root(other):
                root = self.incidents[other.incident or ""].root
                status = (
                    "no issue of its own: filed with this issue"
                    if root == cluster.fingerprint
                    else ("no issue of its own: filed with its incident's root")
                )
            elif not at_or_above(other.priority, self.config.threshold):
                status = Markup(f"below the issue threshold ({safety.inert(other.priority)})")
            elif draft:
                status = "drafted in this run"
            else:
                status = "no issue yet"
            result.append(
                Related(
                    fingerprint,
                    other.title,
                    numbers.get(fingerprint),
                    status,
                    relation,
                    "; ".join(link.evidence) if link else "",
                )
            )
        return result

    def story(self, cluster: Cluster) -> str | None:
        """The incident's story, for the issue of an incident root with links."""
        incident = self.incidents.get(cluster.incident or "")
        if incident is None or incident.root != cluster.fingerprint or not incident.links:
            return None
        return incident.story

    def issue(
        self, cluster: Cluster, numbers: Mapping[str, int], regression: bool = False, draft: bool = False
    ) -> IssueContent:
        """The issue for `cluster`; `numbers` maps fingerprints to existing issue numbers.

        `draft`: the body is for a draft, so related problems at or above the threshold have no number yet.
        """
        state = summary(cluster, self.config, self.report, regression)
        related = self.related(cluster, numbers, draft)
        state = state.model_copy(update={"related_issues": sorted(r.number for r in related if r.number)})
        body = ""
        for budget in BUDGETS:
            body = self.env.get_template("issues/body.md.j2").render(
                c=cluster,
                facts=self._facts(cluster, budget),
                related=related,
                story=self.story(cluster),
                report=self.report,
                config=self.config,
                budget=budget,
                fingerprint_marker=Markup(fingerprint_marker(cluster.fingerprint)),
                state_marker=Markup(state_marker(state)),
                facts_marker=Markup(facts_marker(state)),
                version=__version__,
                generated_at=utc(self.report.generated_at),
                window=window_seconds_text(self.config),
            )
            if len(body) <= MAX_BODY_CHARS:
                break
        return IssueContent(
            fingerprint=cluster.fingerprint,
            title=state.title,
            labels=labels(cluster, self.config),
            body=body[:MAX_BODY_CHARS],
            summary=state,
        )

    def comment(
        self,
        cluster: Cluster,
        previous: Summary | None,
        regression: bool = False,
        closed_at: datetime | None = None,
        reopened: bool = False,
        draft: bool = False,
        issue_category: str | None = None,
    ) -> tuple[str, Summary]:
        """A status comment: what changed since `previous`, or why the issue is a regression.

        `draft`: the comment is posted by the `gh` script, which never edits comments. `issue_category`: the
        category of the open issue it goes on (see `summary`).
        """
        current = summary(cluster, self.config, self.report, regression, issue_category)
        text = self.env.get_template("issues/comment.md.j2").render(
            c=cluster,
            changes=changes(previous, current),
            previous=previous,
            regression=regression,
            reopened=reopened,
            closed_at=utc(closed_at) if closed_at else None,
            first_seen=utc(cluster.first_seen),
            last_seen=utc(cluster.last_seen),
            during=during(cluster.first_seen, cluster.last_seen),
            services=_names(sorted(cluster.services)),
            next_action=next_action(cluster),
            comment_marker=Markup(COMMENT_MARKER),
            fingerprint_marker=Markup(fingerprint_marker(cluster.fingerprint)),
            state_marker=Markup(state_marker(current)),
            facts_marker=Markup(facts_marker(current)),
            version=__version__,
            generated_at=utc(self.report.generated_at),
            window_hours=None if draft else self.config.comment_window_hours,
        )
        return safety.clip(text, MAX_BODY_CHARS), current

    def _facts(self, cluster: Cluster, budget: Budget) -> dict[str, object]:
        services = [name for name, _ in _ranked(cluster.services)]
        sample = cluster.samples[0] if cluster.samples else None
        project = cluster_project(cluster, self.report.project)
        return {
            "project": project,
            "headline": headline(cluster, self.report),
            "services": _names(services),
            "service_counts": _ranked(cluster.services)[: budget.items],
            "revision_counts": _ranked(cluster.revisions)[: budget.items],
            "files": cluster.affected_files[: budget.items],
            "error": error_line(cluster, budget.text),
            "first_seen": utc(cluster.first_seen),
            "last_seen": utc(cluster.last_seen),
            "time_range": (
                utc(cluster.first_seen)
                if utc(cluster.first_seen) == utc(cluster.last_seen)
                else f"{utc(cluster.first_seen)} to {utc(cluster.last_seen)}"
            ),
            "share": f"{cluster.share:.1%}",
            "scanned": self.report.totals.read,
            "expected": expected_behavior(cluster),
            "reproduction": reproduction_steps(cluster),
            "groups": [
                (group, link_target(error_reporting_url(group, project)))
                for group in cluster.error_group_ids[: budget.items]
            ],
            "more_groups": max(0, len(cluster.error_group_ids) - budget.items),
            "sample": sample,
            "sample_time": iso(sample.timestamp.astimezone(timezone.utc)) if sample else None,
            "console_url": link_target(self.report.console_url),
            "sample_query": sample_query(cluster),
            "sample_query_url": link_target(logs_explorer_url(sample_query(cluster), project)),
            "justification": justification(cluster, self.config),
            "statuses": _ranked(cluster.http_statuses)[: budget.items],
            "routes": cluster.routes[: budget.items],
        }


def window_seconds_text(config: IssuesConfig) -> str:
    seconds = config.related_window_seconds
    return f"{seconds:g} seconds"


def headline(cluster: Cluster, report: ScanReport) -> Markup:
    """The first sentence of the body: what fails, where, how much, since when."""
    services = _names([name for name, _ in _ranked(cluster.services)])
    return Markup(
        f"{services} logged {severity_counts(cluster)} matching {_code(error_text(cluster))} "
        f"{during(cluster.first_seen, cluster.last_seen)} "
        f"({cluster.share:.1%} of the {counted(report.totals.read, 'entry')} scanned)."
    )


def _severity_rank(name: str) -> int:
    member = Severity.__members__.get(name)
    return int(member) if member is not None else -1


def severity_counts(cluster: Cluster) -> str:
    """`84 ERROR entries` when all share one severity, else `647 entries (CRITICAL 3, ERROR 644)`."""
    noun = "entry" if cluster.count == 1 else "entries"
    ranked = sorted(cluster.severities.items(), key=lambda item: (-_severity_rank(item[0]), item[0]))
    if len(ranked) == 1 and ranked[0][1] == cluster.count:
        return f"{cluster.count} {safety.inert(ranked[0][0])} {noun}"
    if not ranked:
        return f"{cluster.count} {noun}"
    parts = ", ".join(f"{safety.inert(name)} {n}" for name, n in ranked)
    return f"{cluster.count} {noun} ({parts})"


def _with_type(cluster: Cluster, text: str) -> str:
    if cluster.exception_type and not text.startswith(cluster.exception_type):
        return f"{cluster.exception_type}: {text}" if text else cluster.exception_type
    return text


def error_text(cluster: Cluster) -> str:
    """What every entry of the cluster says: its template (`<*>` where entries differ), with the exception type;
    its message when every event is a sample and all say the same (nothing differs, so nothing is masked).

    Never one sample's message otherwise: a sample is quoted only as an example (see `example_text`).
    """
    shared = cluster.shared_message()
    if shared is not None:
        return _with_type(cluster, shared)
    return _with_type(cluster, cluster.template) or cluster.title


def example_text(cluster: Cluster) -> str | None:
    """The representative sample's error, when it says more than `error_text` (else None: also when it says
    nothing, an entry written with a message of spaces or line breaks only)."""
    if not cluster.samples:
        return None
    text = _with_type(cluster, cluster.message)
    said = " ".join(text.split())
    return text if said and said != error_text(cluster) else None


def error_line(cluster: Cluster, limit: int = 300) -> Markup:
    """The error every entry shows, then one sample's as an example with its own timestamp."""
    error = error_text(cluster)
    line = _code(error, limit)
    if WILDCARD in error:
        line += f" (`{WILDCARD}` varies)"
    example = example_text(cluster)
    if example is not None:
        moment = iso(cluster.samples[0].timestamp.astimezone(timezone.utc))
        line += f", e.g. {_code(example.strip().splitlines()[0], limit)} at {moment}"
    return Markup(line)


def _module(cluster: Cluster) -> str | None:
    found = _NO_MODULE.search(cluster.template)
    if found:
        return found.group(1)
    found = _CANNOT_IMPORT.search(cluster.template)
    return f"{found.group(2)}.{found.group(1)}" if found else None


def _audit_call_text(call: AuditCall) -> tuple[str, str]:
    """(the method, the API) of a refused call, in code spans, or words when the audit entries name none."""
    return (_code(call.method) if call.method else "the call"), (_code(call.api) if call.api else "the API")


def expected_behavior(cluster: Cluster) -> list[Markup]:
    """What should happen instead, as far as the evidence supports it (never the design or the fix)."""
    services = _names(sorted(cluster.services))
    module = _module(cluster)
    top = cluster.affected_files[0] if cluster.affected_files else None
    statements: list[Markup] = []
    start = _verb(cluster, "starts", "start")
    if module is not None:
        includes = _verb(cluster, "its image includes", "their images include")
        statements.append(
            Markup(
                f"{services} {start} without importing {_code(module)}, "
                f"or {includes} {_code(module.split('.')[0])}."
            )
        )
    elif cluster.exception_type in STARTUP_EXCEPTION_TYPES:
        statements.append(Markup(f"{services} {start} without {_code(cluster.exception_type or '')}."))
    if _EXIT in cluster.template:
        statements.append(
            Markup(
                f"Instances of {services} keep serving instead of exiting; "
                "the exit is a symptom, so look at what the instance logged just before it."
            )
        )
    server_errors = sum(n for status, n in cluster.http_statuses.items() if status.startswith("5"))
    if cluster.kind == "request" and server_errors:
        routes = _names(cluster.routes) if cluster.routes else Markup("these requests")
        answer = "answers" if len(cluster.routes) == 1 else "answer"
        statements.append(Markup(f"{routes} {answer} without a 5xx status ({server_errors} did not)."))
    call = cluster.audit_call()
    if call is not None:
        method, api = _audit_call_text(call)
        statements.append(
            Markup(
                f"Calls of {method} to {api} succeed, or are no longer made "
                f"({counted(cluster.events, 'call')} refused with {_code(call.status)})."
            )
        )
    if not statements and cluster.exception_type and top is not None:
        where = _code(top.location)
        function = f" in {_code(top.function)}" if top.function else ""
        failing = (
            "panicking"  # Go and Rust panic; nothing is raised
            if cluster.exception_type == "panic"
            else f"raising {_code(cluster.exception_type)}"
        )
        statements.append(Markup(f"The code at {where}{function} completes without {failing}."))
    if not statements:
        statements.append(
            Markup(
                f"{services} {_verb(cluster, 'runs', 'run')} without logging this "
                f"{safety.inert(cluster.max_severity)} message."
            )
        )
    return statements


def reproduction_steps(cluster: Cluster) -> list[Markup]:
    """Steps the logs support; says so when they do not show the trigger."""
    steps: list[Markup] = []
    service = _ranked(cluster.services)[0][0] if cluster.services else None
    revision = _ranked(cluster.revisions)[0][0] if cluster.revisions else None
    call = cluster.audit_call()
    if call is not None:  # the service is the API that refused: the caller's call is what to repeat
        method, api = _audit_call_text(call)
        steps.append(
            Markup(
                f"Call {method} on {api} as the caller named in "
                "`protoPayload.authenticationInfo.principalEmail`, on the resource named in "
                "`protoPayload.resourceName` (the sample's entry)."
            )
        )
    elif service and revision:
        steps.append(Markup(f"Run revision {_code(revision)} of {_code(service)}."))
    elif service:
        steps.append(Markup(f"Run {_code(service)}."))
    if cluster.exception_type in STARTUP_EXCEPTION_TYPES:
        raised = _code(cluster.exception_type or "")
        steps.append(Markup(f"Start it: {raised} is raised while importing."))
    elif cluster.kind == "request" and cluster.routes:
        steps.append(Markup(f"Send a request to {_names(cluster.routes)}."))
    elif call is None:
        steps.append(Markup("The logs do not record what triggers it; start from the sample below."))
    steps.append(
        Markup(
            f"Expect {_code(error_text(cluster))} in the logs ({counted(cluster.events, 'event')}"
            + (
                f" from {cluster.instances} instance{'s' if cluster.instances != 1 else ''}"
                if cluster.instances
                else ""
            )
            + ")."
        )
    )
    return steps


def next_action(cluster: Cluster) -> Markup:
    """The next action for a comment: the prioritizer's first action, else the top affected file."""
    if cluster.actions:
        return Markup(safety.prose(safety.clip(cluster.actions[0], 600)))
    if cluster.affected_files:
        return Markup(f"Check {_code(cluster.affected_files[0].location)}.")
    return Markup("Read the sample and the Logs Explorer query in the issue body.")


def justification(cluster: Cluster, config: IssuesConfig) -> list[tuple[str, str]]:
    """Business justification text per service from the config ('*' for any other service)."""
    texts = config.business_justification
    result = [(service, texts[service]) for service in sorted(cluster.services) if service in texts]
    if not result and "*" in texts:
        result.append(("*", texts["*"]))
    return result


def error_reporting_url(group: str, project: str | None) -> str | None:
    """The Error Reporting console page of a group, when the project is known."""
    if not project:
        return None
    return (
        "https://console.cloud.google.com/errors/detail/"
        f"{quote(group, safe='')}?project={quote(project, safe='')}"
    )


def sample_query(cluster: Cluster) -> str | None:
    """A Logs Explorer query matching the samples by insertId, within the seconds they were logged in: Logs
    Explorer searches only the last hour unless the query bounds `timestamp` itself."""
    samples = [s for s in cluster.samples if s.insert_id][:5]
    if not samples:
        return None
    moments = [s.timestamp.astimezone(timezone.utc).replace(microsecond=0) for s in samples]
    ids = " OR ".join(f'insertId="{s.insert_id}"' for s in samples)
    return (
        f'timestamp>="{utc(min(moments))}" AND timestamp<"{utc(max(moments) + timedelta(seconds=1))}" '
        f"AND ({ids})"
    )


def logs_explorer_url(query: str | None, project: str | None) -> str | None:
    """The Logs Explorer page running `query`, when the project is known."""
    if not query or not project:
        return None
    return (
        "https://console.cloud.google.com/logs/query;query="
        f"{quote(query, safe='')}?project={quote(project, safe='')}"
    )


def changes(previous: Summary | None, current: Summary) -> list[Markup]:
    """What differs between two summaries, one line each (counts, window, priority, new places)."""
    if previous is None:
        return []
    lines: list[Markup] = []
    if previous.priority != current.priority:
        lines.append(Markup(f"Priority {previous.priority} → {current.priority}."))
    if previous.count != current.count or previous.events != current.events:
        lines.append(
            Markup(
                f"Entries {previous.count} → {current.count}; events {previous.events} → {current.events}."
            )
        )
    if previous.last_seen != current.last_seen or previous.first_seen != current.first_seen:
        lines.append(
            Markup(
                f"Seen {utc(previous.first_seen)} to {utc(previous.last_seen)} before; "
                f"now {utc(current.first_seen)} to {utc(current.last_seen)}."
            )
        )
    for label, before, after in (
        ("services", previous.services, current.services),
        ("revisions", previous.revisions, current.revisions),
        ("files", previous.files, current.files),
        ("Error Reporting groups", previous.error_groups, current.error_groups),
    ):
        added = [value for value in after if value not in before]
        if added:
            lines.append(Markup(f"New {label}: {_names(added, 5)}."))
    return lines

"""Immediate actions that the evidence of a cluster supports — built from its facts, never invented."""

from __future__ import annotations

import re

from loggardener.clustering.models import AuditCall, Cluster
from loggardener.entries.payloads import LOAD_BALANCER_OUTCOME, SECURITY_POLICY_SUFFIX
from loggardener.regexes import compile_regex
from loggardener.rendering.markdown_safety import inline_code as code

_MISSING_MODULE = compile_regex(r"No module named '([^']+)'")
_CANNOT_IMPORT = compile_regex(r"cannot import name '([^']+)' from '([^']+)'")
# The parser's texts for a request a security policy refused, a load balancer's own answer, a failed health
# check (`entries.payloads`)
_POLICY_REFUSAL = compile_regex(r"^(\w+)" + SECURITY_POLICY_SUFFIX + r": security policy (\S+)")
_HEALTH_CHECK = compile_regex(r"^(\w+ )?health check (?!HEALTHY\b)(\w+)")


def _services(cluster: Cluster) -> str:
    return ", ".join(f"{code(s)}" for s in cluster.services) or "the affected service"


def _revisions(cluster: Cluster) -> str:
    return ", ".join(f"{code(r)}" for r in list(cluster.revisions)[:3])


def _where(cluster: Cluster) -> str:
    services = _services(cluster)
    return f"{services} (revision {_revisions(cluster)})" if cluster.revisions else services


def _files(cluster: Cluster, limit: int = 4) -> str:
    return ", ".join(f"{code(f.location)}" for f in cluster.affected_files[:limit])


def actions_for(cluster: Cluster) -> list[str]:
    """Actions in the order to take them."""
    message = cluster.message
    where = _where(cluster)
    actions: list[str] = []
    missing = _MISSING_MODULE.search(message)
    cannot = _CANNOT_IMPORT.search(message)
    if missing:
        actions.append(
            f"Make module {code(missing[1])} importable in the image of {where}: add it to the dependencies or the "
            f"container build, or make the service start without it."
        )
        if cluster.affected_files:
            actions.append(f"Check the imports at {_files(cluster)}.")
    elif cannot:
        actions.append(
            f"{code(cannot[2])} no longer provides {code(cannot[1])} in {where}: align the importer with the module's "
            f"current API or pin the version that has it."
        )
    elif re.search(r"Container called exit\(\d+\)|Application exec likely failed", message):
        actions.append(
            f"Find why the container exits in {where}: read the entries just before each exit on the same instance"
            + (
                f" ({cluster.instances} instance{'s' if cluster.instances != 1 else ''} affected)."
                if cluster.instances
                else "."
            )
        )
    elif re.search(r"Ready condition status changed to False|is not ready", message):
        broken = f" (not ready: revision {_revisions(cluster)})" if cluster.revisions else ""
        actions.append(
            f"Send the traffic of {_services(cluster)} back to its last ready revision{broken}, or fix the "
            "startup failure, then redeploy."
        )
    elif cluster.kind == "request" and (refusal := _POLICY_REFUSAL.match(message)):
        actions.append(
            f"Check whether the {cluster.count} request{'' if cluster.count == 1 else 's'} security policy "
            f"{code(refusal[2])} "
            f"{refusal[1].replace('_', ' ')} for {where} came from your own clients: if they did, adjust the "
            "policy or the rule that matched; a scanner's requests need nothing."
        )
    elif cluster.kind == "request" and message.startswith(LOAD_BALANCER_OUTCOME):
        statuses = "/".join(sorted(cluster.http_statuses))
        actions.append(
            f"The load balancer answered HTTP {statuses} itself ({code(message[len(LOAD_BALANCER_OUTCOME) :])}) "
            f"for {where}: check that its backends are healthy, reachable and within their capacity and timeout."
        )
    elif health := _HEALTH_CHECK.match(message):
        actions.append(
            f"Find why the backends of {where} fail their {(health[1] or '').strip() or 'load balancer'} health "
            f"check ({code(health[2])}): check that they listen on the port and path it probes, answer within its "
            "timeout, and that the firewall admits the probes."
        )
    elif cluster.kind == "request":
        routes = ", ".join(f"{code(r)}" for r in cluster.routes[:3])
        statuses = "/".join(sorted(cluster.http_statuses))
        actions.append(
            f"Find the cause of HTTP {statuses} on {routes} in {where}; "
            f"{cluster.count} request{'' if cluster.count == 1 else 's'} failed."
        )
    elif cluster.exception_type and cluster.affected_files:
        top = cluster.affected_files[0]
        actions.append(
            f"Fix {_raised(cluster.exception_type)} in {code(top.function or top.file)} at {code(top.location)} "
            f"({where})."
        )
    elif cluster.exception_type:
        failure = "the panic" if cluster.exception_type == "panic" else code(cluster.exception_type)
        actions.append(f"Fix {failure} in {where}; the stack has no frame of your code.")
    elif (call := cluster.audit_call()) is not None:
        actions.append(_audit_action(cluster, call))
    else:
        actions.append(f"Investigate {code(cluster.shared_message() or cluster.template)} in {where}.")
    if cluster.error_group_ids:
        actions.append("Follow the Error Reporting groups listed with this problem for full occurrences.")
    return actions


_DENIED = ("PERMISSION_DENIED", "UNAUTHENTICATED")


def _audit_call_text(call: AuditCall) -> tuple[str, str]:
    """(the method, the API) of a refused call, in code spans, or words when the audit entries name none."""
    method = code(call.method) if call.method else "the call"
    api = code(call.api) if call.api else "the API"
    return method, api


def _audit_action(cluster: Cluster, call: AuditCall) -> str:
    """What to do about calls an API refused: who and what the audit entries name is where to look (the
    service the problem is listed under is Google's API, not a service of yours to run or fix)."""
    method, api = _audit_call_text(call)
    times = "once" if cluster.events == 1 else f"{cluster.events} times"
    refused = f"{api} refused {method} {times} ({code(call.status)})"
    refused = refused[0].upper() + refused[1:]  # `The API …` when the entries name none
    if call.status in _DENIED:
        return (
            f"{refused}: give the caller named in `protoPayload.authenticationInfo.principalEmail` the "
            "permission the method needs on the resource named in `protoPayload.resourceName`, or stop the call."
        )
    if call.status == "RESOURCE_EXHAUSTED":
        return (
            f"{refused}: raise the quota or free the capacity it ran out of (`protoPayload.status` names it), "
            "or ask for less."
        )
    # the status message one of them gave (`CODE on method (api): message`: the parser's text)
    said = cluster.message.split("\n", 1)[0]
    why = said.split(": ", 1)[1] if said.startswith(f"{call.status} on ") and ": " in said else ""
    who = "it said" if cluster.events == 1 else "one said"
    reason = f"{who} {code(why)}" if why.strip() else "`protoPayload.status` of the entries says why"
    return f"{refused}: {reason}; fix the request or what it needs."


def _raised(exception_type: str) -> str:
    """`` `KeyError` raised `` (an exception), `the panic` (Go and Rust panic: nothing is raised)."""
    return "the panic" if exception_type == "panic" else f"{code(exception_type)} raised"

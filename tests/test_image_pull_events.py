"""The kubelet's events of one image it cannot pull are one problem (the failure that says why), not three.

Event texts as `kubectl describe pod` printed them in turbaszek/keda-example#6 and kastenhq/kubestr#66.
"""

from __future__ import annotations

from typing import Any

from conftest import scan_entries

PULL_FAILED = (
    'Failed to pull image "local/dummy": rpc error: code = Unknown desc = Error response from daemon: pull '
    "access denied for local/dummy, repository does not exist or may require 'docker login': denied: "
    "requested access to the resource is denied"
)
OTHER_IMAGE_FAILED = (
    'Failed to pull image "ghcr.io/kastenhq/kubestr:latest": rpc error: code = Unknown desc = error pulling '
    "image configuration: denied: unauthenticated: User cannot be authenticated with the token provided."
)


def event(second: int, pod: str, reason: str, message: str, namespace: str = "default") -> dict[str, Any]:
    return {
        "insertId": f"ev-{pod}-{second}-{reason}-{len(message)}",
        "timestamp": f"2026-12-01T10:{second // 60:02d}:{second % 60:02d}Z",
        "severity": "WARNING",
        "logName": "projects/p/logs/events",
        "resource": {"type": "k8s_pod", "labels": {"project_id": "p", "cluster_name": "c",
                                                   "namespace_name": namespace, "pod_name": pod}},
        "jsonPayload": {"kind": "Event", "reason": reason, "message": message, "type": "Warning",
                        "involvedObject": {"kind": "Pod", "name": pod, "namespace": namespace,
                                           "fieldPath": "spec.containers{dummy}"}},
    }  # fmt: skip


def pulls(
    pod: str, start: int, failed: str = PULL_FAILED, namespace: str = "default"
) -> list[dict[str, Any]]:
    """One round of the kubelet's pull: the failure, then its retries."""
    image = failed.split('"')[1]
    return [
        event(start, pod, "Failed", failed, namespace),
        event(start, pod, "Failed", "Error: ErrImagePull", namespace),
        event(start + 13, pod, "BackOff", f'Back-off pulling image "{image}"', namespace),
        event(start + 13, pod, "Failed", "Error: ImagePullBackOff", namespace),
    ]


def problems(entries: list[dict[str, Any]]) -> dict[str, tuple[list[str], int]]:
    report = scan_entries(entries)
    return {c.title: (sorted(c.services), c.events) for c in report.clusters}


def test_an_image_the_kubelet_cannot_pull_is_one_problem_titled_by_why() -> None:
    entries = [e for i, pod in enumerate(("dummy-547c69d8bf-7wcwh", "dummy-547c69d8bf-9lmzt")) for e in (
        pulls(pod, i) + pulls(pod, 120 + i)
    )]  # fmt: skip
    found = problems(entries)
    assert len(found) == 1, found
    [(title, (services, events))] = found.items()
    assert title.startswith(
        'Failed: Failed to pull image "local/dummy": rpc error: code = Unknown desc = Error'
    )
    assert (services, events) == (["default/dummy"], 16)


def test_workloads_failing_to_pull_alike_are_one_problem_with_their_retries() -> None:
    other = PULL_FAILED.replace("local/dummy", "local/api")
    entries = pulls("dummy-547c69d8bf-7wcwh", 0) + pulls("api-5f6d8c7b9-x2x9z", 30, other, "shop")
    found = problems(entries)
    assert list(found.values()) == [(["default/dummy", "shop/api"], 8)], found


def test_retries_without_their_failure_or_with_two_stay_a_problem_of_their_own() -> None:
    # the failure's event before the window: nothing says why, the retries are the problem
    alone = [
        e for e in pulls("dummy-547c69d8bf-7wcwh", 0) if not e["jsonPayload"]["message"].startswith("Failed")
    ]
    assert {title for title in problems(alone)} == {
        "Failed: Error: ErrImagePull",
        'BackOff: Back-off pulling image "local/dummy"',
        "Failed: Error: ImagePullBackOff",
    }
    # two images failing for one workload: which one a retry is about is not said
    both = [
        *pulls("dummy-547c69d8bf-7wcwh", 0),
        event(40, "dummy-547c69d8bf-7wcwh", "Failed", OTHER_IMAGE_FAILED),
    ]
    assert len(problems(both)) == 5
    # two workloads failing for different reasons: the kubelet's retries of both are one template, which
    # neither failure covers
    apart = pulls("dummy-547c69d8bf-7wcwh", 0) + pulls(
        "kubestr-5f6d8c7b9-x2x9z", 30, OTHER_IMAGE_FAILED, "kasten"
    )
    assert problems(apart)["Failed: Error: ErrImagePull"] == (["default/dummy", "kasten/kubestr"], 2)


def test_a_container_the_kubelet_restarts_is_no_image_pull_retry() -> None:
    entries = pulls("dummy-547c69d8bf-7wcwh", 0) + [
        event(60 + i, "dummy-547c69d8bf-7wcwh", "BackOff", "Back-off restarting failed container")
        for i in range(2)
    ]
    found = problems(entries)
    assert found["BackOff: Back-off restarting failed container (default/dummy)"] == (["default/dummy"], 2)
    assert len(found) == 2

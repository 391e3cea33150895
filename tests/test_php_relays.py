"""PHP's text relayed by php-fpm and nginx: the relayed level and message, on entries written for the test."""

from __future__ import annotations

import pytest

from conftest import scan_entries
from entry_factories import gke_entry
from loggardener.entries.levels import declared_level, strip_prefix

FPM = "[02-Jan-2026 08:00:00] WARNING: [pool app] child 17 said into stderr: "
NGINX = "2026/01/02 08:00:00 [error] 31#31: *90 FastCGI sent in stderr: "
NGINX_CONTEXT = (
    ' while reading response header from upstream, client: 10.1.2.3, server: shop, request: "GET /report HTTP/1.1",'
    ' upstream: "fastcgi://127.0.0.1:9000", host: "shop.example"'
)
FATAL = "PHP Fatal error:  Maximum execution time of 30 seconds exceeded in /srv/app/Report.php on line 88"
DEPRECATED = "PHP Deprecated:  Function utf8_encode() is deprecated in /srv/app/Csv.php on line 12"


@pytest.mark.parametrize(
    ("line", "severity", "body"),
    [
        # php-fpm ≥ 7.3 puts the worker's `NOTICE: PHP message:` inside the quotes it relays it in
        (f'{FPM}"NOTICE: PHP message: {FATAL}"', "ERROR", FATAL),
        (f'{FPM}"NOTICE: PHP message: {DEPRECATED}"', "NOTICE", DEPRECATED),
        # nginx relays what php-fpm wrote under its own `[error]`: the relayed level counts, then nginx's
        (f'{NGINX}"PHP message: {FATAL}"{NGINX_CONTEXT}', "ERROR", FATAL),
        (f'{NGINX}"PHP message: {DEPRECATED}"{NGINX_CONTEXT}', "NOTICE", DEPRECATED),
        (f'{NGINX}"Primary script unknown"{NGINX_CONTEXT}', "ERROR", "Primary script unknown"),
    ],
)
def test_a_relayed_php_message_declares_its_own_level_and_is_the_title(
    line: str, severity: str, body: str
) -> None:
    declared = declared_level(line)
    assert declared is not None and declared.severity.name == severity
    assert strip_prefix(line) == body


@pytest.mark.parametrize(
    ("line", "severity", "body"),
    [
        # what a worker writes without PHP's error_log prefix keeps the level it declares, or none
        (f'{FPM}"ERROR: queue unreachable"', "ERROR", "queue unreachable"),
        (f'{FPM}"worker warmed the cache"', None, "worker warmed the cache"),
        # nginx's own errors keep nginx's level and lose only the request's context
        (
            f"2026/01/02 08:00:00 [error] 31#31: *90 upstream timed out (110: Connection timed out){NGINX_CONTEXT}",
            "ERROR",
            "upstream timed out (110: Connection timed out) while reading response header from upstream",
        ),
        # the words elsewhere than right after nginx's header are the message's
        (
            f'{NGINX}"x"{NGINX_CONTEXT}'.replace(
                "FastCGI sent in stderr: ", "upstream said: FastCGI sent in stderr: "
            ),
            "ERROR",
            'upstream said: FastCGI sent in stderr: "x" while reading response header from upstream',
        ),
    ],
)
def test_other_relayed_and_nginx_lines_are_unchanged(line: str, severity: str | None, body: str) -> None:
    declared = declared_level(line)
    assert (declared.severity.name if declared else None) == severity
    assert strip_prefix(line) == body


def test_php_fpms_and_nginxs_relays_of_one_fatal_error_are_one_problem() -> None:
    entries = [
        gke_entry(i * 40 + offset, text=text, pod="shop-7d-x2k9q")
        for i in range(2)
        for offset, text in ((0, f'{FPM}"NOTICE: PHP message: {FATAL}"'), (0.002, f'{NGINX}"PHP message: {FATAL}"{NGINX_CONTEXT}'))
    ]  # fmt: skip
    (problem,) = scan_entries(entries).clusters
    assert problem.count == 4 and problem.max_severity == "ERROR"
    assert problem.title.startswith("PHP Fatal error: Maximum execution time of 30 seconds exceeded")

from __future__ import annotations

import errno
import json
import os
import platform
import random
import re
import string
import subprocess
import sys
import tracemalloc
import uuid
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linear import assert_linear
from loggardener.clustering.miner import OTHER_ID, TemplateMiner, signature

USERS = ["admin", "oracle", "test", "webmaster", "guest", "zabbix"]


def clusters_of(messages: list[str], **options: int) -> dict[str, str]:
    """message -> final template."""
    miner = TemplateMiner(**options)
    ids = [miner.add(message) for message in messages]
    return {message: miner.template(template_id) for message, template_id in zip(messages, ids, strict=True)}


def assert_one_cluster_per_event(events: list[Callable[[], str]], lines: int, rng: random.Random) -> None:
    """`lines` messages of events drawn at random: each event's messages are one cluster, its own."""
    truth = [rng.randrange(len(events)) for _ in range(lines)]
    messages = [events[event]() for event in truth]
    clusters = clusters_of(messages)
    by_event: dict[int, set[str]] = {}
    for message, event in zip(messages, truth, strict=True):
        by_event.setdefault(event, set()).add(clusters[message])
    assert all(len(found) == 1 for found in by_event.values())
    assert len({next(iter(found)) for found in by_event.values()}) == len(events)


def test_template_reads_with_wildcards() -> None:
    messages = [f"Database connection validation timeout exceeded ({n}s) for pool db-{n}" for n in (5, 30)]
    assert set(clusters_of(messages).values()) == {
        "Database connection validation timeout exceeded (<*>s) for pool <*>"
    }


def test_variable_word_merges_once_it_shows_enough_values() -> None:
    messages = [f"Invalid user {user} from 10.0.0.{i}" for i, user in enumerate(USERS)]
    assert set(clusters_of(messages).values()) == {"Invalid user <*> from <*>"}


def test_one_differing_word_never_merges() -> None:
    # Drain3 #109: lifecycle events differ in one meaningful word, and are different events.
    messages = [
        f"[instance: 5e7a{i}c2d-aaaa-bbbb-cccc-dddddddddddd] VM {state} (Lifecycle Event)"
        for i in range(5)
        for state in ("Started", "Paused", "Resumed", "Stopped")
    ]
    assert set(clusters_of(messages).values()) == {
        f"[instance: <*>] VM {state} (Lifecycle Event)"
        for state in ("Started", "Paused", "Resumed", "Stopped")
    }


def test_two_differing_words_with_little_context_stay_apart() -> None:
    assert len(set(clusters_of(["cupsd startup succeeded", "syslogd startup succeeded"]).values())) == 2


def test_same_event_with_different_token_counts_is_one_cluster() -> None:
    # Drain3 #66: `test9` and a two-word user name must not split "Invalid user <*> from <*>".
    messages = [f"Invalid user {user} from 10.0.0.1" for user in [*USERS, "test9", "boris zhang"]]
    assert set(clusters_of(messages).values()) == {"Invalid user <*> from <*>"}


def test_masked_values_of_different_shapes_do_not_fragment() -> None:
    messages = [
        "Query finished in 30ms on shard 4",
        "Query finished in 2s on shard 7",
        "Upstream 10.1.2.3 answered",
        "Upstream 10.1.2.3:8443 answered",
        "nodes [1, 2, 3] rebalanced by the scheduler",
        "nodes [17] rebalanced by the scheduler",
    ]
    assert len(set(clusters_of(messages).values())) == 3


def test_variable_first_token() -> None:
    messages = [f"{user} logged in from the console" for user in USERS]
    assert set(clusters_of(messages).values()) == {"<*> logged in from the console"}


def test_ids_do_not_drift_after_assignment() -> None:
    miner = TemplateMiner()
    first = miner.add("Invalid user admin from 10.0.0.1")
    assert miner.template(first) == "Invalid user admin from <*>"
    cluster_then = miner.resolve(first)
    for user in USERS[1:]:
        miner.add(f"Invalid user {user} from 10.0.0.2")
    # The id given out still names the message's cluster; the template is the cluster's final one.
    assert miner.add("Invalid user admin from 10.9.9.9") == first
    assert miner.template(first) == "Invalid user <*> from <*>"
    assert miner.resolve(first) != cluster_then
    assert [c.template for c in miner.clusters()] == ["Invalid user <*> from <*>"]


def test_cap_sends_new_shapes_to_an_honest_other_bucket() -> None:
    miner = TemplateMiner(max_templates=4)
    for user in USERS[:4]:
        miner.add(f"Invalid user {user} from 10.0.0.1")
    assert miner.add("Invalid user mallory from 10.0.0.9") != OTHER_ID  # fills a proven variable slot
    assert miner.add("disk full on /dev/sda1") == OTHER_ID
    assert miner.add("kernel panic") == OTHER_ID
    clusters = miner.clusters()
    assert [(c.template, c.count) for c in clusters] == [
        ("Invalid user <*> from <*>", 5),
        ("(other messages: more than 4 templates)", 2),
    ]
    assert clusters[-1].id == OTHER_ID


# A small grammar of events with variable slots, to generate streams.
EVENTS = [
    "Invalid user {word} from {ip}",
    "Accepted password for {word} from {ip} port {num} ssh2",
    "session opened for user {word} by (uid={num})",
    "VM {state} (Lifecycle Event)",
    "{word} logged in from the console",
    "worker {num} finished job {hex} in {num}ms",
    "disk usage at {num}% on {word}",
    "failed to read '{word}' channel",
    "{word}.example.{state} open through proxy {ip}:{num} HTTPS",
    "removing {word}",
]
WORDS = st.sampled_from([*USERS, "root", "alice", "bob", "carol", "dave", "eve", "boris zhang"])
message = st.builds(
    lambda event, word, number, state, hex_id: event.format(
        word=word, ip=f"10.0.{number % 256}.{number % 7}", num=number, state=state, hex=hex_id
    ),
    st.sampled_from(EVENTS),
    WORDS,
    st.integers(min_value=0, max_value=99_999),
    st.sampled_from(["Started", "Paused", "Resumed", "Stopped"]),
    st.from_regex(r"[0-9a-f]{12}", fullmatch=True),
)


@settings(max_examples=60, deadline=None)
@given(message, st.randoms(use_true_random=False))
def test_a_signature_ignores_digit_values(text: str, rng: object) -> None:
    # The lookup cache keys messages by their text with digits zeroed: that must not change a signature.
    rerolled = re.sub(r"[0-9]", lambda _: str(rng.randrange(10)), text)  # type: ignore[attr-defined]
    assert signature(rerolled) == signature(text)


def matches(template: str, text: str) -> bool:
    pattern = r"\s+".join(re.escape(token).replace(re.escape("<*>"), ".*") for token in template.split())
    return re.fullmatch(pattern, " ".join(text.split())) is not None


@settings(max_examples=60, deadline=None)
@given(st.lists(message, min_size=1, max_size=60), st.randoms(use_true_random=False))
def test_clusters_and_ids_do_not_depend_on_order(messages: list[str], rng: object) -> None:
    shuffled = list(messages)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    runs = []
    for stream in (messages, shuffled):
        miner = TemplateMiner()
        ids = {m: miner.add(m) for m in stream}
        runs.append(({m: (i, miner.resolve(i), miner.template(i)) for m, i in ids.items()}, miner.clusters()))
    assert runs[0] == runs[1]


@settings(max_examples=40, deadline=None)
@given(st.lists(message, min_size=1, max_size=40), message)
def test_an_id_does_not_depend_on_what_else_is_in_the_stream(others: list[str], probe: str) -> None:
    alone = TemplateMiner().add(probe)
    miner = TemplateMiner()
    for other in others:
        miner.add(other)
    assert miner.add(probe) == alone


@settings(max_examples=40, deadline=None)
@given(st.lists(message, min_size=1, max_size=60))
def test_every_message_matches_its_cluster_template(messages: list[str]) -> None:
    for text, template in clusters_of(messages).items():
        assert matches(template, text), (text, template)


@settings(max_examples=40, deadline=None)
@given(st.lists(message, min_size=1, max_size=60))
def test_the_lookup_cache_changes_nothing(messages: list[str]) -> None:
    assert clusters_of(messages) == clusters_of(messages, cache_size=0) == clusters_of(messages, cache_size=2)


# The failure classes of issue 10, each with invented messages of the same shape.


def test_a_rare_token_where_the_template_has_a_wildcard_joins_it() -> None:
    hosts = [f"api{i}.example.com:443" for i in range(40)]
    messages = [f"{host} open through proxy gateway.corp.net:5070 HTTPS" for host in hosts]
    messages.append("localfileserver:443 open through proxy gateway.corp.net:5070 HTTPS")  # no mask fits
    assert set(clusters_of(messages).values()) == {"<*> open through proxy <*> HTTPS"}


def test_a_rare_word_does_not_absorb_a_bigger_event() -> None:
    messages = ["Login failed"] * 5 + ["7 failed"]
    assert len(set(clusters_of(messages).values())) == 2


@given(st.lists(st.sampled_from(["DF", "SYN", "ACK", "PSH", "RST", "FIN"]), max_size=3), st.randoms())
def test_a_records_bare_flags_between_its_fields_are_values(flags: list[str], rng: object) -> None:
    """A packet log's bare flags between two `KEY=value` fields (`ID=0 DF PROTO=UDP`, `RES=0x00 ACK PSH
    URGP=0`), set on some packets and not on others, leave the line one event."""
    port = rng.randrange(1, 65535)  # type: ignore[attr-defined]
    line = "[UFW BLOCK] IN=eth0 OUT= SRC=192.0.2.{} DST=198.51.100.7 LEN=40 TTL=52 ID={} {} PROTO=TCP SPT={} URGP=0"
    messages = [line.format(i, i * 7, " ".join(flags[:i]), port + i) for i in range(4)]
    assert len(set(clusters_of(messages).values())) == 1
    assert signature(messages[3]) == signature(messages[0])


def test_a_word_between_fields_that_is_no_flag_stays() -> None:
    """Look-alikes: a rule's prefix before the fields (`RULE 24 -- DROP` / `DENY`) and a sentence's word between
    fields keep their events apart."""
    messages = [
        f"RULE 24 -- {action} IN=eth0 SRC=192.0.2.{i} PROTO=TCP"
        for action in ("DROP", "DENY")
        for i in range(3)
    ]
    assert len(set(clusters_of(messages).values())) == 2
    assert signature("a=1 BAD word b=2") == ("a=<*>", "BAD", "word", "b=<*>")


def test_a_longer_text_fills_a_wildcard_whatever_the_units_of_the_values_beside_it() -> None:
    """A rare line whose extra tokens fill a wildcard joins the cluster though a value beside them has another
    unit (`Completed nightly export in 2.687ms` beside `Completed /api/render/7 in 1.0s`)."""
    messages = [f"Completed /api/render/{i} in 1.{i}9688339s" for i in range(5)]
    messages.append("Completed nightly export in 2.687ms")
    assert len(set(clusters_of(messages).values())) == 1
    # look-alike: a different word beside the filled wildcard keeps the events apart
    messages[-1] = "Completed nightly export after 2.687ms"
    assert len(set(clusters_of(messages).values())) == 2


def test_a_word_no_more_common_than_the_values_of_its_slot_joins_them() -> None:
    """A word where other lines of the event have masked values joins them when it is no more common than they
    are, a tie too: a client id that reads as a word (Mosquitto's `Received SUBSCRIBE from TechBubble` beside
    `from 860719020206417`), etcd's `cluster version: to_be_decided]` twice beside `3.4]` and `2.3]`."""
    messages = [
        "Received SUBSCRIBE from 860719020206417",
        "Received SUBSCRIBE from TechBubble",
        "Sending SUBACK to 860719020206417",
        "Sending SUBACK to TechBubble",
    ]
    assert len(set(clusters_of(messages).values())) == 2
    messages = [
        f"etcdserver: starting server... [version: {version}, cluster version: {cluster}]"
        for version, cluster in [
            ("3.0.0+git", "to_be_decided"),
            ("3.2.0+git", "to_be_decided"),
            ("3.4.30", "3.4"),
            ("2.3.7", "2.3"),
        ]
    ]
    assert len(set(clusters_of(messages).values())) == 1
    # look-alike: a word more common than the values beside it names its own event
    assert len(set(clusters_of(["Login failed"] * 2 + ["7 failed"]).values())) == 2


def test_a_request_log_with_short_paths_and_any_time_unit_is_one_event() -> None:
    """uWSGI's request line: the path after the method is the request's however short, and the unit of the
    time is formatted in (`msecs`, `micros`); a line of another statement with a path stays apart."""
    rng = random.Random(25)
    paths = ["/update_metrics", "/endpoint2", "/", "/login?next=home"]
    lines = [
        f"[pid: {rng.randrange(9999)}|app: 0|req: 1/{n}] 127.0.0.1 () {{38 vars in 696 bytes}} "
        f"POST {rng.choice(paths)} => generated {rng.randrange(999)} bytes in {rng.randrange(999)} "
        f"{rng.choice(['msecs', 'micros', 'ms', 'nanoseconds'])} (HTTP/1.1 200)"
        for n in range(6)
    ]
    other = "open /update_metrics failed: permission denied"
    clusters = clusters_of([*lines, other])
    assert len({clusters[line] for line in lines}) == 1
    assert clusters[other] != clusters[lines[0]]
    assert "POST <*> => generated <*> in <*> (HTTP/<*>.<*> <*>)" in clusters[lines[0]]


def test_the_statements_a_database_logs_are_one_event_whatever_the_sql() -> None:
    """PostgreSQL's `statement: …` with any SQL is one event; its `duration: … statement: …` is another."""
    statements = [
        "SELECT * FROM users WHERE last_login > NOW() - INTERVAL '7 days';",
        "CREATE INDEX idx_users_email ON users(email);",
        "UPDATE orders SET status = 'shipped' WHERE id = 12",
        "INSERT INTO audit_log (actor, action) VALUES ('ana', 'login')",
    ]
    logged = [f"statement: {sql}" for sql in statements]
    timed = [f"duration: {n}.5 ms  statement: {sql}" for n, sql in enumerate(statements)]
    clusters = clusters_of([*logged, *timed])
    assert {clusters[line] for line in logged} == {"statement: <*>"}
    assert {clusters[line] for line in timed} == {"duration: <*> statement: <*>"}


def test_quoted_requests_keep_their_constant_words() -> None:
    messages = [
        f'10.0.0.{i} "{verb} /v2/{i:08x}/servers HTTP/1.1" status: {status} len: {i * 7} time: 0.{i}'
        for i in range(1, 30)
        for verb, status in (("GET", 200), ("POST", 202), ("DELETE", 204))
    ]
    templates = set(clusters_of(messages).values())
    assert len(templates) == 3
    assert all(any(f'"{verb} ' in template for template in templates) for verb in ("GET", "POST", "DELETE"))


def test_a_small_event_differing_in_one_word_merges_by_its_statistics() -> None:
    messages = [f"removing {service}" for service in ("chargen", "echo", "daytime", "time") for _ in range(2)]
    assert set(clusters_of(messages).values()) == {"removing <*>"}


def test_state_words_of_big_events_stay_apart() -> None:
    messages = [
        f"[instance: {i:08x}-aaaa-bbbb-cccc-dddddddddddd] VM {state} (Lifecycle Event)"
        for i in range(20)
        for state in ("Started", "Paused", "Resumed", "Stopped")
    ]
    assert len(set(clusters_of(messages).values())) == 4


def test_words_that_fill_slots_of_other_events_are_values() -> None:
    users = ["root", "cyrus", "news", "test"]
    messages = [f"session opened for user {user} by (uid={i})" for i in range(30) for user in users]
    messages += [f"session closed for user {user}" for _ in range(30) for user in users]
    assert set(clusters_of(messages).values()) == {
        "session opened for user <*> by (uid=<*>)",
        "session closed for user <*>",
    }


def test_optional_and_variable_length_parts() -> None:
    lifetimes = ["<1 sec", "00:01", "00:12", "01:02"]
    closes = [
        f"close, {n} bytes sent, {n * 3} bytes received, lifetime {life}" for n, life in enumerate(lifetimes)
    ]
    sizes = [f"close, {n} bytes ({n}.2 KB) sent, 4 bytes received, lifetime 00:0{n}" for n in range(1, 5)]
    units = [f"flushed in {n}{unit}" for n, unit in ((5, "ms"), (2, "s"), (40, "us"), (7, "ms"))]
    lists = [f"assigned partitions [{', '.join(str(p) for p in range(n))}] to consumer" for n in range(1, 6)]
    result = clusters_of(closes + sizes + units + lists)
    assert len({result[message] for message in closes + sizes}) == 1
    assert {result[message] for message in units} == {"flushed in <*>"}
    assert {result[message] for message in lists} == {"assigned partitions <*> to consumer"}


def test_two_values_are_not_enough_evidence() -> None:
    assert len(set(clusters_of(["Connection opened", "Connection closed"] * 3).values())) == 2


def test_templates_follow_counts_that_arrive_after_a_query() -> None:
    # words that are no verbs (verbs name their statements however rare: a slot of them is never variable)
    states = ["green", "amber", "red", "grey"]
    miner = TemplateMiner()
    first = [miner.add(f"VM {state} on host") for state in states]
    assert {miner.template(i) for i in first} == {"VM <*> on host"}  # four rare values: a variable
    for _ in range(20):
        for state in states:
            miner.add(f"VM {state} on host")  # the same messages again: answered by the lookup cache
    assert {miner.template(i) for i in first} == {f"VM {state} on host" for state in states}


def test_single_quoted_words_in_one_slot_are_values() -> None:
    messages = ["failed to read 'Security' channel", "failed to read 'System' channel"]
    assert set(clusters_of(messages).values()) == {"failed to read <*> channel"}


def test_quoted_names_with_digits_before_a_colon_are_values() -> None:
    # `'wlan0':` is a quoted name as `'lo':` is: three interfaces, thirty lines each, are one event
    messages = [
        f"Counters for '{name}':  rx: {n * 7}, dropped: {n}, errors: {n % 3}"
        for name in ("wlan0", "br1", "veth2")
        for n in range(30)
    ]
    assert set(clusters_of(messages).values()) == {"Counters for <*> rx: <*> dropped: <*> errors: <*>"}


def test_a_keys_two_common_quoted_texts_beside_the_message_are_a_value() -> None:
    messages = [
        f'store: failed to run probe: error="{text}"'
        for text in ("access denied", "unknown bucket kind")
        for _ in range(12)
    ]
    assert set(clusters_of(messages).values()) == {"store: failed to run probe: <*>"}


def test_a_key_whose_value_is_masked_is_a_value_in_its_slot() -> None:
    # `level=<*>` holds a value as a bare `<*>` does: a rarer word value of the same key joins it.
    messages = [f"cache flush level={n} region west" for n in range(12)] + [
        "cache flush level=full region west"
    ] * 3
    assert set(clusters_of(messages).values()) == {"cache flush <*> region west"}


def test_keys_that_differ_stay_words() -> None:
    messages = [f"cache flush level={n} region west" for n in range(12)] + [
        "cache flush scope=9 region west"
    ] * 3
    assert set(clusters_of(messages).values()) == {
        "cache flush level=<*> region west",
        "cache flush scope=<*> region west",
    }


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(message, st.integers(1, 5)), min_size=1, max_size=40), st.sampled_from([0, 2, 4096])
)
def test_a_counted_message_weighs_as_its_copies(counted: list[tuple[str, int]], cache_size: int) -> None:
    """A source that aggregates (Log Analytics) sends a message once with its count: the clusters must be
    those of the copies one by one (a template's slots are decided by how many messages they cover)."""
    weighted, one_by_one = TemplateMiner(cache_size=cache_size), TemplateMiner(cache_size=cache_size)
    weighted_ids = {text: weighted.add(text, count) for text, count in counted}
    copied_ids = {text: one_by_one.add(text) for text, count in counted for _ in range(count)}
    assert weighted.clusters() == one_by_one.clusters()
    assert {text: weighted.resolve(i) for text, i in weighted_ids.items()} == {
        text: one_by_one.resolve(i) for text, i in copied_ids.items()
    }


# Job descriptions of a scheduler: values of several words, each after several verbs.
JOBS = [
    "Nightly archive of mail spool",
    "Thumbnail cache warmer",
    "Invoice PDF renderer",
    "Quarterly ledger reconciliation",
    "Search index compactor",
]


def test_a_value_of_several_words_is_one_wildcard_and_the_verbs_stay_apart() -> None:
    messages = [
        f"{verb} {job}{end}" for job in JOBS for verb, end in (("Launching", "..."), ("Finished", "."))
    ]
    messages += [f"Skipped {job} on holiday." for job in JOBS]
    templates = clusters_of(messages * 3)
    assert set(templates.values()) == {"Launching <*>", "Finished <*>", "Skipped <*> on holiday."}


def test_a_value_of_several_words_met_once_is_a_wildcard_with_the_others() -> None:
    """A job whose description has words no other message has fills the place the shared ones fill."""
    messages = [
        f"{verb} {job}{end}" for job in JOBS for verb, end in (("Launching", "..."), ("Finished", "."))
    ]
    messages *= 3
    one_off = "Launching Orphaned zqxv blob sweeper..."
    templates = clusters_of([*messages, one_off])
    assert templates[one_off] == templates[messages[0]] == "Launching <*>"


def test_an_error_text_of_several_words_after_a_colon_is_one_value() -> None:
    errors = ["Host is down", "Operation timed out", "Permission denied", "Network is unreachable"]
    messages = [f"{lead}: {error}" for error in errors for lead in ("cannot reach mirror", "upload aborted")]
    templates = clusters_of(messages * 5)
    assert set(templates.values()) == {"cannot reach mirror: <*>", "upload aborted: <*>"}


def test_an_error_text_a_sentences_label_ends_the_line_with_is_a_value_said_once() -> None:
    """A message of three words or more ending in a label (`… pull after error:`, `… returned error:`) reports
    the text it was given: Go's wrapped errors, each said by this statement only, are one value there."""
    rng = random.Random(39)
    pulls = [
        "manifest unknown: manifest unknown",
        "unauthorized: authentication required",
        "Get <url> net/http: request canceled while waiting for connection",
        "toomanyrequests: rate limit exceeded",
    ]
    events: list[Callable[[], str]] = [
        lambda: f'msg="Attempting next endpoint for pull after error: {rng.choice(pulls)}"'.replace(
            "<url>", f'"https://registry-{rng.randint(1, 9)}.example.io/v2/"'
        ),
        lambda: f"Handler for GET /v1.43/containers/{rng.randint(1, 999)}/json returned no body",
    ]
    assert_one_cluster_per_event(events, 300, rng)


def test_the_words_after_a_kinds_label_at_the_line_end_name_events() -> None:
    """A label after a head of two words (`program interrupt: illegal instruction`) names a kind whose words
    after it name each member: each stays an event, as do the texts after a label that leads the line."""
    rng = random.Random(40)
    kinds = ["illegal instruction", "privileged instruction", "trap instruction", "imprecise exception"]
    checks = ["check pass; user unknown", "account expired for root", "session limit reached"]
    events: list[Callable[[], str]] = [
        *[(lambda kind=kind: f"program interrupt: {kind}") for kind in kinds],
        *[(lambda check=check: f"pam_unix(sshd:auth): {check}") for check in checks],
        lambda: f"node {rng.randint(1, 99)} rebooted",
    ]
    assert_one_cluster_per_event(events, 300, rng)


def test_a_constant_word_then_a_name_is_not_a_value_of_several_words() -> None:
    # `guest account X` starts with the same word every time: a constant and a one-word value
    messages = [f"Denied access for guest account {name} from 10.1.0.{i}" for i, name in enumerate(USERS)]
    messages += [f"Denied access for {name} from 10.2.0.{i}" for i, name in enumerate(USERS[:3])]
    messages += [f"Granted access for guest account {name} to vault" for name in USERS]
    templates = clusters_of(messages)
    assert templates[messages[0]] == "Denied access for guest account <*> from <*>"
    assert templates[messages[-1]] == "Granted access for guest account <*> to vault"


def test_key_value_fields_are_not_a_value_of_several_words() -> None:
    """Fields after a status word make stretches that start with the status: they name no value."""
    messages = [
        f"Closing ticket as {status} team={team}, agent={agent}, opened={n}"
        for n, (status, team, agent) in enumerate(
            (status, team, agent)
            for status in ("RESOLVED.", "REJECTED.", "DUPLICATE.")
            for team in ("north", "south", "east", "west", "core", "edge")
            for agent in ("kim", "lou", "max", "ned", "ola", "pam", "raj")
        )
    ]
    # the teams and agents are names: they fill another message's slots too
    names = [
        f"Paging team={team}, agent={agent}, now"
        for team in ("north", "south", "east", "west", "core", "edge")
        for agent in ("kim", "lou", "max", "ned", "ola", "pam", "raj")
    ]
    templates = clusters_of(messages + names)
    assert len({templates[message] for message in messages}) == 3
    assert {templates[message].split()[3] for message in messages} == {"RESOLVED.", "REJECTED.", "DUPLICATE."}


def _logins_and_logouts() -> list[str]:
    """Every account logs in to two of four realms (a slot of each fills only once the other is a wildcard), and
    out of all four."""
    accounts = ["ana", "ben", "cai", "dov", "eli", "fay"]
    realms = ["staff", "vendors", "lab", "ops"]
    messages = [
        f"login accepted: account={account} realm={realm} client=cli"
        for i, account in enumerate(accounts)
        for realm in (realms[i % 4], realms[(i + 1) % 4])
    ]
    return messages + [f"logout: account={account} realm={realm}" for account in accounts for realm in realms]


def test_two_variables_of_few_values_each_merge_over_rounds() -> None:
    """Every account meets few realms: a slot of one fills only once the other is a wildcard."""
    messages = _logins_and_logouts()
    templates = clusters_of(messages)
    assert len({templates[message] for message in messages if message.startswith("login")}) == 1


def test_escaped_quoted_names_are_values() -> None:
    """`\\"name\\"` inside a quoted field is a name, as `"name"` is."""
    shares = ["media", "backups", "scans", "homes"]
    hosts = ["nas", "vault", "tower"]
    messages = [
        f'"Mount finished" detail="share \\"{share}\\" on host \\"{host}\\"" took={n}ms'
        for n, (share, host) in enumerate([(s, h) for s in shares for h in hosts][::2])
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_free_text_messages_keep_the_phrase_search_small() -> None:
    # Thousands of distinct messages of prose share no words around any stretch: the stretches that could
    # be values are never listed (listing all of them took gigabytes on a scan's 20,000 templates).
    rng = random.Random(7)
    words = ["".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 9))) for _ in range(2000)]
    miner = TemplateMiner()
    for _ in range(1000):
        miner.add(" ".join(rng.choice(words) for _ in range(40)))
    tracemalloc.start()
    try:
        miner.clusters()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000


def test_fields_of_a_record_that_combine_freely_are_values() -> None:
    """Two few-valued fields of a record line (beside values), each met with every value of the other."""
    kinds = ["MX", "NS", "CAA", "SOA"]
    outcomes = ["OK", "REFUSED", "TIMEOUT"]
    rng = random.Random(3)
    messages = [
        f'{rng.randint(1, 60000)} "{kind} lookup {rng.randint(10, 99)}" {outcome} {rng.randint(1, 900)} bytes'
        for _ in range(30)
        for kind in kinds
        for outcome in outcomes
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_words_of_a_sentence_with_fields_around_stay_apart() -> None:
    """`Marking job as DONE. pool=X queue=Y`: the state is a word of the sentence, not a field of a record."""
    messages = [
        f"Marking job as {state}. pool={pool}, queue={queue}, at={n}"
        for n, (state, pool, queue) in enumerate(
            (s, p, q)
            for _ in range(20)
            for s in ("DONE", "LOST", "HELD")
            for p in ("north", "south", "east")
            for q in ("q1x", "fast", "bulk")
        )
    ]
    templates = clusters_of(messages)
    states: dict[str, set[str]] = {}
    for message in messages:
        states.setdefault(templates[message], set()).add(message.split()[3])
    assert all(len(found) == 1 for found in states.values())


def test_values_of_any_shape_at_many_places_merge() -> None:
    """A line of several durations, each printed in whatever unit its size picks, is one event."""
    rng = random.Random(11)

    def duration() -> str:
        return rng.choice(
            [f"{rng.randint(1, 999)}ms", f"{rng.uniform(1, 9):.4f}s", f"{rng.randint(100, 999)}.5µs"]
        )

    messages = [
        "Reload done: "
        + " ".join(f"{stage}={duration()}" for stage in ("parse", "plan", "apply", "notify", "gc"))
        for _ in range(40)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_keyed_word_met_in_several_statements_is_a_value() -> None:
    """`feed=<name>` after two different statements: the name is the field's value in both."""
    feeds = ["weather", "tides", "quakes", "pollen", "traffic"]
    rng = random.Random(5)
    messages = [
        f"relay: {verb} feed: feed={feed}"
        for verb in ("Attached", "Detached")
        for feed in feeds
        for _ in range(rng.randint(8, 25))
    ]
    templates = clusters_of(messages)
    assert {templates[message] for message in messages} == {
        "relay: Attached feed: <*>",
        "relay: Detached feed: <*>",
    }


def test_quoted_names_around_punctuation_are_one_value() -> None:
    """`'account'@'host'`: quoted names joined by punctuation are a value, as one quoted name is."""
    accounts = ["ops", "etl", "audit", "kiosk"]
    rng = random.Random(9)
    messages = [
        f"Refused login for '{account}'@'10.1.{rng.randint(0, 9)}.{rng.randint(1, 99)}' (password: YES)"
        for account in accounts
        for _ in range(rng.randint(10, 30))
    ]
    assert set(clusters_of(messages).values()) == {"Refused login for <*> (password: YES)"}


@pytest.mark.parametrize(
    "gates",
    [
        pytest.param(["gate_north", "gate_south", "gate_east"], id="codes"),
        # names read `<*>` from the start, so no template shows them combining with the pools; they still do
        pytest.param(["gate-north", "gate-south", "gate-east"], id="names"),
    ],
)
def test_a_field_after_a_field_combines_with_the_fields_before_it(gates: list[str]) -> None:
    """`<n> [<time>] <gate> <pool>/- <n>`: the pool follows the gate, a field too; both are values, and the rows
    are one event, whether the gates are codes or names (`gate-north`)."""
    pools = ["pool_red", "pool_blue", "pool_green", "pool_gold"]
    rng = random.Random(4)
    messages = [
        f"{rng.randint(1, 9999)} [{rng.randint(10, 59)}:{rng.randint(10, 59)}] {gate} {pool}/- {rng.randint(1, 500)} QUEUED"
        for gate in gates
        for pool in pools
        for _ in range(rng.randint(5, 15))
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_padded_bracket_column_is_one_token() -> None:
    """`[   io-7]`, `[main]`: a thread column padded to its width reads as one token, whatever the padding."""
    threads = ["main", "io-7", "scheduler-12", "cron", "reaper"]
    rng = random.Random(2)
    messages = [
        f"[{thread:>12}] [{level:<5}] Flushed {rng.randint(1, 900)} rows to ledger"
        for thread in threads
        for level in ("INFO", "WARN")
        for _ in range(rng.randint(3, 9))
    ]
    assert len(set(clusters_of(messages).values())) == 2


def test_members_of_compact_json_are_fields() -> None:
    """`{"op":"sync","user":"<name>",…}`: each member is a token; a name met in two statements is a value,
    and a member of two values keeps two events apart."""
    names = ["ana", "ben", "cyd", "dee", "eve"]
    rng = random.Random(8)
    events = [
        ((op, kind), f'{{"op":"{op}","user":"{name}","kind":"{kind}","ms":{rng.randint(1, 900)}}}')
        for op in ("login", "logout")
        for name in names
        for kind in ("Full", "Delta")
        for _ in range(rng.randint(4, 12))
    ]
    templates = clusters_of([message for _, message in events])
    groups: dict[str, set[tuple[str, str]]] = {}
    for event, message in events:
        groups.setdefault(templates[message], set()).add(event)
    assert len(groups) == 4
    assert all(len(found) == 1 for found in groups.values())


def test_a_quoted_string_of_several_tokens_fills_a_value_field() -> None:
    """An access line's client field: `"fetch/2.1"` mostly, now and then `"Lynx/2.8 (text; Unix 5.4) libwww/5"`."""
    clients = ["fetch/2.1", "probe-agent/0.9", "sync-tool/3.3.1", "mirror/1.0"]
    rng = random.Random(6)

    def line(client: str) -> str:
        return f'{rng.randint(1, 99999)} "GET /files/{rng.randint(1, 500)}" 200 "{client}" {rng.randint(1, 80)}ms edge'

    messages = [line(rng.choice(clients)) for _ in range(200)]
    messages += [
        line(f"Lynx/2.{rng.randint(1, 9)} (text; Unix 5.{rng.randint(1, 9)}) libwww/5") for _ in range(30)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_an_escaped_quoted_name_inside_a_keyed_token_is_a_value() -> None:
    """`expr="max(load{site=\\"oslo\\"}[5m])"`: the site is a name, as `\\"oslo\\"` alone is."""
    sites = ["oslo", "lima", "perth", "quito"]
    rng = random.Random(12)
    messages = [
        f'engine: msg="expression slow" expr="max(load{{site=\\"{site}\\"}}[{rng.randint(1, 9)}m])" took={rng.randint(2, 90)}s'
        for site in sites
        for _ in range(rng.randint(15, 40))
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_bracketed_column_keeps_its_slot_whether_or_not_its_value_masks_whole() -> None:
    """`[pool-3]` masks to a value and `[Fetcher:2]` does not: the header keeps one token count either way."""
    threads = ["Scanner-Pool-4", "Fetcher:2", "main", "Io-Worker-11", "Timer:7", "boot"]
    miner = TemplateMiner()
    ids = [
        miner.add(
            f"WARN  [{thread}] 2031-04-0{n % 9 + 1} 10:1{n % 10}:2{n % 10},45{n % 10} Mover.java:{80 + n} - peer /{n}.9.8.7 went away"
        )
        for n, thread in enumerate(threads * 3)
    ]
    assert len({miner.resolve(i) for i in ids}) == 1
    assert len(signature("[Io-Worker-11] 2031-04-01 10:11:21 x")) == len(
        signature("[Timer:7] 2031-04-01 10:11:21 x")
    )


def test_a_name_glued_to_a_constant_is_a_value_where_it_fills_other_events_too() -> None:
    """`amber.NOTE:` / `cobalt.NOTE:`: a deployment name glued to the level, the same names before every event's
    level; and `(gw-east/TCP)` beside a gateway field that other events hold alone."""
    rng = random.Random(8)
    stages = ["amber", "cobalt", "sienna"]
    gateways = ["gw-east", "gw-west", "gw-edge~"]
    events = [
        lambda: f"{rng.choice(stages)}.NOTE: Cache skipped for bucket parcels:{rng.randint(1, 900)}",
        lambda: (
            f"{rng.choice(stages)}.ALERT: Quota near {rng.randint(1, 99)}% for tenant {rng.randint(1, 50)}"
        ),
        lambda: f"{rng.choice(stages)}.INFO: Reindex finished in {rng.randint(1, 900)} ms",
        lambda: (
            f"{rng.choice(stages)}.INFO: Reader {rng.randint(1, 9)} attached to shelf {rng.randint(1, 70)}"
        ),
        lambda: (
            f"Link from {rng.randint(1, 250)}.0.0.{rng.randint(1, 250)}:{rng.randint(1024, 60000)} via ({rng.choice(gateways)}/TCP)"
        ),
        lambda: f"{rng.randint(1, 250)}.0.0.9 {rng.choice(gateways)} relayed {rng.randint(1, 9000)} bytes",
        lambda: f"tunnel {rng.choice(gateways)} rekeyed after {rng.randint(1, 90)} s",
    ]
    assert_one_cluster_per_event(events, 700, rng)


# Rows few enough for their combinations of fields to be mostly single: no slot of one field sees them all.
RECORD_ROWS = 60


def test_rows_of_a_record_whose_fields_combine_freely_are_one_event() -> None:
    """A relay's access line: outcome, verb and route are fields of a few words each that combine freely, so
    its rows are one event; a field whose words pair one to one with another's (`reason=` with `peer=`)
    tells events apart, as do fields of two words (`mode=`)."""
    rng = random.Random(21)
    outcomes = ["PASS/2", "HOLD/4", "DROP/5", "SKIP/3", "FWD_X/1"]
    verbs = ["FETCH", "STORE", "PURGE", "PROBE"]
    routes = ["DIRECT/-", "VIA_PEER/-", "NONE/-"]
    kinds = ["text/csv", "image/gif", "-"]

    def access() -> str:
        return (
            f"{rng.randint(1, 90000)} relay {rng.randint(1, 250)}.1.2.{rng.randint(1, 250)} {rng.choice(outcomes)} "
            f"{rng.randint(1, 99999)} {rng.choice(verbs)} /{rng.choice(['a', 'b'])}/{rng.randint(1, 900)} - "
            f"{rng.choice(routes)} {rng.choice(kinds)}"
        )

    def refusal(reason: str, peer: str) -> str:
        return f"{rng.randint(1, 9000)} refused mode={rng.choice(['push', 'pull'])} reason={reason} peer={peer} at {rng.randint(1, 99)}"

    messages = [access() for _ in range(RECORD_ROWS)]
    refusals = [("quota", "none"), ("banned", "other")]
    messages += [refusal(*rng.choice(refusals)) for _ in range(200)]
    clusters = clusters_of(messages)
    assert len({clusters[message] for message in messages[:RECORD_ROWS]}) == 1
    by_event: dict[tuple[str, str], set[str]] = {}
    for message in messages[RECORD_ROWS:]:
        mode = message.split()[2]
        reason = message.split()[3]
        by_event.setdefault((mode, reason), set()).add(clusters[message])
    assert all(len(found) == 1 for found in by_event.values())
    assert len({next(iter(found)) for found in by_event.values()}) == 4


def test_a_records_fields_of_two_words_that_meet_every_pair_are_values() -> None:
    """A DNS query log's record: the transport (`udp` / `tcp`) meets each value of the DO bit (`true` /
    `false`), and a DO bit is a flag: fields printed independently, so the rows are one event. Two words that
    meet in only some pairs, or one field of two words alone (`UP` / `DOWN`), still tell events apart."""
    rng = random.Random(39)

    def query() -> str:
        return (
            f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65535)} - "
            f'{rng.randint(1, 65535)} "{rng.choice(["A", "AAAA", "SRV", "PTR"])} IN '
            f"{rng.choice(['example.com.', 'api.example.org.', 'web.prod.svc.cluster.local.'])} "
            f"{rng.choice(['udp', 'tcp'])} {rng.randint(30, 90)} {rng.choice(['true', 'false'])} "
            f'{rng.choice([512, 1232, 4096])}" {rng.choice(["NOERROR", "NXDOMAIN", "SERVFAIL"])} '
            f"qr,rd {rng.randint(50, 500)} {rng.random():.6f}s"
        )

    events = [
        query,
        lambda: f"peer 10.1.{rng.randint(0, 255)}.{rng.randint(1, 254)} session {rng.randint(1, 999)} now UP",
        lambda: (
            f"peer 10.1.{rng.randint(0, 255)}.{rng.randint(1, 254)} session {rng.randint(1, 999)} now DOWN"
        ),
    ]
    assert_one_cluster_per_event(events, 400, rng)


def test_a_records_fields_of_two_words_that_meet_in_some_pairs_only_tell_events_apart() -> None:
    """Two fields of two words each that meet in three pairs of four (`pull` never with `out`) are not printed
    independently: each pair stays an event, as with the rows' other fields masked."""
    rng = random.Random(40)
    pairs = [("push", "in"), ("push", "out"), ("pull", "in")]

    def row(mode: str, way: str) -> Callable[[], str]:
        return lambda: (
            f"10.2.{rng.randint(0, 255)}.{rng.randint(1, 254)} sync {rng.randint(1, 9999)} {mode} "
            f"{rng.randint(1, 99)} {way} {rng.randint(1, 999)}ms"
        )

    assert_one_cluster_per_event([row(mode, way) for mode, way in pairs], 300, rng)


def test_a_labelled_field_of_a_few_common_words_is_a_value() -> None:
    """`method=GET` / `PUT` / `POST` / `DELETE` before another field, and `state: queued` / `running` /
    `stalled` at the line's end: a label names each slot and each of its few words is common, so each
    event is one cluster though its words are too few for the number of messages they cover."""
    rng = random.Random(5)
    methods = ["GET", "PUT", "POST", "DELETE"]
    stages = ["queued", "running", "stalled"]
    events = [
        lambda: (
            f"request served method={rng.choice(methods)} status={rng.choice([200, 201, 204])} "
            f"path=/v2/items/{rng.randint(1, 9999)} took={rng.randint(1, 900)}ms"
        ),
        lambda: f"pool {rng.randint(1, 40)} worker state: {rng.choice(stages)}",
        lambda: f"cache evicted key=item-{rng.randint(1, 9999)} size={rng.randint(1, 99)}kB",
    ]
    assert_one_cluster_per_event(events, 400, rng)


def test_a_labelled_flag_of_two_values_is_a_value() -> None:
    """A labelled field of two words keeps events apart unless its words are a flag's values: `(token
    present: yes)` / `no)` at the end, `compressed=true` / `false` before another field."""
    rng = random.Random(6)
    events = [
        lambda: (
            f"login refused for account {rng.randint(1, 9999)} (token present: {rng.choice(['yes', 'no'])})"
        ),
        lambda: (
            f"cache warmed region={rng.randint(1, 9)} compressed={rng.choice(['true', 'false'])} "
            f"took={rng.randint(1, 900)}ms"
        ),
        lambda: f"disk {rng.randint(1, 40)} removed from pool",
    ]
    assert_one_cluster_per_event(events, 400, rng)


def test_a_record_field_a_cluster_already_reads_as_a_value_is_free_in_the_others() -> None:
    """An audit record: realm and app are fields of names; where one cluster already reads the realm `<*>`
    (a slot merged its names) and a bigger one still holds `realm=north,`, the rows are one event; the
    `error=` field, one to one with `user=`, keeps two failures apart."""
    rng = random.Random(2)
    realms = ["north", "south", "east"]
    apps = ["portal", "cli-tool", "billing-ui", "tv-app", "kiosk"]

    def head(kind: str) -> str:
        realm = rng.choices(realms, [6, 2, 1])[0]
        return f"[audit] (worker-{rng.randint(1, 30)}) kind={kind}, realm={realm}, app={rng.choice(apps)}"

    def user() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128)))

    def address() -> str:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    def tab() -> str:
        return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(rng.choice([4, 5])))

    events = [
        lambda: f"{head('SIGNIN')}, user={user()}, ip={address()}",
        lambda: f"{head('SIGNIN_FAIL')}, user={user()}, ip={address()}, error=bad_secret, tab={tab()}",
        lambda: f"{head('SIGNIN_FAIL')}, user=none, ip={address()}, error=no_such_user, tab={tab()}",
        lambda: f"{head('SIGNOUT')}, user={user()}",
    ]
    assert_one_cluster_per_event(events, 300, rng)


def test_quoted_names_are_no_prose_whether_or_not_they_hold_letters() -> None:
    """`zone: 'eu-2', owner: 'kim'` and `zone: '/', owner: 'kim'`: quoted names are values alike, never a
    stretch of prose that would shorten one signature and not the other."""
    rng = random.Random(5)
    zones = ["/", "eu", "apac", "lab", "core"]
    owners = ["kim", "ola", "raj", "sven", "tess", "uma"]

    def link() -> str:
        return (
            f"link <0.{rng.randint(10, 9999)}.0> (10.0.0.{rng.randint(1, 250)}:{rng.randint(1024, 60000)} -> "
            f"10.9.9.9:7000, zone: '{rng.choice(zones)}', owner: '{rng.choice(owners)}')"
        )

    dropped = [f"dropping {link()}" for _ in range(150)]
    faults = [
        f"Fault on {link()}, lane {rng.randint(1, 9)}: no route '{rng.choice(owners)}'" for _ in range(150)
    ]
    clusters = clusters_of(dropped + faults)
    assert len({clusters[message] for message in dropped}) == 1
    assert len({clusters[message] for message in faults}) == 1


def test_a_keyed_field_among_values_only_is_one_event_per_key() -> None:
    # `<id>: peer=<host>` with a word for an unnamed host sometimes, beside `<id>: trace=<...>`: the key is the
    # only word, so it decides the slot and stays in the template.
    rng = random.Random(5)
    hosts = [f"relay{n}.orchard.example" for n in range(30)]
    messages = [f"{rng.getrandbits(40):010X}: peer={rng.choice(hosts)}[10.4.0.{n % 200}]" for n in range(60)]
    messages += [f"{rng.getrandbits(40):010X}: peer=anonymous[10.4.1.{n}]" for n in range(12)]
    messages += [
        f"{rng.getrandbits(40):010X}: trace=<{rng.getrandbits(48):x}@{rng.choice(hosts)}>" for n in range(20)
    ]
    messages += [f"{rng.getrandbits(40):010X}: trace=<{rng.getrandbits(48):x}@anonymous>" for n in range(5)]
    found = clusters_of(messages)
    peers = {found[m] for m in messages if "peer=" in m}
    traces = {found[m] for m in messages if "trace=" in m}
    assert len(peers) == 1 and len(traces) == 1 and peers != traces
    assert "peer=<*>" in next(iter(peers))


def test_a_reason_of_several_words_after_a_numbered_name_is_one_value() -> None:
    # The reasons fill the same place in three statements; three of four start with one numbered name (`R2`).
    rng = random.Random(11)
    reasons = ["R2 Memory Spill", "R2 Texture Miss", "R2 Queue Stall", "Scheduler Budget Exceeded"]
    kinds = ["Render Fast (Draft)", "Render Fast (Preview)", "Render Full"]
    messages = [
        f"Frame({rng.randint(1, 9999)}) {kind} ({reason}) {rng.randint(9, 900)}M->{rng.randint(1, 9)}M"
        f" {rng.randint(1, 99)}.{rng.randint(0, 999)}ms"
        for kind in kinds
        for reason in reasons
        for _ in range(rng.randint(30, 60))
    ]
    templates = clusters_of(messages)
    by_kind = {kind: {templates[m] for m in messages if f") {kind} (" in m} for kind in kinds}
    assert all(len(found) == 1 for found in by_kind.values())
    assert len(set().union(*by_kind.values())) == len(kinds)


def test_a_value_glued_after_a_name_is_a_value_whatever_its_shape() -> None:
    # `seg[4.1c(` / `seg[4.17(` / `seg[9.fa(`: a name and a bracket, then an id that masks in several shapes;
    # the name is the statement's, the id a value.
    rng = random.Random(21)
    messages = [
        f"vol.{rng.randint(0, 30)} gen: {rng.randint(100, 999)} seg[{rng.randint(1, 12)}.{rng.randrange(256):02x}("
        f" rev {rng.randint(1, 900)}'{rng.randint(1, 90)} live) members [{rng.randint(0, 30)},{rng.randint(0, 30)}]"
        f" state active+clean] begin rebalance"
        for _ in range(150)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_word_among_values_in_a_bracketed_list_is_a_value() -> None:
    # `(east-lane, 17, 4)`: one argument of a call's list, its other members values; five frequent names.
    rng = random.Random(31)
    lanes = ["east-lane", "west-lane", "dock-nine", "overflow", "night-shift"]
    messages = [
        f"## Dispatch handler ({lane}, {rng.choice(['k', *map(str, range(100, 120))])}, {rng.randint(1, 9)})"
        f" gave up on 'crate-{rng.randint(1, 99999)}'"
        for lane in lanes
        for _ in range(rng.randint(15, 25))
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_words_in_brackets_that_are_no_list_stay_apart() -> None:
    # `(sent <*> bytes)` and `(kept <*> bytes)`: words before a value in brackets tell statements apart.
    rng = random.Random(32)
    verbs = ["sent", "kept", "lost", "held", "dropped"]
    messages = [
        f"relay done ({verb} {rng.randint(1, 9999)} bytes)"
        for verb in verbs
        for _ in range(rng.randint(15, 25))
    ]
    assert len(set(clusters_of(messages).values())) == len(verbs)


def test_a_description_holding_a_number_is_one_value_like_the_others() -> None:
    """systemd's `Started %s.`: a unit's description may hold a number (`User Manager for UID 1000`)."""
    units = [
        "Docker Application Container Engine",
        "OpenBSD Secure Shell server",
        "Daily apt download activities",
        "Rotate log files",
        "Cleanup of Temporary Directories",
    ]
    units += [f"User Manager for UID {uid}" for uid in (0, 1000, 1001)]
    verbs = {"Starting": "...", "Started": ".", "Stopped": "."}
    clusters = clusters_of([f"{verb} {unit}{end}" for verb, end in verbs.items() for unit in units])
    for verb in verbs:
        assert (
            len({template for message, template in clusters.items() if message.startswith(verb + " ")}) == 1
        )
    assert len(set(clusters.values())) == len(verbs)


@pytest.mark.parametrize("opener", ["(", "[", "{", "'", '"'])
def test_a_long_run_of_brackets_or_quotes_is_read_in_linear_time(opener: str) -> None:
    """A crafted line of 100,000 opening brackets or quotes (minutes before): empty values are a few of them."""
    run = assert_linear(
        lambda size: clusters_of([f"load {opener * size}x", f"drop {opener * size}x"]), 100_000
    )
    assert len(set(run.values())) == 2


_POD_EVENT = (
    '"Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"{name}\\" with CrashLoopBackOff: '
    '\\"back-off {n}s restarting failed container={name} pod={name}-{n}_prod\\"" podUID={n}'
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.from_regex(r"zz[a-z]{2,8}", fullmatch=True), min_size=2, max_size=6, unique=True),
    st.integers(1, 4),
)
def test_a_value_said_twice_is_one_slot(names: list[str], repeats: int) -> None:
    """`for \\"nginx\\" … container=nginx`: a value repeated elsewhere in the line still varies as one value."""
    messages = [
        _POD_EVENT.format(name=name, n=10 * i + k) for i, name in enumerate(names) for k in range(repeats)
    ]
    messages += [f"Killing container with a grace period gracePeriod={n}" for n in range(5)]
    clusters = clusters_of(messages)
    assert len({clusters[message] for message in messages[:-5]}) == 1
    assert len(set(clusters.values())) == 2


def test_a_word_said_twice_follows_the_slot_rules() -> None:
    """A word said again as a key's value is a slot like any: a few frequent words stay different events."""
    messages = [
        f"Starting {unit} worker (unit={unit}, attempt {n})"
        for unit in ("api", "cron", "mail")
        for n in range(20)
    ]
    assert len(set(clusters_of(messages).values())) == 3


def test_a_long_token_said_twice_is_read_in_linear_time() -> None:
    """The word a crafted token holds (100,000 brackets, a word, 100,000 dots) is found in linear time."""

    def run(size: int) -> dict[str, str]:
        token = "(" * size + "name" + "." * size
        return clusters_of([f"{verb} '{token}' as key={token}" for verb in ("load", "drop")])

    assert len(set(assert_linear(run, 100_000).values())) == 2


def test_a_bracketed_word_within_a_sentence_is_a_value() -> None:
    """Elasticsearch brackets the values it logs: `from [YELLOW] to [GREEN]` is one event whatever the colours;
    the same colours as plain words, or a bracketed column before the sentence, tell events apart."""
    colours = ["GREEN", "YELLOW", "RED"]
    pairs = [(old, new) for old in colours for new in colours if old != new]
    bracketed = [
        f"[es-{n % 3}] Cluster health status changed from [{old}] to [{new}] (reason: [shards started [[logs-{n}]]])."
        for n, (old, new) in enumerate(pairs * 8)
    ]
    assert len(set(clusters_of(bracketed).values())) == 1
    plain = [f"Cluster health went {colour} after check {n}" for colour in colours for n in range(20)]
    assert len(set(clusters_of(plain).values())) == 3
    column = [f"[node-{n}] [{colour}] Cluster health checked" for colour in colours for n in range(20)]
    assert len(set(clusters_of(column).values())) == 3


def test_a_records_field_between_values_holds_names_with_their_numbers() -> None:
    """ntpd's `Listen normally on 3 eth0 10.0.0.5:123` beside `on 2 lo 127.0.0.1:123`: in a record's field
    between two values, a name with its number (`eth1`) is a value, as an id is, and a word there (`lo`) joins
    such values whatever its count. After a word of a sentence they stay words, and so does a word that ends
    the line after a value where it outnumbers the values."""
    ifaces = ["lo"] * 5 + ["eth1", "eth3", "eth1"]
    inner = [f"Bound socket {n} {iface} 10.1.{n}.{n}:4500" for n, iface in enumerate(ifaces)]
    assert set(clusters_of(inner).values()) == {"Bound socket <*> <*> <*>"}
    sentence = [f"Bound socket on {iface} to 10.1.{n}.{n}:4500" for n, iface in enumerate(ifaces)]
    assert len(set(clusters_of(sentence).values())) == 2
    last = [f"Bound socket 10.1.{n}.{n}:4500 {iface}" for n, iface in enumerate(ifaces)]
    assert len(set(clusters_of(last).values())) == 2


def test_statements_after_a_numbered_label_keep_their_words() -> None:
    """hostapd's `wlan0: STA … authenticated` and `ap0: AP-STA-CONNECTED …`: a label that is a name with its
    number (`eth0:`, `br0:`) is a value, so each statement is one event whichever interface says it, and the
    same statements said after two interfaces are no stretch of words moving between places: five
    statements stay five events."""
    rng = random.Random(5)
    statements = {
        "aged": "LLDP neighbor {mac} aged out after the hold timer",
        "moved": "STP port {mac} moved to the forwarding state",
        "change": "topology change detected from {mac}",
        "joined": "LACP member {mac} joined bundle {n}",
        "learned": "neighbor {mac} learned",
    }
    lines = []
    for port in ("eth0", "eth1", "br0"):
        for event, text in statements.items():
            for _ in range(rng.randint(1, 3)):
                mac = ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
                lines.append((event, f"{port}: " + text.format(mac=mac, n=rng.randint(1, 9))))
    templates = clusters_of([line for _, line in lines])
    groups: dict[str, set[str]] = {}
    for event, line in lines:
        groups.setdefault(templates[line], set()).add(event)
    assert sorted(groups.values(), key=sorted) == sorted(({event} for event in statements), key=sorted)


def test_a_name_in_capitals_is_a_code() -> None:
    """`AP-STA-CONNECTED` / `AP-STA-DISCONNECTED`: a name written all in capitals is a constant of the
    program, which may name its event, as `SIGN_IN` is; a name with lowercase letters (`node-a`) is a value."""
    codes = [
        f"eth{port}: AP-{state} {n}"
        for port in (0, 1)
        for state in ("LINK-UP", "LINK-DOWN")
        for n in range(3)
    ]
    assert len(set(clusters_of(codes).values())) == 2
    names = [f"eth{port}: {name} {n}" for port in (0, 1) for name in ("node-a", "node-b") for n in range(3)]
    assert len(set(clusters_of(names).values())) == 1


def test_a_name_with_its_number_in_brackets_within_a_sentence_is_a_value() -> None:
    """`host name (cadmin1) unknown` and `(dadmin1)`, once each: a name with its number, in parentheses or
    brackets after a word of a sentence, is one of a kind, a value as a bracketed word is. A word in
    parentheses without a number, the same names without brackets, and a bracketed column before the sentence
    tell events apart."""
    named = [f"Lost contact with peer ({name}) during the vote" for name in ("store7", "cache4")]
    assert set(clusters_of(named).values()) == {"Lost contact with peer <*> during the vote"}
    squared = [f"Lost contact with peer [{name}] during the vote" for name in ("store7", "cache4")]
    assert len(set(clusters_of(squared).values())) == 1
    worded = [f"Lost contact with peer ({word}) during the vote" for word in ("leader", "witness")]
    assert len(set(clusters_of(worded).values())) == 2
    bare = [f"Lost contact with peer {name} during the vote" for name in ("store7", "cache4")]
    assert len(set(clusters_of(bare).values())) == 2
    column = [f"({name}) Lost contact during the vote" for name in ("store7", "cache4")]
    assert len(set(clusters_of(column).values())) == 2


def test_quoted_text_before_a_comma_fills_a_wildcard() -> None:
    # A quoted text of several words fills the wildcard of the event whose quoted words read `<*>` there,
    # with a comma after it as without (HAProxy's `info: "Internal Server Error", check duration: 5ms`).
    rng = random.Random(8)
    reasons = ["timeout", "refused", "reset", "unreachable", "Internal Server Error"]
    messages = [
        f"Health check for server be_api/web{rng.randrange(9)} failed, reason: Layer4 problem, "
        f'info: "{rng.choice(reasons)}", check duration: {rng.randrange(900)}ms, status: 0/3 DOWN.'
        for _ in range(100)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_word_beside_a_value_that_is_sometimes_a_word_stays_a_word() -> None:
    # `EventMemberJoin:` before a node name that is a word in some lines (`nomad-client-a`) and masked in
    # others (`worker-7`) fills one place, not two: the three events stay apart.
    rng = random.Random(5)
    nodes = ["worker-7", "node-2", "consul-server-0", "nomad-client-a"]
    events = [
        lambda kind=kind: (
            f"agent.server.serf.lan: serf: {kind}: {rng.choice(nodes)} 10.0.{rng.randrange(9)}.7"
        )
        for kind in ("EventMemberJoin", "EventMemberLeave", "EventMemberFailed")
    ]
    assert_one_cluster_per_event(events, 300, rng)


def test_a_record_of_values_with_one_constant_name_absorbs_its_rows() -> None:
    # An access log's rows whose template keeps no word, only `- -` and `HTTP/<*>.<*>"`, still take in the
    # rows of a frontend whose name stayed a word (`stats`): one event (HAProxy's HTTP log).
    rng = random.Random(3)

    def line() -> str:
        frontend = rng.choice(["fe_http", "fe_https~", "http-in", "https_in", "stats"])
        backend = rng.choice(["be_api", "be_static", "web-backend", "app_servers", "grpc_pool", "bk_auth"])
        server = rng.choice(["web01", "web02", "app-3", "srv1", "api-a", "node_b"])
        flags = rng.choice(["----", "--NI", "SD--", "CD--", "sH--"])
        method = rng.choice(["GET", "POST", "PUT", "DELETE", "HEAD"])
        path = rng.choice(["/api/v1/orders", "/search", "/billing", f"/v2/carts/{rng.randrange(999)}"])
        return (
            f"10.0.{rng.randrange(255)}.{rng.randrange(255)}:{rng.randrange(1024, 65535)} "
            f"[{rng.randrange(1, 28):02d}/May/2024:10:{rng.randrange(60):02d}:{rng.randrange(60):02d}.123] "
            f"{frontend} {backend}/{server} 0/0/1/{rng.randrange(99)}/{rng.randrange(999)} "
            f"{rng.choice([200, 304, 404, 503])} {rng.randrange(9999)} - - {flags} 3/3/0/0/0 0/0 "
            f'"{method} {path} HTTP/1.1"'
        )

    assert len(set(clusters_of([line() for _ in range(700)]).values())) == 1


def test_microseconds_keep_their_unit_beside_a_value() -> None:
    # Go prints one duration as `850µs`, `1.5ms` or `2s`: each keeps its unit, so none folds into the value
    # before it and the lines have one length.
    lengths = {len(signature(f"query 93 {duration}")) for duration in ("850µs", "12.5µs", "1.5ms", "2s")}
    assert lengths == {3}


def test_a_stretch_of_words_is_a_value_whatever_the_values_around_it() -> None:
    # The requests of zone "login" vary (`"GET /cart`, `"POST /catalog`, …: a value of several words); those
    # of zone "one" happen to be one: the zone is a value, so both read the request as `<*>`, one event.
    requests = ["GET /cart", "POST /catalog", "PUT /static"]
    messages = []
    for n in range(30):
        tail = f'client: 10.0.0.{n}, request: "{{}} HTTP/1.1", host: "shop.example.com"'
        messages.append("access forbidden by rule, " + tail.format(requests[n % 3]))
        messages.append(f'limiting requests, excess: 0.{n} by zone "login", ' + tail.format(requests[n % 3]))
        messages.append(f'limiting requests, excess: 0.{n} by zone "one", ' + tail.format("GET /cart"))
    assert len(set(clusters_of(messages).values())) == 2


def test_a_template_of_values_and_units_absorbs_nothing() -> None:
    # `<*> <*> <*>ms` keeps no text of a statement: `Request <*> <*>ms` stays its own event beside it.
    rng = random.Random(2)
    messages = [
        f"{rng.randrange(99)}:{rng.randrange(60)} {rng.randrange(999)} {rng.randrange(99)}ms"
        for _ in range(60)
    ]
    messages += [f"Request {rng.randrange(999)} {rng.randrange(99)}ms" for _ in range(10)]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_name_in_two_statements_with_the_same_ending_is_a_value() -> None:
    # `Failed password for X from …` and `Failed password for invalid user X from …` end alike but are two
    # statements: a name that fills both is a user name, a value, however few names there are.
    rng = random.Random(1)
    messages = [
        f"Failed password for {invalid}{rng.choice(['admin', 'oracle', 'deploy'])} from 10.0.{rng.randrange(255)}.9 "
        f"port {rng.randrange(65535)} ssh2"
        for invalid in ("", "invalid user ")
        for _ in range(60)
    ]
    assert len(set(clusters_of(messages).values())) == 2


def test_an_empty_field_between_values_is_a_value() -> None:
    """An access log writes `-` for a field it has no value for: between values, the line is the same event
    as one with a number there, not a longer template with a dash in it."""
    rng = random.Random(5)
    messages = [
        f"peer 10.0.{rng.randrange(256)}.{rng.randrange(256)} status {rng.choice([200, 404])} "
        f"{rng.choice(['-', str(rng.randrange(900))])} {rng.randrange(9000)} {rng.choice(['-', '17'])} 5 done"
        for _ in range(60)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_dash_beside_a_word_stays_a_word_of_the_template() -> None:
    assert signature("error connecting to master 7 - retry-time: 60") == (
        "error",
        "connecting",
        "to",
        "master",
        "<*>",
        "-",
        "retry-time:",
        "<*>",
    )


def test_a_keys_value_built_around_a_masked_id_is_a_value() -> None:
    """`lease_id=auth/approle/login/h3f…`: the words in a key's value around a masked id are part of the id,
    however few and frequent they are."""
    rng = random.Random(8)
    messages = [
        f"expiration: revoked lease: lease_id=auth/{rng.choice(['kubernetes', 'approle', 'token'])}/login/"
        f"h{uuid.UUID(int=rng.getrandbits(128)).hex}"
        for _ in range(90)
    ]
    assert set(clusters_of(messages).values()) == {"expiration: revoked lease: <*>"}


KLOG_OUTPUTS = [
    'output="HTTP probe failed with statuscode: {n}"',
    'output="Get \\"http://10.1.{n}.7:8080/healthz\\": dial tcp 10.1.{n}.7:8080: connect: connection refused"',
    'output="Get \\"http://10.1.{n}.7:8080/ready\\": context deadline exceeded"',
]


def test_a_keys_quoted_text_beside_the_message_is_a_value() -> None:
    """klog's `"Probe failed" … output="…"` and logfmt's `msg="Notify failed" … err="…"`: the message stays, the
    quoted text of another key is the event's value, however many words it has."""
    rng = random.Random(3)

    def probe() -> str:
        output = rng.choice(KLOG_OUTPUTS).format(n=rng.randrange(256))
        kind = rng.choice(["Readiness", "Liveness", "Startup"])
        return f'prober.go:107] "Probe failed" probeType="{kind}" pod="prod/api-{rng.randrange(99)}" {output}'

    def notify() -> str:
        err = rng.choice(["context deadline exceeded", "unexpected status code 429", "channel_not_found"])
        return f'caller=dispatch.go:354 level=error msg="Notify for alerts failed" num_alerts={rng.randrange(9)} err="{err}"'

    assert_one_cluster_per_event([probe, notify], 120, rng)


def test_quoted_messages_of_keys_without_another_message_stay_apart() -> None:
    """`msg="shim disconnected"` and `msg="cleaning up after shim disconnected"`: with no other message in the
    line, a key's quoted texts are the messages of different events."""
    texts = ["shim disconnected", "cleaning up after shim disconnected", "starting signal loop"]
    messages = [f'level=info msg="{text}" id={n:064x} namespace=moby' for text in texts for n in range(20)]
    assert len(set(clusters_of(messages).values())) == 3


def test_keyed_quoted_texts_are_linear() -> None:
    """Many quoted texts in one line cost their length, not its square."""
    assert_linear(lambda n: signature(" ".join(f'k{i}="a b c"' for i in range(n // 8))), 20_000)
    assert_linear(
        lambda n: clusters_of([" ".join(f'k{i}="a b {j}"' for i in range(n // 8)) for j in range(3)]), 20_000
    )


def test_a_bracketed_text_in_a_sentence_fills_a_value() -> None:
    """Tomcat brackets the values it logs: `thread named [pool-3-thread-7]` (one masked token) in most lines,
    `[Abandoned connection cleanup thread]` (several words) in some, is one event."""
    rng = random.Random(4)
    messages = [
        f"The web application [{rng.choice(['shop', 'api', 'docs'])}] appears to have started a thread named "
        f"[{rng.choice(['Abandoned connection cleanup thread', f'pool-{rng.randrange(9)}-thread-{rng.randrange(40)}'])}]"
        " but has failed to stop it."
        for _ in range(80)
    ]
    assert len(set(clusters_of(messages).values())) == 1


_SYMBOLS = [
    "R_SPF_ALLOW(-0.20){+mx;}",
    "MIME_GOOD(-0.10){text/plain;}",
    "ARC_NA(0.00){}",
    "FROM_HAS_DN(0.00){}",
    "BAYES_SPAM(5.10){99.98%;}",
    "TO_DN_NONE(0.00){}",
    "DMARC_NA(0.00){example.org;}",
    "RCVD_COUNT_TWO(0.00){2;}",
]


def _verdict_line(rng: random.Random, spaced: bool) -> str:
    """A mail filter's verdict: its score in brackets, then the rules that fired, in brackets after that value,
    one of them (an ASN lookup's) with spaces inside when it fired."""
    symbols = rng.sample(_SYMBOLS, rng.randint(2, 6))
    if spaced:
        symbols.insert(
            rng.randrange(len(symbols)), "ASN(0.00){asn:15169, ipnet:209.85.128.0/17, country:US;}"
        )
    return (
        f"task_write_log: id: <m{rng.randrange(10**6)}@mail.example.com>, qid: <{rng.randrange(16**10):010X}>, "
        f"ip: 10.0.{rng.randrange(255)}.{rng.randrange(255)}, from: <alice@example.org>, (default: F (add header): "
        f"[{rng.uniform(6, 14):.2f}/15.00] [{','.join(symbols)}]), len: {rng.randrange(90000)}, "
        f"time: {rng.randrange(900)}.{rng.randrange(999):03d}ms"
    )


def test_a_bracketed_list_of_several_tokens_after_a_value_fills_its_wildcard() -> None:
    """rspamd's verdict lists the rules that fired in brackets after the score: a list with spaces inside (an
    ASN rule's `{asn:…, ipnet:…, country:US;}`) is several tokens, and fills the wildcard where the other lines'
    lists (one token each) vary, as a bracketed text after a word does."""
    rng = random.Random(5)
    messages = [_verdict_line(rng, spaced=i % 4 == 0) for i in range(18)]
    assert len(set(clusters_of(messages).values())) == 1


@pytest.mark.parametrize(
    ("absent", "present"),
    [
        ("from <> size 4231", "from <u{i}@example.org> size {i}"),  # an SMTP null sender
        (
            "open of (null) failed: No such file or directory",
            "open of /var/spool/job{i}.ps failed: No such file or directory",
        ),
        ("id: <undef>, qid: 4A3ADA47D6 scanned", "id: <m{i}@mail.example.com>, qid: 4A3ADA47D6 scanned"),
        ("lease for (NONE) renewed", "lease for 10.0.0.{i} renewed"),
    ],
)
def test_brackets_around_nothing_or_a_word_of_none_are_a_value(absent: str, present: str) -> None:
    """C's printf writes `(null)` for a null string, an SMTP sender may be `<>`, rspamd writes `<undef>`: the
    line had a value there, none this time, and it is the statement the other lines make, however often it
    says so."""
    messages = [absent] * 6 + [present.format(i=i) for i in range(3)]
    assert len(set(clusters_of(messages).values())) == 1


@pytest.mark.parametrize(
    "text", ["nothing (none of them) matched", "kept List<> empty", "set <on> for uplink"]
)
def test_words_in_brackets_that_say_more_than_none_stay(text: str) -> None:
    assert signature(text) == tuple(text.split())


def test_a_word_glued_after_a_value_by_a_bar_is_a_field_of_that_value() -> None:
    """PowerDNS writes a name and its query type as one token, `cdn.example.org|AAAA`: the type is a field the
    name labels, and a few common types (each in a fair share of the lines) are the values of one statement, as
    `type=AAAA` would be."""
    rng = random.Random(8)
    hosts = [
        "example.com",
        "api.shop.example.net",
        "cdn.example.org",
        "tracker.example.info",
        "www.corp.example",
    ]
    messages = [
        f"Sending SERVFAIL to 10.0.{rng.randrange(255)}.7:{rng.randrange(1024, 65535)} during resolve of "
        f"'{rng.choice(hosts)}' because: Too much time waiting for {rng.choice(hosts)}|"
        f"{['A', 'AAAA', 'MX', 'TXT', 'SRV', 'PTR'][i % 6]}, timeouts: {rng.randrange(9)}, "
        f"throttles: {rng.randrange(9)}, queries: {rng.randrange(60)}, {rng.randrange(7000, 9999)}msec"
        for i in range(48)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_two_words_glued_after_a_value_by_a_bar_may_name_two_events() -> None:
    rng = random.Random(9)
    messages = [
        f"listening on 10.0.0.{rng.randrange(255)}:53|{protocol}, backlog: {rng.randrange(99)}"
        for protocol in ("udp", "tcp")
        for _ in range(20)
    ]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_bracketed_text_after_a_value_fills_no_wildcard_of_another_statement() -> None:
    """The bracketed text after a value fills a wildcard only where the rest of the line is the same: a
    different statement around it stays apart."""
    rng = random.Random(6)
    messages = [
        f"job {rng.randrange(999)} [{rng.choice(['nightly backup run', 'weekly report run', 'cache warmup'])}] finished"
        for _ in range(20)
    ] + [f"job {rng.randrange(999)} {rng.randrange(99)} failed" for _ in range(20)]
    templates = clusters_of(messages)
    assert {templates[message] for message in messages if message.endswith("finished")}.isdisjoint(
        templates[message] for message in messages if message.endswith("failed")
    )


def test_a_word_member_of_a_list_of_named_values_is_a_value() -> None:
    """`(10.0.0.7, executor 3, partition 17, NODE_LOCAL, 4242 bytes)`: a member between commas in a list of
    values is one field of several, however few and frequent its words are."""
    rng = random.Random(6)
    messages = [
        f"Launching attempt {rng.randrange(99)}.0 in phase {rng.randrange(40)}.0 (10.0.{rng.randrange(255)}.7, "
        f"worker {rng.randrange(20)}, shard {rng.randrange(500)}, "
        f"{rng.choice(['PROCESS_LOCAL', 'NODE_LOCAL', 'RACK_LOCAL', 'ANY'])}, {rng.randrange(9000)} bytes) started"
        for _ in range(200)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_words_at_the_end_of_a_line_fill_its_last_wildcard() -> None:
    """`time source dc01.corp.example` in most lines, `time source VM IC Time Synchronization Provider.` in some:
    the text at the end of the line is the value of the bigger event's last wildcard."""
    rng = random.Random(2)
    messages = [
        "The clock service now follows the time source "
        + rng.choice([f"dc{rng.randrange(9)}.corp.example.org", f"ntp{rng.randrange(9)}.example.net,0x8"])
        for _ in range(60)
    ] + ["The clock service now follows the time source VM IC Time Synchronization Provider."] * 20
    assert set(clusters_of(messages).values()) == {"The clock service now follows the time source <*>"}


def test_a_parenthesized_reason_after_a_sentence_is_a_value() -> None:
    """`Failed login with 10.0.0.7 (TLS handshake failed)`: the reason in parentheses, one of several texts in
    lines equal elsewhere, is the event's value; labelled values in parentheses are no such text."""
    rng = random.Random(9)
    reasons = [
        "TLS handshake failed",
        "Unexpected request during the handshake.",
        "Bad credentials for mechanism",
    ]
    messages = [
        f"[Listener node={rng.randrange(5)}] Failed login with 10.1.0.{rng.randrange(255)} ({rng.choice(reasons)})"
        for _ in range(90)
    ]
    assert set(clusters_of(messages).values()) == {"[Listener node=<*>] Failed login with <*>"}
    labelled = [
        f"Channel error on link {n} (from: '{rng.choice(['eu', 'us', 'ap'])}', to: '{rng.choice(['a', 'b'])}')"
        for n in range(60)
    ]
    assert all("from:" in template for template in clusters_of(labelled).values())


def test_a_quoted_word_at_the_end_of_a_line_counts_among_its_quoted_texts() -> None:
    """OpenDKIM's `can't parse From: header value '…'`: two texts of several words and a quoted word (one
    token) said at the line's end are three texts of one place, the value the statement quotes; two texts
    alone may still name two events."""
    messages = (
        [f"4AB{i}: can't parse From: header value 'Billing <billing@>'" for i in range(8)]
        + [f"4AC{i}: can't parse From: header value 'Mailer Daemon'" for i in range(6)]
        + [f"4AD{i}: can't parse From: header value 'undisclosed-recipients:;'" for i in range(4)]
    )
    assert len(set(clusters_of(messages).values())) == 1
    modes = [f"job {i} set mode 'read only'" for i in range(8)] + [
        f"job {i} set mode 'fast'" for i in range(6)
    ]
    assert len(set(clusters_of(modes).values())) == 2


def test_a_parenthesized_reason_counts_its_texts_with_values_read_alike() -> None:
    """FreeRADIUS' `Invalid user: [name] (from client … port … cli …)`: the lines where redaction wrote the
    user (`[[REDACTED:email]]`) show too few texts on their own, but they are the lines equal elsewhere to
    those whose user is masked, and their texts count together: one event."""
    rng = random.Random(10)

    def line(user: str) -> str:
        client = rng.choice(["wifi-ap1", "vpn-gw", "switch-core", "10.0.0.5"])
        return f"Auth: ({rng.randrange(9999)}) Invalid user: {user} (from client {client} port {rng.randrange(48)})"

    messages = [line(f"[10.0.{rng.randrange(255)}.{rng.randrange(255)}]") for _ in range(12)] + [
        line("[[REDACTED:email]]") for _ in range(3)
    ]
    assert len(set(clusters_of(messages).values())) == 1


_IDENTIFIER = st.from_regex(r"[a-z][a-zA-Z0-9]{0,9}", fullmatch=True)
_CALL_SITE = st.builds(
    lambda package, owner, nested, method, line: f"{'.'.join(package)}.{owner}{nested}.{method}:{line}",
    st.lists(_IDENTIFIER, min_size=1, max_size=4),
    st.from_regex(r"[A-Z][a-zA-Z]{1,11}", fullmatch=True),
    st.sampled_from(["", "$Inner", "$1"]),
    st.one_of(_IDENTIFIER, st.just("<init>")),
    st.integers(min_value=1, max_value=99_999),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_CALL_SITE, min_size=2, max_size=16))
def test_a_call_stack_of_any_depth_reads_as_one_value(stack: list[str]) -> None:
    """Qualified methods with their line numbers in a row (`a.b.Store.save:120 a.b.Api.put:88`) are the call
    stack that led to the line: one value, however deep and whatever its frames."""
    assert signature(f"Closing channel pool-7 called by {' '.join(stack)}") == (
        "Closing",
        "channel",
        "<*>",
        "called",
        "by",
        "<*>",
    )
    assert signature(f"stack {' '.join(stack)} unwound") == ("stack", "<*>", "unwound")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.from_regex(r"[a-z][a-zA-Z]{0,9}", fullmatch=True), min_size=1, max_size=4),
    st.from_regex(r"[A-Z][a-zA-Z]{1,11}", fullmatch=True),
    st.from_regex(r"[a-z]{1,6}[A-Z][a-zA-Z]{0,6}", fullmatch=True),
)
def test_a_single_call_site_stays_a_word(package: list[str], owner: str, method: str) -> None:
    """One qualified method is no stack: it may name the statement (`Retry scheduled by a.b.Queue.pushAll:12`)."""
    site = f"{'.'.join(package)}.{owner}.{method}"
    assert signature(f"Retry scheduled by {site}:12") == ("Retry", "scheduled", "by", f"{site}:<*>")


def test_a_call_site_glued_to_a_word_is_not_part_of_a_stack() -> None:
    tokens = signature("trace=org.sample.Store.save:12 org.sample.Api.put:40 done")
    assert tokens[0].startswith("trace=")


def test_lines_with_call_stacks_of_different_depths_are_one_event() -> None:
    calls = ["Pool.release", "Pool.closeAll", "Session.end", "Server.dispatch", "Binder.run"]
    frames = [f"org.sample.{call}:{line}" for line, call in enumerate(calls, 11)]
    messages = [
        f"Releasing buffer Buffer(name={name}) called by {' '.join(frames[: 2 + depth])}"
        for name, depth in [("Popup:3f1a", 0), ("Input", 1), ("Popup:77c2", 3), ("Overlay", 2)]
    ]
    assert set(clusters_of(messages).values()) == {"Releasing buffer <*> called by <*>"}


def test_a_long_call_stack_is_read_in_linear_time() -> None:
    """A crafted line of 50,000 call sites (or of one dotted name as long) costs time in proportion."""
    run = assert_linear(
        lambda size: clusters_of([f"trace {' '.join(['a.B.c:1'] * size)}", f"name {'a.' * size}b:1 x:1 "]),
        50_000,
    )
    assert len(set(run.values())) == 2


def test_a_keys_quoted_names_with_a_space_are_names_too() -> None:
    """A key whose quoted texts are mostly one word holds names: one with a space is a name as well, also
    where another field of the line varies with it."""
    rng = random.Random(2)
    queues = ["lab", "*batch*", "ENG_3F", "plotter", "Front Desk"]
    messages = [
        f'spool hold job={n}, queue="{queue}", owner={rng.choice(["cups", "print.example.org"])}'
        for n, queue in enumerate(queues * 6)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_keys_quoted_sentences_stay_messages() -> None:
    """Most texts of the key are sentences: the texts are the messages, not names (`msg="…"` of logfmt)."""
    texts = ["shim disconnected", "cleaning up after shim disconnected", "loading plugin", "ready"]
    messages = [f'level=info msg="{text}" id={n}' for n in range(8) for text in texts]
    assert len(set(clusters_of(messages).values())) == len(texts)


@pytest.mark.parametrize("empty", ["null", "None", "nil", "-"])
def test_an_empty_keyed_value_is_a_value(empty: str) -> None:
    """`owner=null` is a field left empty, however often: the same event as `owner=Group{<*>}`."""
    messages = [f"lease grant id={n}, owner=Group{{{n}}}, ttl={n}s" for n in range(4)] + [
        f"lease grant id={n}, owner={empty}, ttl={n}s" for n in range(12)
    ]
    assert set(clusters_of(messages).values()) == {"lease grant id=<*>, <*> ttl=<*>s"}


def test_a_keyed_word_joins_the_values_of_its_field() -> None:
    """A key's word value (`name=android`) is a value of the field even where it outnumbers the masked ones."""
    messages = [f"wake acquire lock={n}, name=android, pid={n}" for n in range(20)] + [
        f"wake acquire lock={n}, name=com.example.{app}, pid={n}"
        for n in range(3)
        for app in ("mail", "maps")
    ]
    assert set(clusters_of(messages).values()) == {"wake acquire lock=<*>, <*> pid=<*>"}


def test_record_rows_whose_fields_vary_together_are_one_event() -> None:
    """Fields that vary at once (a name, an owner, an empty or set group): the rows of one record line."""
    rng = random.Random(5)
    queues = ["Front Desk", "lab", "*batch*", "ENG_3F", "plotter", "Night Shift"]
    owners = ["cups", "print.example.org", "spool.example.net"]

    def row(verb: str) -> str:
        group = rng.choice(["null", f"Group{{{rng.randint(100, 999)}}}"])
        return (
            f"{verb} job={rng.randint(10**6, 10**8)}, flags=0x{rng.randint(1, 9)}, "
            f'queue="{rng.choice(queues)}", owner={rng.choice(owners)}, ws={group}, uid={rng.randint(1, 9999)}'
        )

    assert_one_cluster_per_event([lambda: row("spool acquire"), lambda: row("spool release:")], 80, rng)


_SEEDED_RUN = """
import json, sys
from loggardener.clustering.miner import TemplateMiner
miner = TemplateMiner()
messages = json.load(sys.stdin)
ids = [miner.add(message) for message in messages]
print(json.dumps([miner.template(template_id) for template_id in ids]))
"""


def test_clusters_do_not_depend_on_the_hash_seed() -> None:
    """Every step is a function of the signatures: the same lines give the same clusters in any process (a
    string hash, which varies with PYTHONHASHSEED, once decided whether slot rounds went on)."""
    messages = _logins_and_logouts()
    messages += [
        f'spool hold job={n}, queue="{q}", owner=cups' for n, q in enumerate(["lab", "A B", "x"] * 4)
    ]
    runs = {
        subprocess.run(
            [sys.executable, "-c", _SEEDED_RUN],
            input=json.dumps(messages),
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": os.pathsep.join(sys.path)},
        ).stdout
        for seed in ("0", "1", "2", "3")
    }
    assert len(runs) == 1


# Few sayings of one statement (an hourly window of a quiet service): names of things in the world, joined by
# marks (`shard-east`, `web/<*>`, `Meta{Name:x,…}`), are values however few times they are seen.
NAME_PART = st.from_regex(r"[a-z]{2,7}", fullmatch=True)
NAME = st.tuples(NAME_PART, st.sampled_from("-/.:@"), NAME_PART).map("".join)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(NAME, min_size=2, max_size=3, unique=True), st.lists(NAME, min_size=2, max_size=3, unique=True)
)
def test_two_sayings_differing_in_names_are_one_event(shards: list[str], owners: list[str]) -> None:
    messages = [
        f"Rebuilt index for shard {shard} in {17 * i}ms, owner={owner}"
        for i, (shard, owner) in enumerate(zip(shards, owners, strict=False))
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_names_in_a_few_sayings_are_values_among_other_statements() -> None:
    """Each statement said two or three times, with another replica, queue or struct each time: one cluster
    per statement, and the statements stay apart."""
    messages = [
        "Replica db-east asks for a snapshot",
        "Replica db-west asks for a snapshot",
        "Replica db-east sent a snapshot to dc/rack-2",
        "Replica db-north sent a snapshot to dc/rack-9",
        "Replica db-west sent a snapshot to dc/rack-1",
        "queue billing.retry drained by consumer mail-sender",
        "queue orders.created drained by consumer audit-log",
        "Spawned &Job{Name:rollup,Attempt:3,} on worker-a",
        "Spawned &Job{Name:cleanup,Attempt:0,} on worker-b",
    ]
    clusters = clusters_of(messages)
    assert len(set(clusters.values())) == 4
    assert clusters[messages[0]] == clusters[messages[1]] == "Replica <*> asks for a snapshot"
    assert clusters[messages[5]] == "queue <*> drained by consumer <*>"


def test_codes_and_names_in_code_keep_their_statements_apart() -> None:
    """A code of underscores (`reason=bad_token`), a function's name (`tls_read_error_cb`) and a qualified
    constant (`os.signal.SIGTERM`) may be what tells two statements apart: seen once each, they stay apart."""
    pairs = [
        ("login refused reason=bad_token", "login refused reason=no_such_account"),
        ("callback tls_read_error_cb fired", "callback tls_write_done_cb fired"),
        ("received os.signal.SIGTERM from init", "received os.signal.SIGHUP from init"),
    ]
    for pair in pairs:
        assert len(set(clusters_of(list(pair)).values())) == 2, pair


def test_the_verbs_a_message_opens_with_name_their_statements() -> None:
    """`Starting` / `Pausing` / `Stopping` … the same listener, a few times each: five statements, however many
    verbs there are; names opening a message are still values (`test_variable_first_token`)."""
    rng = random.Random(7)
    verbs = ["Initializing", "Starting", "Pausing", "Stopping", "Destroyed"]
    messages = [
        f'{verb} listener ["{rng.choice(["tcp", "tls"])}-{rng.randint(1000, 9999)}"]'
        for verb in verbs
        for _ in range(rng.randint(2, 5))
    ]
    clusters = clusters_of(messages)
    assert {clusters[message] for message in messages} == {f"{verb} listener <*>" for verb in verbs}


def test_a_name_masked_with_the_value_beside_it_is_the_same_event() -> None:
    """`peer joined: edge-b 10.0.0.7` and `peer joined: edge-7 10.0.0.9`: a name with a digit is masked and folds
    with the address after it into one `<*>`, one token fewer; the same statement whichever is seen more."""
    for sayings in (1, 2, 3):
        messages = [
            f"peer joined: {name} 10.0.{i}.7"
            for i, name in enumerate(["edge-a", "edge-b", "edge-c"][:sayings])
        ]
        messages += [
            "peer joined: edge-7 10.0.0.9",
            "peer left: edge-b 10.0.3.1",
            "peer left: edge-c 10.0.3.2",
        ]
        clusters = clusters_of(messages)
        assert len(set(clusters.values())) == 2, clusters


def test_a_few_lifecycle_verbs_seen_once_or_twice_stay_apart() -> None:
    """A quiet hour of a supervisor: `Suspended`, `Resumed`, `Restarted` once or twice each after the worker's
    id. Three rare words would pass for a variable; they are verbs, three statements."""
    verbs = ["Suspended", "Resumed", "Restarted"]
    messages = [
        f"[worker {uuid.UUID(int=7 * n + 3 * i)}] pool member {verb} (supervisor)"
        for i, verb in enumerate(verbs)
        for n in range(1 + i % 2)
    ]
    clusters = clusters_of(messages)
    assert {clusters[message] for message in messages} == {
        f"[worker <*>] pool member {verb} (supervisor)" for verb in verbs
    }


_CONTEXT_EVENTS = (
    "connect() failed (111: Connection refused) while connecting to upstream",
    "upstream timed out (110: Connection timed out) while reading response header from upstream",
    'user "{user}": password mismatch',
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["GET", "POST", "PUT", "DELETE", "CONNECT"]),
            st.sampled_from(["", "shop.example.com", "_", "localhost"]),
            st.sampled_from(['"localhost"', '"shop.example.com"', '"127.0.0.1:8443"']),
            st.integers(1, 99_999),
        ),
        min_size=2,
        max_size=3,
    ),
    st.booleans(),
)
def test_the_values_of_a_context_list_are_values_whatever_their_shape(
    requests: list[tuple[str, str, str, int]], referrer: bool
) -> None:
    # nginx appends the fields of the request an error happened to: its method, an empty, named or `_`
    # server, a quoted host. Two or three lines of each event (a quiet hour) vary in all of them at once:
    # each event is one cluster, its own.
    messages: list[tuple[int, str]] = []
    for event, text in enumerate(_CONTEXT_EVENTS):
        for method, server, host, n in requests:
            tail = f'client: 10.0.{n % 250}.9, server: {server}, request: "{method} /api/v{n} HTTP/1.1", host: {host}'
            if referrer:
                tail += ', referrer: "https://shop.example.com/cart"'
            messages.append((event, f"*{n} {text.format(user=('ana', 'bob')[n % 2])}, {tail}"))
    clusters = clusters_of([message for _, message in messages])
    by_event = [{clusters[m] for e, m in messages if e == event} for event in range(len(_CONTEXT_EVENTS))]
    assert all(len(templates) == 1 for templates in by_event)
    assert len(set.union(*by_event)) == len(_CONTEXT_EVENTS)


def test_fields_that_are_no_context_list_keep_their_events() -> None:
    # Fields without commas keep which fields they have (Loghub's OpenSSH truth holds pam's `rhost=<*>` and
    # `rhost=<*> user=root` apart). Not a context list: fields mostly of words (`status: done` / `status:
    # failed`: maybe two events), `key=value` pairs, and fields with no message before them.
    messages = []
    for n in range(3):
        tail = f'client: 10.0.0.{n}, server: _, request: "GET /v{n} HTTP/1.1", host: "localhost"'
        messages += [
            f"*{n} connect() failed (111: Connection refused) while connecting to upstream, {tail}",
            f"Finished job nightly, status: done, mode: full, shard: s{n}",
            f"Finished job nightly, status: failed, mode: full, shard: s{n}",
            f"authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.{n}",
            f"authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=10.0.0.{n}  user=root",
            f"user: ana{n}, action: login, client: 10.0.0.{n}",
            f"user: ana{n}, action: logout, client: 10.0.0.{n}",
            # labels in a sentence, no comma: no list (`dest: alpha` / `dest: beta`, two words, stay apart)
            f"Receiving block blk_{n} src: /10.0.0.{n}:50010 dest: alpha",
            f"Receiving block blk_{n} src: /10.0.0.{n}:50010 dest: beta",
        ]
    assert len(set(clusters_of(messages).values())) == 9


def test_an_access_log_field_left_empty_is_a_value() -> None:
    # The combined log format writes `"-"` for a referrer or a user agent the request did not send: the
    # quoted dash is a value, as a URL there is, so lines with and without a referrer are one event (a
    # browser's user agent of many words then fills the value a client's one-word agent leaves).
    rng = random.Random(5)
    agents = [
        '"curl/8.4.0"',
        '"-"',
        '"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"',
    ]
    messages = []
    for n in range(12):
        referrer = '"-"' if n % 3 else f'"https://shop.example.com/p/{n}"'
        messages.append(
            f'10.0.0.{n} - - [05/Jul/2015:07:{n:02d}:19 -0700] "GET /static/{n}.jpg HTTP/1.1" 200 '
            f"{rng.randrange(99_999)} {referrer} {agents[n % 2] if n < 9 else agents[2]}"
        )
    assert len(set(clusters_of(messages).values())) == 1


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(1, 99_999), st.sampled_from(["SIP", "PJSIP", "AMI"])),
        min_size=6,
        max_size=12,
    )
)
def test_a_record_of_quoted_pairs_without_spaces_is_read_pair_by_pair(
    draws: list[tuple[int, int, str]],
) -> None:
    # Asterisk's security log writes one event as `Key="value"` pairs joined by commas alone, one token: the
    # pairs are its fields, so records of other keys are other events, and one kind's records are one event
    # whatever their values.
    kinds = (
        'SecurityEvent="InvalidAccountID",EventTV="{n}-5",Service="{s}",AccountID="{n}",RemoteAddress="IPV4/UDP/10.0.0.{m}/5060"',
        'SecurityEvent="FailedACL",EventTV="{n}-5",Service="{s}",AccountID="",RemoteAddress="IPV4/UDP/10.0.0.{m}/5060",ACLName="deny_all"',
        'SecurityEvent="ChallengeResponseFailed",EventTV="{n}-5",Service="{s}",AccountID="{n}",RemoteAddress="IPV4/UDP/10.0.0.{m}/5060",Challenge="{n}",Response="{n}ab",ExpectedResponse=""',
    )
    messages = [(kind, kinds[kind].format(n=n, m=n % 250, s=service)) for kind, n, service in draws]
    clusters = clusters_of([message for _, message in messages])
    by_kind = {kind: {clusters[m] for k, m in messages if k == kind} for kind, _, _ in draws}
    assert all(len(templates) == 1 for templates in by_kind.values())
    assert len(set.union(*by_kind.values())) == len(by_kind)
    # compact JSON and label sets in braces keep their own reading
    assert signature('rate({job="web",instance="a:9090"}[5m])') == (
        'rate({job="web",instance="a:<*>"}[<*>m])',
    )


MOUNTS = [
    ("system", "sys"),
    ("kv", "secret"),
    ("identity", "identity"),
    ("cubbyhole", "cubbyhole"),
    ("token", "token"),
]


@given(
    st.lists(st.integers(1, 2), min_size=len(MOUNTS), max_size=len(MOUNTS)),
    st.sampled_from(["path={}/", 'path="{}/"', "at {}/", "prefix={}/,"]),
)
def test_a_directory_written_with_its_trailing_slash_is_a_name(repeats: list[int], shape: str) -> None:
    """`path=secret/` is a directory, a name like `secret/data`: a value however few lines show it, so a field
    that pairs one to one with it (Vault's mount type and its default path) is judged alone, and five types
    seen once or twice each are a variable, one event."""
    messages = [
        f"core: successfully mounted backend: type={kind} {shape.format(path)}"
        for (kind, path), repeat in zip(MOUNTS, repeats, strict=True)
        for _ in range(repeat)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_directory_does_not_join_two_words_of_a_field() -> None:
    """Look-alike: with the directory a value, a field of two words still names two events (`mode=push` /
    `pull`), and a first token ending in `/` stays the statement's own."""
    messages = [
        f"sync finished mode={mode} path={path}/ in {n} ms"
        for mode in ("push", "pull")
        for path in ("alpha", "beta", "gamma")
        for n in range(4)
    ]
    assert len(set(clusters_of(messages).values())) == 2
    messages = [f"{head}/ mounted" for head in ("sys", "proc", "dev") for _ in range(5)]
    assert len(set(clusters_of(messages).values())) == 3


def test_a_flag_few_lines_show_is_still_a_value() -> None:
    """A flag's two values after a label are one field however rarely one of them is seen: MySQL's `(using
    password: NO)` three times and `YES)` once are one statement."""
    rng = random.Random(26)
    for yes in (1, 2):
        messages = [
            f"Access denied for user 'root'@'10.0.{rng.randint(0, 9)}.{i}' (using password: NO)"
            for i in range(3)
        ] + [f"Access denied for user 'root'@'10.0.1.{i}' (using password: YES)" for i in range(yes)]
        assert len(set(clusters_of(messages).values())) == 1


def test_two_rare_words_of_a_field_that_are_no_flag_stay_apart() -> None:
    """Look-alike: two words of a field, each in few lines, that are not a flag's values (`state: open` /
    `closed)`) keep their statements apart."""
    messages = [f"valve {i} changed (state: open)" for i in range(3)] + ["valve 7 changed (state: closed)"]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_value_one_cluster_varied_and_another_holds_is_one_context() -> None:
    """Beside a slot, a value reads as any value: the `YES` lines' accounts vary (`'<*>'@'<*>'`), the `NO`
    lines' do not (`'root'@'<*>'`), and the flag after them is still one field (MariaDB's access log)."""
    users = ["root", "hacker", "user", "root", "root"]
    messages = [f"Access denied for user 'root'@'192.0.2.{i}' (using password: NO)" for i in range(3)] + [
        f"Access denied for user '{user}'@'198.51.100.{i}' (using password: YES)"
        for i, user in enumerate(users)
    ]
    assert len(set(clusters_of(messages).values())) == 1
    # look-alike: the same contexts around two words that are no flag keep two events
    messages = [f"Session for '{user}'@'10.0.0.{i}' ended (reason: idle)" for i, user in enumerate(users)] + [
        f"Session for 'root'@'10.0.1.{i}' ended (reason: kicked)" for i in range(3)
    ]
    assert len(set(clusters_of(messages).values())) == 2


PEER_HOSTS = ["", "mx.example.org ", "rrcs-24-106-174-74.se.biz.rr.com ", "static-ip.pool.example.com "]
PEER_HELOS = ["", "(ylmf-pc) ", "(USER) ", "(SERVER) ", "([192.168.2.33]) ", "(mail.example.net) "]
PEER_ADDRESSES = ["[192.0.2.1]", "[198.51.100.7]:41556", "[IPv6:2001:db8::1]", "[203.0.113.9]:25"]


@given(
    st.lists(
        st.tuples(st.sampled_from(PEER_HOSTS), st.sampled_from(PEER_HELOS), st.sampled_from(PEER_ADDRESSES)),
        min_size=2,
        max_size=12,
    )
)
def test_a_mail_peer_is_one_value_with_or_without_its_host_and_helo_name(
    peers: list[tuple[str, str, str]],
) -> None:
    """Exim and sendmail write a peer as `host (helo) [ip]:port`, the host and the name it gave in its HELO
    each there or not: every such peer is one value, so each statement is one event."""
    messages = [
        f"login authenticator failed for {host}{helo}{address}: 535 Incorrect authentication data"
        for host, helo, address in peers
    ] + [f"SMTP connection from {host}{helo}{address} closed by DROP in ACL" for host, helo, address in peers]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_word_in_parentheses_before_a_bracketed_number_stays_a_word() -> None:
    """Look-alike: only an IP address in brackets makes the parenthesized token before it a peer's name; an
    outcome before a bracketed count (`(ok) [42]`) still tells two statements apart."""
    messages = [f"batch {n} finished ({outcome}) [{n * 7}]" for outcome in ("ok", "failed") for n in range(5)]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_keys_value_written_in_two_tokens_is_one_value() -> None:
    """sendmail's `relay=host [ip]` and `relay=[ip]` (no host name found): a key's value followed by another
    value is one value, as two values in a row are."""
    rng = random.Random(27)
    messages = [
        f"ruleset=check_relay, arg1={a}, relay={host}[10.{rng.randint(0, 255)}.0.{rng.randint(1, 254)}], "
        "reject=421 4.3.2 Connection rate limit exceeded."
        for a, host in [("x.example.net", "x.example.net "), ("[198.51.100.2]", ""), ("a.example.org", "")]
        * 2
    ]
    assert len(set(clusters_of(messages).values())) == 1
    # look-alike: a key's value followed by a word keeps the word, and two words name two statements
    messages = [
        f"relay={n}.example.net {verb} by policy" for verb in ("accepted", "rejected") for n in range(4)
    ]
    assert len(set(clusters_of(messages).values())) == 2


ES_INDICES = [
    "project",
    "orders",
    "chipseq_filter_quality_metric",
    "testing_post_put_patch",
    "analysis_step_version",
]


@given(st.lists(st.sampled_from(ES_INDICES), min_size=3, max_size=12, unique=True))
def test_an_index_said_with_its_id_and_again_alone_is_one_value(indices: list[str]) -> None:
    """Elasticsearch names an index with its id, `[project/G9e5RHTzSmSX6dgpVppu3A]`, and says it again alone
    (`create_mapping [project]`): the two sayings are one value, whatever the name's shape, so each statement
    is one event however few lines show each index."""
    rng = random.Random(len(indices))

    def uid() -> str:
        return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(21)) + "7"

    messages = [f"[{index}/{uid()}] create_mapping [{index}]" for index in indices]
    messages += [f"[{index}/{uid()}] update_mapping [_doc]" for index in indices]
    templates = clusters_of(messages)
    assert len({templates[m] for m in messages if "create_mapping" in m}) == 1
    # look-alike: the constant `[_doc]` is no echo, and the two statements stay two events
    assert len(set(templates.values())) == 2


def test_an_interface_glued_to_a_message_type_is_a_value_and_the_types_stay_apart() -> None:
    # dnsmasq with `log-queries=extra` leads each line with a serial number; the DHCP message type carries the
    # interface in parentheses (`DHCPOFFER(eth0)`, `DHCPOFFER(br-guest)`): one event per type, whatever the
    # interface, and the types stay apart.
    rng = random.Random(40)
    interfaces = ["eth0", "eth1", "br-guest", "wlan0", "wlan1", "bond0", "lan"]

    def line(kind: str) -> Callable[[], str]:
        return lambda: (
            f"{rng.randint(1, 99999)} {kind}({rng.choice(interfaces)}) 192.168.{rng.randint(0, 9)}.{rng.randint(2, 250)}"
            f" {':'.join(f'{rng.randrange(256):02x}' for _ in range(6))}"
        )

    assert_one_cluster_per_event(
        [line(kind) for kind in ("DHCPDISCOVER", "DHCPOFFER", "DHCPREQUEST")], 150, rng
    )


def test_words_glued_to_one_name_in_parentheses_still_tell_events_apart() -> None:
    # Look-alike: `VRRP_Script(chk_web) succeeded` / `failed`: the argument is a name, the verdict after it
    # names the event.
    rng = random.Random(41)
    scripts = ["chk_web", "chk_db", "chk_cache", "chk_api"]
    events = [
        lambda: f"VRRP_Script({rng.choice(scripts)}) succeeded",
        lambda: f"VRRP_Script({rng.choice(scripts)}) failed (exited with status 1)",
        lambda: f"VRRP_Instance({rng.choice(['VI_1', 'VI_2'])}) Entering MASTER STATE",
        lambda: f"VRRP_Instance({rng.choice(['VI_1', 'VI_2'])}) Entering BACKUP STATE",
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_a_quoted_column_of_free_text_is_one_value_however_many_words() -> None:
    # Envoy's access log: the user agent `"curl/8.4.0"` is one word, a browser's a dozen, and the authority
    # beside it a quoted word or a host; the request line stays the statement (GET and POST apart).
    rng = random.Random(42)
    agents = [
        "curl/8.4.0",
        "Wget/1.21.4",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
        "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "node-fetch",
        "Go-http-client/2.0",
    ]
    authorities = ["shop.example.net", "backend", "localhost"]  # a quoted word beside the agent, or a host

    def request(method: str) -> Callable[[], str]:
        return lambda: (
            f"[2025-03-0{rng.randint(1, 9)}T08:{rng.randint(10, 59)}:{rng.randint(10, 59)}.{rng.randint(100, 999)}Z]"
            f' "{method} /v1/items/{rng.randint(1, 500)} HTTP/1.1" {rng.choice([200, 204, 404])} - 0'
            f' {rng.randint(10, 9000)} {rng.randint(1, 90)} {rng.randint(1, 90)} "172.16.{rng.randint(0, 9)}.{rng.randint(1, 99)}"'
            f' "{rng.choice(agents)}" "{uuid.UUID(int=rng.getrandbits(128))}" "{rng.choice(authorities)}"'
            f' "172.17.0.{rng.randint(2, 9)}:9000"'
        )

    assert_one_cluster_per_event([request("GET"), request("POST")], 200, rng)


def test_quoted_columns_of_one_length_stay_words() -> None:
    # Look-alike: a quoted column whose texts all have one length is no free text (`"job started"` /
    # `"job failed"` after a value): its words name the event.
    rng = random.Random(43)
    events = [
        lambda: f'{rng.randint(1, 9999)} "job started" {rng.randint(1, 99)}',
        lambda: f'{rng.randint(1, 9999)} "job failed" {rng.randint(1, 99)}',
        lambda: f'{rng.randint(1, 9999)} "job retried" {rng.randint(1, 99)}',
    ]
    assert_one_cluster_per_event(events, 150, rng)


def test_a_go_struct_field_with_a_word_value_tells_events_apart() -> None:
    # kubelet's PLEG events print a Go struct: `event=&{ID:<uid> Type:ContainerStarted Data:<id>}` and
    # `Type:ContainerDied` are two events, as `mode=push` / `mode=pull` are.
    rng = random.Random(44)

    def event(kind: str) -> Callable[[], str]:
        return lambda: (
            f'"SyncLoop (PLEG): event for pod" pod="{rng.choice(["shop", "ops"])}/web-{rng.randint(1, 9)}"'
            f" event=&{{ID:{uuid.UUID(int=rng.getrandbits(128))} Type:{kind} Data:{rng.getrandbits(256):064x}}}"
        )

    assert_one_cluster_per_event([event("ContainerStarted"), event("ContainerDied")], 120, rng)


def test_a_packet_options_field_that_some_packets_show_is_left_out() -> None:
    # iptables prints `OPT (…)` after the TCP flags on packets that carry options: the same event as the packets
    # without; the verdict in the prefix (`BLOCK` / `ALLOW`) stays apart. The protocol's fields are the same
    # rule's line (`_capital_records`): a UDP packet the rule blocked is its event as a TCP one is.
    rng = random.Random(45)

    def packet(verdict: str, tcp: bool) -> Callable[[], str]:
        def line() -> str:
            head = (
                f"[UFW {verdict}] IN=enp{rng.randint(1, 3)}s0 OUT= MAC={rng.getrandbits(112):028x}"
                f" SRC=198.51.100.{rng.randint(1, 250)} DST=203.0.113.{rng.randint(1, 250)} LEN={rng.randint(40, 1500)}"
                f" TOS=0x00 PREC=0x00 TTL={rng.randint(30, 250)} ID={rng.randint(0, 65535)}"
            )
            if not tcp:
                return f"{head} PROTO=UDP SPT={rng.randint(1, 65535)} DPT=53 LEN={rng.randint(20, 500)}"
            options = f" OPT ({rng.getrandbits(160):040X})" if rng.random() < 0.4 else ""
            return (
                f"{head} DF PROTO=TCP SPT={rng.randint(1024, 65535)} DPT={rng.choice([22, 443, 3389])}"
                f" WINDOW={rng.randint(1000, 65535)} RES=0x00 SYN URGP=0{options}"
            )

        return line

    tcp_or_udp = packet("BLOCK", True), packet("BLOCK", False)
    assert_one_cluster_per_event([lambda: rng.choice(tcp_or_udp)(), packet("ALLOW", True)], 240, rng)


def test_a_record_keyed_in_capitals_is_one_event_whichever_fields_it_has() -> None:
    """The kernel's netfilter `LOG` target prints the fields of the packet's protocol (`WINDOW=` for TCP, `LEN=` for
    UDP, `TYPE= CODE=` for ICMP) after the same header fields, Exim adds `X=` and `CV=` when the connection had TLS:
    one rule's or one statement's line each, whatever fields and values (`PROTO=TCP`, `P=esmtps`) it has."""
    rng = random.Random(401)

    def packet(prefix: str) -> Callable[[], str]:
        def line() -> str:
            head = (
                f"{prefix} IN=ens{rng.randint(1, 4)} OUT= MAC={rng.getrandbits(112):028x} SRC=192.0.2.{rng.randint(1, 250)}"
                f" DST=198.51.100.{rng.randint(1, 250)} LEN={rng.randint(40, 1500)} TOS=0x00 PREC=0x00"
                f" TTL={rng.randint(30, 250)} ID={rng.randint(0, 65535)}"
            )
            kind = rng.randrange(3)
            if kind == 0:
                return f"{head} PROTO=UDP SPT={rng.randint(1, 65535)} DPT=123 LEN={rng.randint(20, 500)}"
            if kind == 1:
                return f"{head} PROTO=ICMP TYPE={rng.choice([0, 3, 8])} CODE={rng.randint(0, 3)} ID={rng.randint(1, 9999)} SEQ={rng.randint(1, 99)}"
            return (
                f"{head} PROTO=TCP SPT={rng.randint(1024, 65535)} DPT={rng.choice([22, 443])}"
                f" WINDOW={rng.randint(1000, 65535)} RES=0x00 SYN URGP=0"
            )

        return line

    def arrival() -> str:
        tls = rng.choice(
            [
                "",
                " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no",
                " X=TLS1.2:ECDHE-RSA-AES128-GCM-SHA256:128 CV=yes",
            ]
        )
        return (
            f"1r{rng.randrange(16**4):04X}-{rng.randrange(16**6):06X}-{rng.randrange(256):02X} <= ana{rng.randint(1, 9)}@example.org"
            f" H=mx{rng.randint(1, 9)}.example.net [192.0.2.{rng.randint(1, 250)}] P={rng.choice(['esmtp', 'esmtps', 'esmtpsa'])}{tls}"
            f" S={rng.randint(500, 90000)} id={rng.randrange(16**12):012x}@example.net"
        )

    def delivery() -> str:
        tls = rng.choice(["", " X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=yes"])
        return (
            f"1r{rng.randrange(16**4):04X}-{rng.randrange(16**6):06X}-{rng.randrange(256):02X} => bob{rng.randint(1, 9)}@example.com"
            f" R={rng.choice(['dnslookup', 'smarthost'])} T=remote_smtp H=mx{rng.randint(1, 9)}.example.com"
            f' [198.51.100.{rng.randint(1, 250)}]{tls} C="250 2.0.0 OK {rng.randint(10**9, 2 * 10**9)} - gsmtp"'
        )

    assert_one_cluster_per_event(
        [packet("[UFW BLOCK]"), packet("IPTables-Dropped:"), arrival, delivery], 320, rng
    )


def test_records_keyed_in_capitals_keep_other_words_and_short_records_apart() -> None:
    """Look-alikes: a record's words outside its fields (`[UFW BLOCK]` / `[UFW ALLOW]`, Exim's `<=` / `=>`) keep
    their events, and so do lines of fewer than three fields keyed in capitals (BGL's words before `PSR0=`) and
    lines of lowercase keys (pam's `rhost=<*>` with and without `user=`, two events in Loghub's OpenSSH truth)."""
    rng = random.Random(402)

    def verdict(word: str) -> Callable[[], str]:
        return lambda: (
            f"[UFW {word}] IN=eth0 OUT= SRC=192.0.2.{rng.randint(1, 250)} DST=198.51.100.7 LEN={rng.randint(40, 99)}"
            f" TTL={rng.randint(30, 250)} ID={rng.randint(0, 65535)} PROTO=TCP"
        )

    def mail(arrow: str) -> Callable[[], str]:
        return lambda: (
            f"1r{rng.randrange(16**4):04X}-{rng.randrange(16**6):06X}-AB {arrow} ana{rng.randint(1, 9)}@example.org"
            f" H=mx{rng.randint(1, 9)}.example.net [192.0.2.{rng.randint(1, 250)}] P=esmtp S={rng.randint(500, 9000)}"
        )

    def short(word: str) -> Callable[[], str]:
        return lambda: f"link {word} on port {rng.randint(1, 48)} SPEED={rng.choice([100, 1000])} MTU=1500"

    def pam(user: bool) -> Callable[[], str]:
        return lambda: (
            f"authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.{rng.randint(1, 250)}"
            + (f"  user={rng.choice(['root', 'admin', 'ana'])}" if user else "")
        )

    events = [
        verdict("BLOCK"),
        verdict("ALLOW"),
        mail("<="),
        mail("=>"),
        short("up"),
        short("down"),
        pam(True),
        pam(False),
    ]
    assert_one_cluster_per_event(events, 400, rng)


def test_what_happens_to_a_named_instance_is_its_event_not_free_text() -> None:
    # Celery: `Task <name>[<id>] received` / `succeeded in 0.2s: None` / `retry: …` / `raised unexpected: …`. The
    # same tails follow every task's name, as a free text follows several words; here the name with its id is
    # the subject and each tail is an event of its own.
    rng = random.Random(46)
    tasks = [
        "shop.jobs.send_invoice",
        "shop.jobs.sync_stock",
        "crm.jobs.import_leads",
        "ops.purge",
        "app.mail.digest",
    ]

    def task(tail: Callable[[], str]) -> Callable[[], str]:
        return lambda: f"Task {rng.choice(tasks)}[{uuid.UUID(int=rng.getrandbits(128))}] {tail()}"

    events = [
        task(lambda: "received"),
        task(lambda: f"succeeded in {rng.random() * 9:.6f}s: None"),
        task(
            lambda: f"retry: Retry in {rng.randint(1, 60)}s: OperationalError('server closed the connection')"
        ),
        task(lambda: "raised unexpected: SoftTimeLimitExceeded('SoftTimeLimitExceeded()')"),
    ]
    assert_one_cluster_per_event(events, 300, rng)


def test_values_in_a_row_are_one_event_with_a_line_that_folds_them_into_one() -> None:
    # ntpd: `Listen normally on 3 eth0 10.0.0.5:123` reads `<*> eth<*> <*>`, `… on 5 lo …` `<*> lo <*>`, and a
    # line whose interface masks whole (`enp0s31f6`) folds the three into one `<*>`: all one event, and so is
    # `Deleting interface #3 …` with its statistics.
    rng = random.Random(47)
    interfaces = ["eth0", "eth1", "lo", "wlan0", "enp0s31f6", "ens192", "docker0", "br-lan"]

    def address() -> str:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    events = [
        lambda: f"Listen normally on {rng.randint(0, 9)} {rng.choice(interfaces)} {address()}:123",
        lambda: (
            f"Deleting interface #{rng.randint(0, 9)} {rng.choice(interfaces)}, {address()}#123, interface stats:"
            f" received={rng.randint(0, 999)}, sent={rng.randint(0, 999)}, dropped=0, active_time={rng.randint(1, 9999)} secs"
        ),
        lambda: f"Soliciting pool server {address()}",
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_a_request_column_beside_scanners_one_word_requests_keeps_its_method() -> None:
    # Look-alike of the free-text column: an access log whose request column also holds what scanners send
    # (`"<BADREQ>"`, a TLS hello read as text): the requests' texts of several words have one length, so GET
    # and POST stay two events and the junk requests stay theirs, whatever the user agents.
    rng = random.Random(48)
    agents = [
        "curl/7.81.0",
        "-",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    ]

    def line(request: Callable[[], str]) -> Callable[[], str]:
        return lambda: (
            f"198.51.100.{rng.randint(1, 254)} - - [02/Dec/2026:10:{rng.randint(10, 59)}:{rng.randint(10, 59)} +0000]"
            f' "{request()}" {rng.choice([200, 400, 404])} {rng.randint(0, 9999)} "-" "{rng.choice(agents)}"'
        )

    events = [
        line(lambda: f"GET /api/items/{rng.randint(1, 99)} HTTP/1.1"),
        line(lambda: f"POST /api/items/{rng.randint(1, 99)} HTTP/1.1"),
        line(lambda: "<BADREQ>"),
        line(lambda: "\\x16\\x03\\x01\\x00\\xF7\\x01\\x00\\x00\\xF3\\x03\\x03"),
    ]
    assert_one_cluster_per_event(events, 300, rng)


def test_an_objects_identity_hash_is_one_value_whatever_its_digits() -> None:
    # Java's default toString writes an object as its class, `@` and its identity hash in hex, 6 to 8 digits that
    # may start with a number and end with letters (`@290079b`, `@23383aa`, `@f5990e2`): one value however its
    # digits fall, so one object's lines read alike; the constants a statement names (an intent's action) stay.
    callbacks = [
        "*** unregister callback for com.android.server.wm.WindowState@f5990e2",
        "*** unregister callback for com.android.server.wm.WindowState@290079b",
        "*** unregister callback for com.android.server.wm.WindowState@23383aa",
        "*** unregister callback for com.android.server.wm.WindowState@4e1169c",
    ]
    assert len({signature(message) for message in callbacks}) == 1
    assert signature("ActivityRecord{5e8f0a1 u0 com.example/.Main t761}") == signature(
        "ActivityRecord{29ef45e u0 com.example/.Main t761}"
    )
    actions = [
        f"received broadcast android.intent.action.{action}" for action in ("SCREEN_ON", "TIME_TICK")
    ] * 3
    assert len(set(clusters_of(actions).values())) == 2
    assert signature("decade1 deadbeef") == ("<*>", "deadbeef")  # a hex word without a digit stays a word


def test_a_camel_case_name_glued_to_its_value_keeps_the_name_whatever_the_values_length() -> None:
    # HealthApp prints a method's name with the first of its values glued to it: `tryToReloadTodayBasicSteps1|…`
    # and `tryToReloadTodayBasicSteps4942|…` are one statement, whatever the length of that first value, and
    # another method's line printed the same way stays another event.
    rng = random.Random(7)
    messages = [
        f"tryToReloadTodayBasicSteps{rng.choice([1, 7, 4942, 380, 12])}|{rng.randrange(9)}|"
        f"{rng.randrange(10**12, 10**13)}|{rng.randrange(9999)}"
        for _ in range(10)
    ]
    others = [f"upLoadOneMinuteDataToEngine{rng.choice([3, 61, 1024])}|{rng.randrange(99)}" for _ in range(6)]
    clusters = clusters_of(messages + others)
    assert len({clusters[message] for message in messages}) == 1
    assert len({clusters[message] for message in others}) == 1
    assert clusters[messages[0]] != clusters[others[0]]
    assert signature("arch amd64") == ("arch", "<*>")  # a short name with its number stays an id
    assert signature("link eth0 up") == ("link", "eth<*>", "up")


def test_a_dash_between_a_program_and_a_host_with_its_port_is_one_value() -> None:
    # Proxifier writes `[time] program - host:port message`: the dash between the program and the target is no
    # word, whether the target is a host name with its port (`<*>:<*>` once masked) or an address with its port
    # (one `<*>`), so a connection's close is one event whatever it connected to, and its open another.
    rng = random.Random(3)
    targets = ["proxy.cse.cuhk.edu.hk:5070", "183.62.156.108:443", "www.google.com:80", "104.25.61.110:443"]
    programs = ["chrome.exe", "Skype.exe", "svchost.exe *64", "SogouCloud.exe"]

    def line(message: str) -> str:
        return (
            f"[10.30 16:49:{rng.randrange(10, 60)}] {rng.choice(programs)} - {rng.choice(targets)} {message}"
        )

    closes = [
        line(
            f"close, {rng.randrange(999)} bytes sent, {rng.randrange(999)} bytes received, lifetime 00:0{n % 9}"
        )
        for n in range(12)
    ]
    opens = [line("open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS") for _ in range(12)]
    clusters = clusters_of(closes + opens)
    assert len({clusters[message] for message in closes}) == 1
    assert len({clusters[message] for message in opens}) == 1
    assert clusters[closes[0]] != clusters[opens[0]]
    # a dash beside a word still stays
    assert "-" in signature("connecting to master - retry in 5 s")


def test_a_hidden_name_with_its_leading_dot_is_a_name() -> None:
    # Elasticsearch names a data stream's backing index with a leading dot (`.ds-logs-nginx.access-default-…`): a
    # name like any index's, so creating it is the event that creating `traces-2026.12.10` is, whatever the
    # cause and templates the line gives.
    created = [
        ("es-data-0", ".ds-logs-nginx.access-default-2026.12.26", "api", "logs"),
        ("es-data-0", "metrics-2026.12.09", "api", "metrics"),
        ("es-data-0", "metrics-2026.12.15", "rollover_data_stream", ""),
        ("es-data-1", ".ds-logs-nginx.access-default-2026.12.28", "auto(bulk api)", "logs"),
        ("es-data-1", "traces-2026.12.05", "auto(bulk api)", "metrics"),
        ("es-hot-2", ".ds-logs-nginx.access-default-2026.12.04", "auto(bulk api)", "logs"),
        ("es-hot-2", ".ds-logs-nginx.access-default-2026.12.27", "api", ""),
        ("es-hot-2", "traces-2026.12.10", "auto(bulk api)", "metrics"),
        ("es-master-0", ".ds-logs-nginx.access-default-2026.12.02", "auto(bulk api)", "logs"),
        ("es-master-0", "metrics-2026.12.11", "api", "metrics"),
        ("es-master-0", "orders-2026.12.19", "auto(bulk api)", ""),
        ("node-1", ".ds-logs-nginx.access-default-2026.12.07", "rollover_data_stream", "logs"),
        ("node-1", "metrics-2026.12.26", "api", "metrics"),
    ]
    messages = [
        f"[{node}] [{index}] creating index, cause [{cause}], templates [{template}], shards [1]/[{n % 3}]"
        for n, (node, index, cause, template) in enumerate(created)
    ]
    deleted = [
        f"[{node}] [{index}/Xk3pQm9sT2uVw8yZ1aB4c{n}] deleting index"
        for n, (node, index, _, _) in enumerate(created)
    ]
    clusters = clusters_of(messages + deleted)
    assert len({clusters[message] for message in messages}) == 1
    assert len({clusters[message] for message in deleted}) == 1
    assert clusters[messages[0]] != clusters[deleted[0]]


def test_a_dotted_key_is_a_key_not_a_host() -> None:
    # Elasticsearch (`current.health="GREEN"`) and ECS or OpenTelemetry fields (`http.method=GET`, `"log.level":`)
    # name their keys with dots; a key is a word of its line, not a host name to mask (masked, `http.method=` and
    # `user.id=` both read `<*>=`), while a host as a key's value, or anywhere else, is still a value.
    assert signature('current.health="GREEN" previous.health="YELLOW"') == (
        'current.health="GREEN"',
        'previous.health="YELLOW"',
    )
    assert signature('{"log.level":"info","event.dataset":"nginx.access"}') == (
        '{"log.level":"info",',
        '"event.dataset":"<*>"}',
    )
    assert signature("done http.method=GET") != signature("done user.id=GET")
    hosts = [f"connect to db-{n}.example.com:5432 failed" for n in range(3)] + [
        "connect to db.example.org:5432 failed"
    ]
    assert len({signature(message) for message in hosts}) == 1
    assert signature("upstream=api.example.com ok") == ("upstream=<*>", "ok")


def test_a_host_without_a_digit_in_a_syslog_header_joins_its_event() -> None:
    """`<time> bastion CRON[…]: … for user root` beside `<time> web01 CRON[…]: … for user <*>`: the time and a
    host with a digit fold into one `<*>`, so the line of a host named by a word has one token more. It fills the
    bigger template's wildcard, and the bigger template's other wildcards take whatever is there."""
    rng = random.Random(1)

    def head(program: str) -> str:
        return (
            f"2026-12-02T{rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}."
            f"{rng.randint(0, 999999):06d}+00:00 {rng.choice(['bastion', 'web01', 'db-replica-2'])} "
            f"{program}[{rng.randint(300, 9999)}]: "
        )

    closed = [
        f"{head('CRON')}pam_unix(cron:session): session closed for user {rng.choice(['root', 'www-data', 'postgres'])}"
        for _ in range(30)
    ]
    removed = [f"{head('systemd-logind')}Removed session {rng.randint(1, 999)}." for _ in range(30)]
    clusters = clusters_of(closed + removed)
    assert len({clusters[message] for message in closed}) == 1
    assert len({clusters[message] for message in removed}) == 1


def test_a_word_outside_the_bigger_templates_wildcards_keeps_its_own_event() -> None:
    """The loose fit takes any token only where the bigger template has a wildcard: a different word elsewhere
    is a different event."""
    rng = random.Random(32)
    hosts = ["web01", "db-replica-2", "app7"]

    def line(host: str, verb: str) -> str:
        return (
            f"2026-12-02T10:{rng.randint(10, 59)}:{rng.randint(10, 59)}+00:00 {host} CRON[{rng.randint(300, 9999)}]: "
            f"session {verb} for user {rng.choice(['root', 'www-data', 'postgres', 'backup'])}"
        )

    closed = [line(rng.choice(hosts), "closed") for _ in range(30)]
    opened = [line("bastion", "opened") for _ in range(10)]
    clusters = clusters_of(closed + opened)
    assert len({clusters[message] for message in closed}) == 1
    assert not {clusters[message] for message in opened} & {clusters[message] for message in closed}


def test_a_windows_label_after_a_value_makes_it_a_field() -> None:
    """Windows events write `Label: value` pairs with labels of capitalized words (`Elevated Token: Yes
    Impersonation Level: Impersonation`): a flag's value there is a field's, and the lines are one event."""
    rng = random.Random(33)
    messages = [
        f"<14>Dec {rng.randint(1, 28):2d} 10:{rng.randint(10, 59)}:{rng.randint(10, 59)} DC02 "
        f"Microsoft-Windows-Security-Auditing[{rng.randint(400, 9000)}]: An account was successfully logged on. "
        f"Subject: Security ID: S-1-5-18 Logon Type: {rng.choice([2, 3, 10])} Elevated Token: "
        f"{rng.choice(['Yes', 'No'])} Impersonation Level: Impersonation New Logon: Account Name: "
        f"{rng.choice(USERS)}"
        for _ in range(40)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_word_before_a_capitalized_sentence_is_no_field() -> None:
    """Two states followed by prose that is no label stay two events (`state: Yes Done` is no field)."""
    rng = random.Random(34)
    messages = [
        f"job {rng.randint(1, 999)} state: {word} Then Stopped" for word in ("Yes", "No") for _ in range(20)
    ]
    assert len(set(clusters_of(messages).values())) == 2


def test_what_follows_a_bracketed_tag_is_no_place_of_a_phrase() -> None:
    """fail2ban writes its jail in brackets, then the statement (`[sshd] Found <ip>`, `[sshd] Ignore <ip> by
    ip`, `[sshd] Jail is in operation now …`): the statements after the jails are events, not one text value
    that fills the place after each jail."""
    rng = random.Random(35)

    def jail() -> str:
        return rng.choice(["sshd", "nginx-http-auth", "postfix-sasl", "recidive"])

    def ip() -> str:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    head = "2026-12-02 19:32:13,396 fail2ban.filter         [1203]: INFO    "
    groups = [
        [f"{head}[{jail()}] Found {ip()} - 2026-12-02 02:58:4{rng.randint(0, 9)}" for _ in range(60)],
        [f"{head}[{jail()}] Jail is in operation now (process new journal entries)" for _ in range(10)],
        [f"{head}[{jail()}] Ignore {rng.choice(['10.0.0.5', '127.0.0.1'])} by ip" for _ in range(6)],
    ]
    clusters = clusters_of([message for group in groups for message in group])
    events = [{clusters[message] for message in group} for group in groups]
    assert all(len(event) == 1 for event in events), events
    assert len(set.union(*events)) == 3


def test_words_of_a_sentence_after_a_field_of_names_name_events() -> None:
    """`[<jail>] Ban <ip>` / `[<jail>] Unban <ip>` (and Ansible's `ok: [<host>]` / `changed: [<host>]`): every
    event happens to every name, so words that combine with a field of names are no values for that alone."""
    rng = random.Random(35)

    def jail() -> str:
        return rng.choice(["sshd", "nginx-http-auth", "postfix-sasl", "recidive"])

    def ip() -> str:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    head = "2026-12-02 19:32:13,396 fail2ban.actions        [812]: NOTICE  "
    groups = [
        [f"{head}[{jail()}] Ban {ip()}" for _ in range(50)],
        [f"{head}[{jail()}] Unban {ip()}" for _ in range(50)],
        [
            f"2026-12-02 19:32:13,396 fail2ban.filter         [812]: INFO    [{jail()}] Found {ip()} - "
            f"2026-12-02 02:58:4{rng.randint(0, 9)}"
            for _ in range(50)
        ],
    ]
    clusters = clusters_of([message for group in groups for message in group])
    events = [{clusters[message] for message in group} for group in groups]
    assert all(len(event) == 1 for event in events), events
    assert len(set.union(*events)) == 3


def test_the_word_after_a_headers_separator_starts_the_message_and_is_no_field() -> None:
    """Ansible's log: `<time> p=<pid> u=<user> n=ansible | ok: [web01]`. `ok:` / `changed:` / `skipping:` come
    after the `|` that ends the header, and combine with the user as any event does: three events."""
    rng = random.Random(37)
    hosts = ["web01", "web02", "db01", "app7", "cache01", "lb1.dc2.example.net"]
    messages = {
        verb: [
            f"2026-12-02 10:39:23,537 p={rng.randint(100, 9999)} u={rng.choice(['deploy', 'root', 'ansible'])} "
            f"n=ansible | {verb}: [{rng.choice(hosts)}]"
            for _ in range(count)
        ]
        for verb, count in (("ok", 30), ("changed", 15), ("skipping", 15))
    }
    clusters = clusters_of([message for group in messages.values() for message in group])
    events = [{clusters[message] for message in group} for group in messages.values()]
    assert all(len(event) == 1 for event in events), events
    assert len(set.union(*events)) == 3


def test_a_keys_words_over_the_whole_log_make_it_a_field_in_a_rare_statement() -> None:
    """Ansible's header `p=<pid> u=<user> n=ansible |`: `u=` takes three users, each common over the log, so in
    a statement seen three times (by two of them) it is the same field, a value, and the statement is one event."""
    rng = random.Random(38)

    def head(user: str) -> str:
        return (
            f"2026-12-02 10:{rng.randint(10, 59)}:{rng.randint(10, 59)},{rng.randint(0, 999):03d} "
            f"p={rng.randint(100, 99999)} u={user} n=ansible | "
        )

    users = ["deploy", "root", "ansible"]
    hosts = ["web01", "web02", "db01", "app7", "cache01", "lb1.dc2.example.net"]
    common = [f"{head(users[n % 3])}ok: [{rng.choice(hosts)}]" for n in range(90)]
    rare = [f"{head(user)}PLAY RECAP {'*' * 69}" for user in ("root", "root", "ansible")]
    clusters = clusters_of(common + rare)
    assert len({clusters[message] for message in rare}) == 1
    assert not {clusters[message] for message in rare} & {clusters[message] for message in common}


def test_a_key_that_one_word_dominates_over_the_log_keeps_a_rare_statements_words() -> None:
    """`mode=` is `push` in nearly every line of the log: in a rare statement, `mode=push` and `mode=pull` may
    still be two events."""
    rng = random.Random(39)
    common = [f"sync {rng.randint(1, 999)} done mode=push" for _ in range(90)] + [
        f"sync {rng.randint(1, 999)} done mode=pull" for _ in range(2)
    ]
    rare = [
        f"replica lagging behind mode={mode} on node-{rng.randint(1, 9)}"
        for mode in ("push", "pull")
        for _ in range(3)
    ]
    clusters = clusters_of(common + rare)
    assert len({clusters[message] for message in rare}) == 2


def test_a_word_after_a_bracketed_column_is_no_part_of_its_value() -> None:
    """fail2ban's `[sshd] Restore Ban <ip>` beside `[sshd] Ban <ip>`: the jail in brackets is a column, one value
    of its own, so `Restore` does not join it to fill the jail's wildcard: two events."""
    rng = random.Random(40)
    jails = ["sshd", "nginx-http-auth", "postfix-sasl", "recidive"]
    head = "2026-12-02 19:32:13,396 fail2ban.actions        [812]: NOTICE  "

    def ip() -> str:
        return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    bans = [f"{head}[{rng.choice(jails)}] Ban {ip()}" for _ in range(50)]
    restored = [f"{head}[{rng.choice(jails)}] Restore Ban {ip()}" for _ in range(12)]
    clusters = clusters_of(bans + restored)
    assert len({clusters[message] for message in bans}) == 1
    assert len({clusters[message] for message in restored}) == 1
    assert clusters[bans[0]] != clusters[restored[0]]


def test_a_redacted_value_is_a_value_a_plain_one_joins() -> None:
    """Dovecot's `user=<alice@example.com>` is redacted to `user=<[REDACTED:email]>` before mining, and the same
    statement says `user=<dave>` for a local account: the marker stands for a value, so the plain name joins
    it, whichever is more common: one event."""
    from loggardener.entries.redact import Redactor

    redact = Redactor().redact
    rng = random.Random(41)
    mails = ["alice@example.com", "bob@example.org", "carol@mail.example.net"]

    def login(user: str) -> str:
        ip = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
        return (
            f"Dec  2 10:{rng.randint(10, 59)}:{rng.randint(10, 59)} mail1 dovecot: imap-login: Login: "
            f"user=<{user}>, method=PLAIN, rip={ip}, lip=10.0.0.1, mpid={rng.randint(1000, 99999)}, TLS"
        )

    messages = [redact(login(rng.choice(mails))) for _ in range(30)] + [
        redact(login("dave")) for _ in range(6)
    ]
    assert "[REDACTED:email]" in messages[0]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_redacted_value_does_not_join_statements_that_differ_in_a_word() -> None:
    """Look-alike: the marker is a value, the words around it still tell events apart."""
    messages = [
        f"password {verb} for [REDACTED:email] from 10.0.0.{n}"
        for verb in ("accepted", "rejected")
        for n in range(8)
    ]
    clusters = clusters_of(messages)
    assert len(set(clusters.values())) == 2


def test_a_name_with_its_number_folds_into_a_wildcard_beside_a_masked_one() -> None:
    """The kernel's `EXT4-fs (sda3): mounted …` and `EXT4-fs (nvme0n1p2): mounted …`: `nvme0n1p2` is masked whole
    and folds into the value before it, `sda3` keeps its letters (`(sda<*>):`), a token more. A name with its
    number in such a run is a value beside the masked one: one event, whichever device is more common."""
    rng = random.Random(42)

    def mounted(device: str) -> str:
        return (
            f"[{rng.randint(1, 99999):>6d}.{rng.randint(0, 999999):06d}] EXT4-fs ({device}): mounted filesystem with "
            "ordered data mode. Quota mode: none."
        )

    messages = [mounted(f"sda{rng.randint(1, 4)}") for _ in range(14)] + [
        mounted(f"nvme0n1p{rng.randint(1, 4)}") for _ in range(5)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_word_beside_a_wildcard_does_not_fold_into_it() -> None:
    """Look-alike: `re-mounted` beside the device is a word of its own statement, not a value to fold: two events."""
    rng = random.Random(43)

    def stamp() -> str:
        return f"[{rng.randint(1, 99999):>6d}.{rng.randint(0, 999999):06d}] EXT4-fs"

    mounted = [f"{stamp()} (nvme0n1p{rng.randint(1, 4)}): mounted filesystem readonly" for _ in range(14)]
    remounted = [f"{stamp()} (sda{rng.randint(1, 4)}): re-mounted filesystem readonly" for _ in range(5)]
    clusters = clusters_of(mounted + remounted)
    assert len({clusters[message] for message in mounted}) == 1
    assert {clusters[message] for message in mounted}.isdisjoint(clusters[message] for message in remounted)


def test_a_map_of_several_members_fills_a_wildcard_as_one_value() -> None:
    """Rails' `Parameters: {"id"=>"7", "q"=>"hat"}`: a hash of one member (or of masked members only) reads
    `Parameters: <*>`, and a hash of two, three or four members, in any order, is the same value: one event."""
    rng = random.Random(44)
    members = [
        ("id", "<n>"),
        ("page", "<n>"),
        ("locale", "de"),
        ("q", "cable usb"),
        ("format", "json"),
        ("q", "hat"),
    ]

    def parameters(size: int) -> str:
        chosen = rng.sample(members, size)
        body = ", ".join(
            f'"{key}"=>"{rng.randint(1, 999) if value == "<n>" else value}"' for key, value in chosen
        )
        return f"I, [2026-12-02T10:{rng.randint(10, 59)}:07.{rng.randint(0, 999999):06d} #{rng.randint(100, 999)}]  INFO -- :   Parameters: {{{body}}}"

    messages = [parameters(1) for _ in range(30)] + [parameters(rng.randint(2, 4)) for _ in range(20)]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_map_does_not_join_a_statement_that_differs_in_a_word() -> None:
    """Look-alike: Logstash's `Pipeline started {…}` and `Pipeline terminated {…}` stay two events."""
    rng = random.Random(45)
    pipelines = ["main", "beats", "syslog-in", "nginx_access", "audit"]
    started = [f'Pipeline started {{"pipeline.id"=>"{rng.choice(pipelines)}"}}' for _ in range(30)]
    terminated = [
        f'Pipeline terminated {{"pipeline.id"=>"{rng.choice(pipelines)}", "reason"=>"shutdown requested"}}'
        for _ in range(6)
    ]
    clusters = clusters_of(started + terminated)
    assert len({clusters[message] for message in started}) == 1
    assert {clusters[message] for message in started}.isdisjoint(clusters[message] for message in terminated)


def test_the_quoted_text_of_a_ruby_hash_member_beside_a_message_is_a_value() -> None:
    """Logstash's `Could not index event to Elasticsearch. {…, {"message"=>"GET /"}], …}`: the event's own text,
    a member of a Ruby hash (`"key"=>"text"`), takes any words beside the message, as `key="text"` does: one
    event."""
    rng = random.Random(46)
    texts = ["GET /", "user login", "timeout", "connection reset by peer", "GET /api/v1/orders"]

    def rejected() -> str:
        return (
            f"[2026-12-02T04:{rng.randint(10, 59)}:17,613][WARN ][logstash.outputs.elasticsearch] Could not index "
            f'event to Elasticsearch. {{:status=>400, :action=>["index", {{:_id=>nil, :_index=>"logs-app"}}, '
            f'{{"message"=>"{rng.choice(texts)}"}}]}}'
        )

    messages = [rejected() for _ in range(40)]
    assert len(set(clusters_of(messages).values())) == 1


def test_the_quoted_texts_of_ruby_hashes_without_a_message_stay_the_messages() -> None:
    """Look-alike: hashes that are the whole line, `{"event"=>"user login"}` / `{"event"=>"password reset"}`, have
    no message besides their texts: each text is its own event."""
    rng = random.Random(47)
    texts = ["user login", "user logout", "password reset"]
    messages = [f'{{"event"=>"{text}", "at"=>"{rng.randint(1, 99)}"}}' for text in texts for _ in range(10)]
    assert len(set(clusters_of(messages).values())) == 3


def test_a_quoted_text_of_several_words_in_a_sentence_is_a_value() -> None:
    """Salt's `Command 'systemctl restart nginx' failed with return code: 1`: the quoted command takes many
    texts of several words in lines equal elsewhere, a value as a quoted word is: one event."""
    rng = random.Random(48)
    commands = [
        "systemctl restart nginx",
        "apt-get -q update",
        "/usr/local/bin/deploy.sh --env prod",
        "true x",
    ]

    def failed() -> str:
        return (
            f"2026-12-02 10:{rng.randint(10, 59)}:07,{rng.randint(100, 999)} [salt.loaded.int.module.cmdmod:"
            f"{rng.randint(300, 999)}][ERROR   ][{rng.randint(100, 9999)}] Command '{rng.choice(commands)}' failed "
            f"with return code: {rng.choice([1, 2, 100])}"
        )

    messages = [failed() for _ in range(30)]
    assert len(set(clusters_of(messages).values())) == 1


def test_two_quoted_texts_of_several_words_in_a_sentence_stay_two_events() -> None:
    """Look-alike: a quoted text that takes two texts only (`mode 'read only'` / `mode 'read write'`) may name two
    events, as two words in a slot may."""
    messages = [
        f"volume vol-{n} switched to mode '{mode}' by operator"
        for mode in ("read only", "read write")
        for n in range(9)
    ]
    assert len(set(clusters_of(messages).values())) == 2


def _fetch_error(rng: random.Random, integration: str, error: str) -> str:
    return (
        f"2026-12-02 10:{rng.randint(10, 59)}:07.{rng.randint(100, 999)} ERROR (MainThread) "
        f"[homeassistant.components.{integration}] Error fetching {integration} data: {error}"
    )


def test_an_error_text_of_one_word_at_the_end_is_a_value_beside_texts_of_several() -> None:
    """Home Assistant's `Error fetching zha data: Timeout` beside `… data: Connection refused` and `… data: Invalid
    response from API`: the one-word text at the line's end after a label is the same value as the longer ones,
    and an integration that showed two of the texts only joins too: one event."""
    rng = random.Random(49)
    errors = ["Timeout", "Connection refused", "Invalid response from API"]
    integrations = ["mqtt", "zha", "hue", "shelly", "esphome", "tplink"]
    messages = [_fetch_error(rng, rng.choice(integrations), rng.choice(errors)) for _ in range(80)]
    messages += [_fetch_error(rng, "tuya", error) for error in errors[1:] for _ in range(3)]
    # the integrations are values: each is set up too (`Setting up zha`)
    setup = [
        f"2026-12-02 10:00:0{n % 10}.123 INFO (MainThread) [homeassistant.setup] Setting up {name}"
        for n, name in enumerate([*integrations, "tuya"] * 2)
    ]
    clusters = clusters_of(messages + setup)
    assert len({clusters[message] for message in messages}) == 1


def test_outcome_words_alone_at_the_end_stay_events() -> None:
    """Look-alike: `ended: succeeded` / `ended: failed` beside one longer text are words of a slot, each common:
    they name their events."""
    rng = random.Random(50)
    jobs = ["nightly-backup", "hourly-sync", "report-export", "cache-warmup"]
    outcomes = ["succeeded", "failed", "cancelled by user"]
    messages = [f"job {rng.choice(jobs)} ended: {outcome}" for outcome in outcomes for _ in range(20)]
    clusters = clusters_of(messages)
    assert len({clusters[message] for message in messages if message.endswith("succeeded")}) == 1
    assert not {clusters[m] for m in messages if m.endswith("succeeded")} & {
        clusters[m] for m in messages if m.endswith("failed")
    }


def test_a_word_after_a_things_name_at_the_end_stays_its_event() -> None:
    """Look-alike: Terraform's `aws_instance.web: Creating...` beside `…: Still creating... [10s elapsed]` and
    `…: Destruction complete after 5s`: the word after a resource's name says what happens to it, an event."""
    rng = random.Random(51)
    resources = [
        "aws_instance.web",
        "aws_s3_bucket.logs",
        "module.vpc.aws_subnet.private[1]",
        "aws_iam_role.ci",
    ]

    def line(text: str) -> str:
        return f"2026-12-02T10:{rng.randint(10, 59)}:07.123Z {rng.choice(resources)}: {text}"

    creating = [line("Creating...") for _ in range(20)]
    others = [line(f"Still creating... [{rng.randint(10, 90)}s elapsed]") for _ in range(20)]
    others += [line(f"Destruction complete after {rng.randint(1, 60)}s") for _ in range(8)]
    others += [line(f"Modifications complete after {rng.randint(1, 60)}s") for _ in range(8)]
    clusters = clusters_of(creating + others)
    assert len({clusters[message] for message in creating}) == 1
    assert {clusters[message] for message in creating}.isdisjoint(clusters[message] for message in others)


def test_a_verb_in_capitals_after_a_lowercase_field_stays_a_word() -> None:
    """slapd's `conn=1001 op=3 SRCH base="dc=example,dc=com" …`: a word in capitals after a field of lowercase key is
    the line's verb, kept in the template (a packet log's flags follow keys in capitals: `ID=0 DF PROTO=UDP`)."""
    rng = random.Random(52)
    messages = [
        f'Dec  2 10:00:01 ldap1 slapd[812]: conn={rng.randint(1000, 9999)} op={rng.randint(0, 9)} SRCH base="dc=example,'
        f'dc=com" scope=2 deref=0 filter="(uid={user})"'
        for user in USERS
    ]
    templates = set(clusters_of(messages).values())
    assert len(templates) == 1
    assert " op=<*> SRCH base=" in templates.pop()


def test_a_backquoted_word_is_a_quoted_value() -> None:
    """Traefik's `No domain found in rule PathPrefix(`/admin`), …` beside `PathPrefix(`/api`)`: a word in
    backticks (Go's and MySQL's quoting) is a quoted value, as `'/admin'` is, its opening quote and slash
    the value's: one event."""
    rng = random.Random(53)
    paths = ["admin", "api", "static"]
    messages = [
        f'time="2026-12-02T10:{rng.randint(10, 59)}:07Z" level=warning msg="No domain found in rule '
        f"PathPrefix(`/{rng.choice(paths)}`), the TLS options applied for this router will depend on the SNI of "
        f'each request" entryPointName=websecure'
        for _ in range(30)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_glued_argument_that_is_a_bare_word_stays_the_events() -> None:
    """Look-alike: `state(idle)` / `state(busy)` beside a shared head, with no quote: the word may name its event."""
    messages = [
        f"worker {n} entered state({word}) after restart" for word in ("idle", "busy") for n in range(12)
    ]
    assert len(set(clusters_of(messages).values())) == 2


def _lease_line(rng: random.Random, verb: str, host: str | None, via: str) -> str:
    mac = ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
    named = f" ({host})" if host else ""
    return f"{verb} on 10.1.{rng.randrange(256)}.{rng.randrange(1, 255)} to {mac}{named} via {via}"


def _lease_event(
    rng: random.Random, verb: str, hosts: list[str | None], vias: list[str]
) -> Callable[[], str]:
    return lambda: _lease_line(rng, verb, rng.choice(hosts), rng.choice(vias))


def test_a_word_in_one_slot_twice_counts_once() -> None:
    # dhcpd's OFFER and ACK, each with a client that names itself by a word (`(iPhone)`), a name
    # (`(MacBook-Pro)`, a value) or no name: the clusters that differ only in that name fill one slot of the
    # verb twice with the same word, which is two words, not three: two events
    rng = random.Random(1)
    hosts: list[str | None] = ["iPhone", "raspberrypi", "MacBook-Pro", "Galaxy-S21", "DESKTOP-7KQ2A1"]
    vias = ["eth0", "eth1", "ens192", "10.0.9.1"]
    events = [_lease_event(rng, verb, hosts, vias) for verb in ("DHCPOFFER", "DHCPACK")]
    assert_one_cluster_per_event(events, 160, rng)


def test_a_name_with_its_number_beside_masked_values_is_one_of_them() -> None:
    # `via eth0` in most lines, `via ens192` (masked whole) or a relay's address in a few: one event,
    # whichever is more frequent
    rng = random.Random(11)
    vias = ["eth0", "eth1", "eth0", "eth1", "ens192", "10.0.9.1"]
    events = [_lease_event(rng, verb, [None], vias) for verb in ("DHCPNAK", "DHCPACK")]
    assert_one_cluster_per_event(events, 60, rng)


def test_a_name_with_its_number_beside_words_stays_apart_from_them() -> None:
    # no masked value in the slot: the words there still name their events (`link eth0 up` / `down`)
    messages = [f"link eth{i % 2} {state} after {i} ms" for i in range(12) for state in ("up", "down")]
    assert len(set(clusters_of(messages).values())) == 2


def _auth_event(rng: random.Random, error: str, user_id: Callable[[], str]) -> Callable[[], str]:
    realms = ["master", "customers", "staff", "partner-portal"]
    clients = ["account-console", "web-app", "grafana", "admin-cli"]
    users = ["alice", "bob", "carol", "deploy", "erin", "frank", "admin"]
    return lambda: (
        f"WARN [org.keycloak.events] type=LOGIN_ERROR, realmId={rng.choice(realms)}, clientId={rng.choice(clients)}, "
        f"userId={user_id()}, ipAddress=10.0.{rng.randrange(256)}.{rng.randrange(1, 255)}, error={error}, "
        f"auth_method=openid-connect, username={rng.choice(users)}"
    )


def test_a_code_in_a_field_names_its_event_however_freely_the_other_fields_combine() -> None:
    # Keycloak's `error=user_not_found` / `invalid_user_credentials` / `user_temporarily_disabled`, each met with
    # every realm, client and user: the other fields are values, the code is the event
    rng = random.Random(5)
    events = [
        _auth_event(rng, "user_not_found", lambda: "null"),
        _auth_event(rng, "invalid_user_credentials", lambda: str(uuid.UUID(int=rng.getrandbits(128)))),
        _auth_event(rng, "user_temporarily_disabled", lambda: str(uuid.UUID(int=rng.getrandbits(128)))),
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_many_rare_codes_in_a_field_are_still_a_value() -> None:
    # a field of codes each seen once or twice (job names) is a variable by its count alone
    jobs = [
        f"{a}_{b}"
        for a in ("sync", "purge", "export", "rebuild")
        for b in ("users", "cache", "orders", "index")
    ]
    messages = [f"scheduler: job={job} finished in {i} ms" for i, job in enumerate(jobs)]
    assert len(set(clusters_of(messages).values())) == 1


def _session_line(rng: random.Random) -> str:
    zones = rng.choice(["trust untrust", "untrust trust", "dmz untrust", "trust dmz"])
    unit = rng.choice(["ge-0/0/0.0", "reth0.100", "irb.20", "ge-0/0/1.0"])
    app = rng.choice(["junos-https", "junos-ssh", "None"])
    return (
        f"RT_FLOW_SESSION_CREATE: session created 10.0.{rng.randrange(256)}.{rng.randrange(1, 255)}/"
        f"{rng.randrange(1024, 65535)} {app} policy {rng.choice(['allow-web', 'dmz-out'])} {zones} "
        f"{rng.randrange(10**6)} N/A(N/A) {unit} UNKNOWN"
    )


@pytest.mark.parametrize("seed", [0, 2])
def test_a_name_after_a_stretch_of_words_is_a_value_of_its_place(seed: int) -> None:
    # Junos' zones (`trust untrust`, a stretch of two words) before an interface unit that masks whole
    # (`ge-0/0/0.0`) in most lines and reads as a name in others (`irb.<*>`): one place, one event
    rng = random.Random(seed)
    messages = [_session_line(rng) for _ in range(80)]
    assert len(set(clusters_of(messages).values())) == 1


def _tidb_line(rng: random.Random, message: str, fields: str) -> str:
    stamp = (
        f"[2026/12/02 10:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d} +00:00]"
    )
    return f'{stamp} [WARN] [region_request.go:3035] ["{message}"] [conn={rng.randrange(10**9)}] {fields}'


def test_the_quoted_text_of_a_bracketed_field_is_a_value_beside_a_bracketed_message() -> None:
    # TiDB's unified log format: the message in brackets, then fields in brackets; a field's quoted text that
    # takes two common texts (`[reason="scheduler is busy"]` / `"raftstore is busy"`) is a value
    rng = random.Random(3)
    events = [
        lambda: _tidb_line(
            rng,
            "tikv reports `ServerIsBusy` retry later",
            f'[storeAddr=10.0.0.{rng.randrange(1, 9)}:20160] [reason="{rng.choice(["scheduler", "raftstore"])} is busy"]',
        )
    ]
    assert_one_cluster_per_event(events, 60, rng)


def test_bracketed_messages_with_the_same_fields_stay_two_events() -> None:
    # `["connection event"]` and `["CRUCIAL OPERATION"]`: two messages, not one list of quoted values
    rng = random.Random(4)
    events = [
        lambda message=message: _tidb_line(
            rng, message, f"[user=root@%] [schemaVersion={rng.randrange(900)}]"
        )
        for message in ("connection event", "CRUCIAL OPERATION", "run statement failed")
    ]
    assert_one_cluster_per_event(events, 90, rng)


def _router_line(rng: random.Random, message: Callable[[], str]) -> str:
    host = rng.choice(["MikroTik-GW", "rb-core", f"192.168.88.{rng.randrange(1, 9)}"])
    return f"Dec  2 10:{rng.randrange(60):02d}:{rng.randrange(60):02d} {host} {message()}"


def test_a_hosts_name_or_its_address_before_a_topic_starts_no_stretch_of_words() -> None:
    # RouterOS over syslog: a host that is a name (`MikroTik-GW`) or an address, a topic (`system,info,account`),
    # then the message: each message is its event, with its user and login channel as values
    rng = random.Random(6)
    users = ["admin", "noc", "backup-bot", "j.smith"]
    channels = ["ssh", "winbox", "web", "api", "telnet"]

    def ip() -> str:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    events = [
        lambda: _router_line(
            rng,
            lambda: (
                f"system,info,account user {rng.choice(users)} logged in from {ip()} via {rng.choice(channels)}"
            ),
        ),
        lambda: _router_line(
            rng,
            lambda: (
                f"system,info,account user {rng.choice(users)} logged out from {ip()} via {rng.choice(channels)}"
            ),
        ),
        lambda: _router_line(
            rng,
            lambda: (
                f"system,error,critical login failure for user {rng.choice(users)} from {ip()} via "
                f"{rng.choice(channels)}"
            ),
        ),
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_words_a_masked_name_also_precedes_are_the_statement_after_a_name() -> None:
    # a game server's players, some named by a word (`Steve`), some masked whole (`Kira_07`): what follows the
    # player (`joined the game`, `was slain by Zombie`) is the statement, not a text after each player
    rng = random.Random(8)
    players = ["Steve", "ella", "MrBuilder", "xXAlexXx", "Kira_07", "jcampos2208", "notch_fan"]

    def line(text: Callable[[], str]) -> Callable[[], str]:
        return lambda: (
            f"[{rng.randrange(24):02d}:{rng.randrange(60):02d}:00] [Server thread/INFO]: {rng.choice(players)} {text()}"
        )

    events = [
        line(lambda: "joined the game"),
        line(lambda: "left the game"),
        line(lambda: "was slain by Zombie"),
        line(lambda: "fell from a high place"),
        line(lambda: "lost connection: Disconnected"),
    ]
    assert_one_cluster_per_event(events, 200, rng)


def _kea_lease_line(rng: random.Random, client_id: str, text: str) -> str:
    mac = ":".join(f"{rng.randrange(256):02x}" for _ in range(6))
    return (
        f"2026-12-02 10:{rng.randrange(60):02d}:00.000 INFO  [kea-dhcp4.leases/812.139712] DHCP4_LEASE_ALLOC "
        f"[hwtype=1 {mac}], cid={client_id}, tid=0x{rng.randrange(16**8):08x}: {text}"
    )


def test_a_keys_text_in_square_brackets_is_a_value_beside_a_masked_one() -> None:
    # ISC Kea writes a client id it has as `cid=[01:a4:…]` and one it has not as `cid=[no info]`: the same
    # statement, whichever
    rng = random.Random(12)

    def client_id() -> str:
        if rng.random() < 0.5:
            return "[no info]"
        return "[01:" + ":".join(f"{rng.randrange(256):02x}" for _ in range(6)) + "]"

    events = [
        lambda: _kea_lease_line(
            rng, client_id(), f"lease 10.0.0.{rng.randrange(1, 250)} has been allocated for 3600 seconds"
        ),
        lambda: _kea_lease_line(rng, client_id(), f"lease 10.0.0.{rng.randrange(1, 250)} will be advertised"),
    ]
    assert_one_cluster_per_event(events, 80, rng)


def test_two_texts_in_square_brackets_without_a_message_stay_apart() -> None:
    # without a message beside them, the bracketed texts are what the lines say: `mode=[read only]` and
    # `mode=[read write]` stay two events
    messages = [f"mount id={i} mode=[read {kind}]" for i in range(12) for kind in ("only", "write")]
    assert len(set(clusters_of(messages).values())) == 2


def _indexer_failure(rng: random.Random, exception: str, text: str) -> str:
    indexer = rng.choice(["Nyaa", "DrunkenSlug", "NZBgeek", "Torrent Downloads", "YourBittorrent (Prowlarr)"])
    return (
        f"2026-12-02 10:{rng.randint(10, 59)}:07.{rng.randint(0, 9)}|Warn|Torznab|Unable to connect to indexer "
        f"{indexer}: {exception}: {text}"
    )


def test_an_exception_class_is_the_identity_of_a_problem_whatever_its_wording() -> None:
    """Sonarr's `Unable to connect to indexer X: System.Net.Http.HttpRequestException: Connection refused …` beside
    the same wording with an `ApiKeyException: Invalid API Key` or a `TooManyRequestsException: Request Limit
    reached`: the error texts after the indexer look like a value, but the class says what went wrong: no cluster
    holds two classes."""
    rng = random.Random(3501)
    failures = [
        ("System.Net.Http.HttpRequestException", "Connection refused (prowlarr.lan:9696)"),
        ("NzbDrone.Core.Indexers.Exceptions.ApiKeyException", "Invalid API Key"),
        ("NzbDrone.Common.Http.TooManyRequestsException", "Request Limit reached"),
        ("System.Threading.Tasks.TaskCanceledException", "A task was canceled."),
    ]
    messages = [_indexer_failure(rng, exception, text) for exception, text in failures for _ in range(12)]
    classes: dict[str, set[str]] = {}
    for message, cluster in clusters_of(messages).items():
        classes.setdefault(cluster, set()).add(message.split(": ")[1])
    assert all(len(named) == 1 for named in classes.values())


def test_many_exception_classes_of_one_wording_stay_apart() -> None:
    """Classes named after what they guard (`orbit.lumen.ledger.LumenLedgerTimeoutError: shard 7 gave up`, one per
    subsystem): however many there are, a rare one is no value of a slot: each class is a problem of its own."""
    rng = random.Random(3502)
    first = ["amber", "basalt", "cobalt", "dune", "ember", "flint"]
    second = ["ledger", "beacon", "cipher", "docket", "engine"]
    messages = [
        f"orbit.{a}.{b}.{a.capitalize()}{b.capitalize()}TimeoutError: shard {rng.randint(1, 999)} gave up"
        for a in first
        for b in second
        for _ in range(2)
    ]
    assert len(set(clusters_of(messages).values())) == len(first) * len(second)


def test_one_exception_class_with_varying_values_is_one_problem() -> None:
    """Look-alike: the same class with its values (an id, a path) varying stays one problem, and so do messages
    that name no class (`Error processing request` with a varying URL)."""
    rng = random.Random(3503)
    messages = [
        f"Error processing request: System.IO.FileNotFoundException: Could not find file "
        f"'/config/metadata/{rng.randint(10, 99)}/{uuid.UUID(int=rng.getrandbits(128)).hex}/poster.jpg'"
        for _ in range(20)
    ]
    messages += [f"Error processing request for /Items/{rng.randint(1000, 9999)}/Images" for _ in range(20)]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_quoted_name_of_several_words_before_a_value_is_a_value() -> None:
    """NetworkManager's `Activation: starting connection 'Wired connection 1' (uuid)`: the quoted connection name,
    one word or several, comes before the connection's uuid; it is a value there as before a word: one event."""
    rng = random.Random(3504)
    names = ["Wired connection 1", "VPN to HQ", "Pixel 7 Hotspot", "FluxCast WFD", "HomeWiFi", "eduroam"]
    messages = [
        f"<info>  [17{rng.randint(10**7, 10**8 - 1)}.{rng.randint(1000, 9999)}] device (wlan0): Activation: "
        f"starting connection '{rng.choice(names)}' ({uuid.UUID(int=rng.getrandbits(128))})"
        for _ in range(40)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def _geth_served(rng: random.Random, method: str) -> str:
    return (
        f"WARN [12-02|{rng.randint(10, 23)}:{rng.randint(10, 59)}:07.{rng.randint(100, 999)}] {'Served ' + method:40s}"
        f" conn=10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65535)} reqid={rng.randint(1, 99)}"
        f' duration="{rng.randint(1, 99)}.{rng.randint(100, 999)}µs" err="the method {method} does not exist/is not'
        ' available"'
    )


def test_a_name_said_again_in_a_quoted_text_is_a_value() -> None:
    """geth's `Served eth_coinbase … err="the method eth_coinbase does not exist/is not available"`: the RPC
    method is said twice, the second time within the error's quoted text; the lines are equal but there, and the
    method takes many values: one event."""
    rng = random.Random(3505)
    methods = ["miner_getHashrate", "eth_coinbase", "eth_mining", "net_peerCount", "parity_netPeers"]
    methods += ["admin_peers", "eth_hashrate", "txpool_content", "debug_traceBlock", "clique_getSigners"]
    messages = [_geth_served(rng, method) for method in methods for _ in range(4)]
    assert len(set(clusters_of(messages).values())) == 1


def test_two_names_said_again_in_a_quoted_text_stay_two_events() -> None:
    """Look-alike: two names only, each said again in the quoted text, may be two events, as two words in a slot
    may."""
    rng = random.Random(3506)
    messages = [_geth_served(rng, method) for method in ("eth_coinbase", "eth_mining") for _ in range(15)]
    assert len(set(clusters_of(messages).values())) == 2


def _nm_device(rng: random.Random, device: str, message: str) -> str:
    return (
        f"Dec 02 {rng.randint(10, 23)}:{rng.randint(10, 59)}:07 elvm NetworkManager[597]: <info>  "
        f"[17{rng.randint(10**7, 10**8 - 1)}.{rng.randint(1000, 9999)}] device ({device}): {message}"
    )


def test_statements_after_a_numbered_device_in_parentheses_stay_apart() -> None:
    """NetworkManager's `device (wlan0): Activation: successful, device activated.` beside `device (ens33): …`,
    masked whole, and `device (wlan0): Activation: starting connection …`: the statement after the device label
    is the event; `(wlan<*>):` and a device masked whole are one place, so the statements are no stretch of
    words moving between two places: four events."""
    rng = random.Random(3507)
    statements = [
        "Activation: successful, device activated.",
        "Activation: starting connection 'HomeWiFi' (7c4e1e05-59ba-4b8c-9f55-3c1d0e2f7a10)",
        "Activation: (wifi) connection 'eduroam' has security, and secrets exist.  No new secrets needed.",
        "carrier: link connected",
    ]
    messages = [
        _nm_device(rng, rng.choice(["wlan0", "wlan1", "ens33", "enp3s0", "p2p-dev-wlp4s0"]), statement)
        for statement in statements
        for _ in range(15)
    ]
    found = clusters_of(messages)
    assert len(set(found.values())) == len(statements)
    for statement in statements:
        assert len({cluster for message, cluster in found.items() if message.endswith(statement)}) == 1


def test_a_matrix_user_id_is_a_name_and_a_value() -> None:
    """Synapse's access line names the user as `{@alice:example.org}`: a handle with its sigil and server, a
    value whichever user it is, as a name is, however few users a quiet hour shows."""
    rng = random.Random(3508)
    users = ["@alice:example.org", "@carol:chat.lan"]
    messages = [
        f"2026-12-02 10:{rng.randint(10, 59)}:17,{rng.randint(100, 999)} - synapse.access.http.8008 - 460 - INFO - "
        f"GET-{rng.randint(1, 99999)} - 10.0.0.6 - 8008 - {{{user}}} Processed request: "
        f"{rng.randint(0, 9)}.{rng.randint(100, 999)}sec 1326B 200"
        for user in users
        for _ in range(3)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_exception_classes_named_in_capitals_stay_apart() -> None:
    """`java.io.IOException`, `java.io.EOFException`, `javax.net.ssl.SSLException`, Python's `OSError`: classes
    whose names begin with an acronym are classes too; each is a problem of its own, however many there are."""
    rng = random.Random(3509)
    classes = [
        "java.io.IOException",
        "java.io.EOFException",
        "javax.net.ssl.SSLException",
        "java.sql.SQLException",
        "OSError",
        "ssl.SSLError",
        "urllib.error.HTTPError",
    ]
    messages = [
        f"worker-{rng.randint(1, 9)} request {rng.randint(1000, 9999)} failed: {name}: connection closed"
        for name in classes
        for _ in range(2)
    ]
    assert len(set(clusters_of(messages).values())) == len(classes)


def test_an_exception_class_as_a_keys_value_is_the_identity_of_a_problem() -> None:
    """logfmt's `exc_type=ValueError` and a JSON line's `"exc_type":"KeyError"`: the class a record names under a
    key is its problem's identity as it is in a sentence; the records differ in nothing else."""
    rng = random.Random(3510)
    classes = ["ValueError", "KeyError", "TimeoutError", "ConnectionResetError", "PermissionError", "OSError"]
    messages = [
        f'level=error msg="job failed" job=sync-{rng.randint(1, 99)} exc_type={name} attempt={rng.randint(1, 5)}'
        for name in classes
        for _ in range(2)
    ]
    messages += [
        f'{{"level":"error","msg":"job failed","exc_type":"{name}","attempt":{rng.randint(1, 5)}}}'
        for name in classes
        for _ in range(2)
    ]
    assert len(set(clusters_of(messages).values())) == 2 * len(classes)


def test_a_tally_of_varying_length_in_parentheses_is_one_value() -> None:
    """Open vSwitch's `br-int<->unix#3: 6 flow_mods in the last 0 s (6 adds)`, `(2 deletes)`, `(6 adds, 2
    deletes)`, `(…, 1 modifications)`: one statement whose tally lists as many counted items as it has: one
    event."""
    rng = random.Random(3511)

    def tally() -> str:
        items = [f"{rng.randint(1, 40)} {kind}" for kind in ("adds", "deletes", "modifications")]
        return ", ".join(rng.choice([items[:1], items[1:2], items[:2], items]))

    messages = [
        f"2026-12-02T10:{rng.randint(10, 59)}:29.750Z|{rng.randint(10000, 99999):05d}|connmgr|INFO|br-int<->unix#"
        f"{rng.randint(1, 999)}: {rng.randint(1, 80)} flow_mods in the last {rng.randint(0, 59)} s ({tally()})"
        for _ in range(40)
    ]
    assert len(set(clusters_of(messages).values())) == 1


def test_a_tally_of_counters_to_the_line_end_is_one_value() -> None:
    """Postfix's `disconnect from … ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4` names only the commands the
    client sent: one statement whose tally of `name=count` counters has as many as it has, one event (beside
    `connect from …`, its own)."""
    rng = random.Random(3513)
    commands = ["ehlo", "helo", "starttls", "auth", "mail", "rcpt", "data", "rset", "quit"]

    def tally() -> str:
        sent = sorted(rng.sample(range(len(commands)), rng.randint(2, 6)))
        counts = [f"{commands[i]}={rng.choice(['1', '0/1', '2'])}" for i in sent]
        return " ".join([*counts, f"commands={rng.randint(2, 9)}"])

    def host() -> str:
        return (
            f"{rng.choice(['unknown', 'mx.example.org'])}[10.9.{rng.randint(0, 255)}.{rng.randint(1, 254)}]"
        )

    events: list[Callable[[], str]] = [
        lambda: f"disconnect from {host()} {tally()}",
        lambda: f"connect from {host()}",
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_two_counters_at_the_line_end_are_no_tally() -> None:
    """Look-alike: two `name=count` fields (`rows=5 bytes=10` beside `files=3 dirs=2`) name what a statement
    counts; below a tally's three, they keep two statements apart."""
    rng = random.Random(3514)
    events: list[Callable[[], str]] = [
        lambda: (
            f"flushed segment {rng.randint(1, 99)} rows={rng.randint(1, 999)} bytes={rng.randint(1, 9999)}"
        ),
        lambda: (
            f"flushed segment {rng.randint(1, 99)} files={rng.randint(1, 999)} dirs={rng.randint(1, 9999)}"
        ),
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_a_tally_that_leaves_out_a_counter_is_one_value() -> None:
    """A statement that prints only the counters that counted (`backup finished files=3 dirs=2 links=1`, `…
    files=3 links=1`, `… files=3 dirs=2`), each run the other less one counter, says one event; a run of
    other names after the same words (`… errors=1 skipped=2 retries=0`) stays its own."""
    rng = random.Random(3516)

    def backup(*names: str) -> str:
        shown = [name for name in names if name == names[0] or rng.random() < 0.6]
        return "backup finished " + " ".join(f"{name}={rng.randint(1, 999)}" for name in shown)

    events: list[Callable[[], str]] = [
        lambda: backup("files", "dirs", "links", "sockets"),
        lambda: (
            "backup finished " + " ".join(f"{name}={rng.randint(0, 9)}" for name in ("errors", "skipped"))
        ),
    ]
    messages = [event() for event in events for _ in range(60)]
    assert len({len(message.split()) for message in messages[:60]}) > 1
    clusters = clusters_of(messages)
    assert len({clusters[message] for message in messages[:60] if message.count("=") > 1}) == 1
    assert not {clusters[message] for message in messages[:60]} & {
        clusters[message] for message in messages[60:]
    }


def test_counters_of_other_names_at_the_line_end_are_other_statements() -> None:
    """Look-alike: logfmt lines that end in three or more counters of names apart (`sync failed user=1 order=3
    retries=1` beside `sync failed disk=1 inode=3 quota=1`), or sharing only the last (`… pool=2 slot=4
    retries=1`), are statements of their own vocabularies, not subsets of one tally: each is its own event and
    keeps its names; the counters' values vary."""
    rng = random.Random(3515)

    def counters(*names: str) -> Callable[[], str]:
        return lambda: "sync failed " + " ".join(f"{name}={rng.randint(0, 99)}" for name in names)

    events = [
        counters("user", "order", "retries"),
        counters("disk", "inode", "quota"),
        counters("pool", "slot", "retries"),
        counters("shard", "replica", "term", "lag"),
    ]
    assert_one_cluster_per_event(events, 200, rng)
    assert set(clusters_of([event() for event in events for _ in range(5)]).values()) == {
        "sync failed user=<*> order=<*> retries=<*>",
        "sync failed disk=<*> inode=<*> quota=<*>",
        "sync failed pool=<*> slot=<*> retries=<*>",
        "sync failed shard=<*> replica=<*> term=<*> lag=<*>",
    }


def test_counters_that_never_vary_keep_their_names() -> None:
    """Look-alike: one statement's counters, always the same names (`Cache stats hits=10 misses=3
    evictions=2`), show no tally of varying subsets: the template keeps the names, only the counts vary."""
    messages = [f"Cache stats hits={n} misses={n % 7} evictions={n % 3}" for n in range(30)]
    assert set(clusters_of(messages).values()) == {"Cache stats hits=<*> misses=<*> evictions=<*>"}


def test_a_reason_in_parentheses_is_no_tally() -> None:
    """Look-alike: `(No such device)` and `(Connection refused)` after the same words are reasons, not counted
    items; they stay apart as two texts of one place do."""
    rng = random.Random(3512)
    messages = [
        f"rconn|WARN|br-int<->tcp:10.0.0.{rng.randint(1, 254)}:6653: connection failed ({reason})"
        for reason in ("No such device", "Connection refused")
        for _ in range(10)
    ]
    assert len(set(clusters_of(messages).values())) == 2


def test_a_counts_noun_in_singular_or_plural_is_one_word() -> None:
    # `%d connection%s`: MongoDB's `(1 connection now open)` beside `(12 connections now open)`, Pi-hole's
    # `for at least 1 second` beside `… 3 seconds`: one statement, whichever number the count asks for
    rng = random.Random(37)
    opened = [
        f"end connection 10.0.{rng.randrange(9)}.{rng.randrange(9)}:{rng.randrange(1024, 65535)} ({n} connection"
        f"{'' if n == 1 else 's'} now open)"
        for n in [1, 1, *(rng.randrange(2, 400) for _ in range(30))]
    ]
    limited = [
        f"Rate-limiting 10.1.1.{rng.randrange(200)} for at least {n} second{'' if n == 1 else 's'}"
        for n in [1, 1, 1, 2, 3, 4, 2, 3]
    ]
    clusters = clusters_of(opened + limited)
    assert len({clusters[message] for message in opened}) == 1
    assert len({clusters[message] for message in limited}) == 1
    assert clusters[opened[0]] != clusters[limited[0]]


def test_two_words_that_only_look_like_a_plural_stay_apart() -> None:
    # not after a count (`user` / `users` as a word of the sentence), or two words that are not one noun's
    # numbers (`opened` / `closed`): two statements, as before
    messages = [f"reloading user {n} table" for n in range(5)] + [
        f"reloading users {n} table" for n in range(5)
    ]
    messages += [f"session {n} opened" for n in range(5)] + [f"session {n} closed" for n in range(5)]
    clusters = clusters_of(messages)
    assert clusters[messages[0]] != clusters[messages[5]]
    assert clusters[messages[10]] != clusters[messages[15]]


def test_a_vmkernel_statement_is_one_event_whatever_the_cpus_number() -> None:
    # ESXi's vmkernel.log: `cpu2:2180994)` and `cpu11:2107691)` before the module; one statement either way
    rng = random.Random(11)
    lines = [
        f"2026-12-02T10:{rng.randrange(60):02d}:{rng.randrange(60):02d}.{rng.randrange(1000):03d}Z "
        f"cpu{rng.randrange(48)}:{rng.randrange(2097000, 2199999)})NMP: nmp_ResetDeviceLogThrottling:3348: "
        f"last error status from device naa.{uuid.UUID(int=rng.getrandbits(128)).hex} repeated {rng.randrange(900)} times"
        for _ in range(40)
    ]
    assert len(set(clusters_of(lines).values())) == 1


def test_two_variables_of_a_few_words_each_that_combine_freely_are_values() -> None:
    # a browser election's server and workgroup names: three of each, in most of their pairs; neither place shows
    # enough words alone, but each word of one meets several of the other
    rng = random.Random(10)
    pairs = [(server, group) for server in ("FILER", "NAS", "VAULT") for group in ("HOME", "CORP", "LAB")][1:]
    lines = [
        f"nmbd[{rng.randrange(9000)}]: name server {server} is now a local master browser for workgroup {group} "
        f"on subnet 10.1.{rng.randrange(250)}.{rng.randrange(250)}"
        for server, group in pairs * 2
    ]
    assert set(clusters_of(lines).values()) == {
        "nmbd[<*>]: name server <*> is now a local master browser for workgroup <*> on subnet <*>"
    }


def test_crossed_words_that_are_verbs_stay_apart() -> None:
    # what happened (`Started` / `Stopped` / `Paused`) names the statement whichever job it happened to, however
    # freely the jobs and the verbs combine
    jobs = [
        f"scheduler: job {job} {verb} by operator at 10.2.0.{n}"
        for n, (job, verb) in enumerate(
            (job, verb) for job in ("alpha", "beta", "gamma") for verb in ("Started", "Stopped", "Paused")
        )
    ]
    clusters = clusters_of(jobs * 2)
    verbs: dict[str, set[str]] = {}
    for line in jobs:
        verbs.setdefault(clusters[line], set()).add(line.split()[3])
    assert all(len(said) == 1 for said in verbs.values())


def test_an_optional_bracketed_tag_among_values_is_one_of_them() -> None:
    # smartd names a device with its type when it was given one (`/dev/sda [SAT],`, `/dev/bus/0 [megaraid_disk_00]
    # [SAT],`) and bare otherwise (`/dev/sdd,`): one statement, the tag part of the device between the values
    rng = random.Random(3)
    devices = ["/dev/sda [SAT],", "/dev/sdb [SAT],", "/dev/bus/0 [megaraid_disk_01] [SAT],"]
    tagged = [
        f"smartd[{rng.randrange(9000)}]: Device: {rng.choice(devices)} {rng.randrange(1, 900)} Offline uncorrectable "
        "sectors"
        for _ in range(20)
    ]
    bare = [
        f"smartd[{rng.randrange(9000)}]: Device: /dev/sd{disk}, {rng.randrange(1, 900)} Offline uncorrectable sectors"
        for disk in "cdef"
    ]
    assert len(set(clusters_of(tagged + bare).values())) == 1
    # and where the tag ends the run (`Device: /dev/sda [SAT], ATA error count …` / `Device: /dev/sdd, ATA …`)
    counted = [
        f"smartd[{rng.randrange(9000)}]: Device: {device} ATA error count increased from {n} to {n + 3}"
        for n, device in enumerate([*devices * 4, "/dev/sdc,", "/dev/sdd,"])
    ]
    assert len(set(clusters_of(counted).values())) == 1


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def test_a_word_before_a_value_where_the_statement_has_the_value_alone_is_part_of_it() -> None:
    """An FTP daemon prints its peer as `%s [%s]`, a name and its address: `localhost`, the name of a local
    peer, reads as a word, not a value. Beside `from <*> [<*>]` (a dotted name masked, folded with the
    address) it fills the same value, so one event; and so does a user in parentheses where other lines print
    empty ones (`(ana) <*>` beside `() <*>`)."""
    rng = random.Random(381)
    hosts = ["ftp.example.org", "gw-2.corp.example.net", "files.example.com", "localhost"]
    users = ["ana", "ben", "chloe", ""]

    def session() -> str:
        return f"session opened from {rng.choice(hosts)} [{_ip(rng)}] on port {rng.randint(1024, 65535)}"

    def transfer() -> str:
        user = rng.choice(users)
        return f"stored by ({user}) /srv/{rng.randint(1, 99)}.bin {rng.randint(1, 10**6)}"

    assert_one_cluster_per_event([session, transfer], 120, rng)


def test_a_label_before_a_value_stays_a_word_of_its_statement() -> None:
    """Look-alike: `reach host: <*>` names what the value is; it does not read as `reach <*>`."""
    rng = random.Random(382)
    events: list[Callable[[], str]] = [
        lambda: f"Failed to reach host: {_ip(rng)} after {rng.randint(1, 9)} tries",
        lambda: f"Failed to reach {_ip(rng)} after {rng.randint(1, 9)} tries",
    ]
    assert_one_cluster_per_event(events, 120, rng)


def test_a_lines_head_does_not_join_lines_that_start_with_a_value() -> None:
    """A resolver logs each query as `<client> <name>. <type> IN` and what it does as `prefetching <name>. <type>
    IN`; a scanner logs `<file>: <signature> detected` and `stdin(<client>): <signature> detected`. The first word,
    or a name with its argument glued, is the line's head, another statement, not one more value where the
    statement starts with its client or its file; so is a capitalized noun (`Gateway <*> is unreachable`
    beside `<*> is unreachable`)."""
    rng = random.Random(383)
    names = ["example.com", "shop.example.net", "api.example.io", "cdn.example.org"]
    types = ["A", "AAAA", "MX", "TXT"]
    signatures = ["Win.Worm.Agent-1", "Js.Downloader.Nemucod-42", "Txt.Malware.Sample-7"]
    events: list[Callable[[], str]] = [
        lambda: f"{_ip(rng)} {rng.choice(names)}. {rng.choice(types)} IN",
        lambda: f"prefetching {rng.choice(names)}. {rng.choice(types)} IN",
        lambda: f"/srv/mail/{rng.randint(1, 999)}.eml: {rng.choice(signatures)} detected",
        lambda: f"stdin({_ip(rng)}:{rng.randint(1024, 65535)}): {rng.choice(signatures)} detected",
        lambda: f"{_ip(rng)} is unreachable",
        lambda: f"Gateway {_ip(rng)} is unreachable",
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_a_semicolon_record_after_a_label_is_one_value() -> None:
    """Naemon writes its event handlers as a label and a record, fields joined by `;` to the end of the line,
    some with spaces (a service's name, a handler's output): `SERVICE EVENT HANDLER: web-2;Disk Space;CRITICAL;
    SOFT;1;restart-service`. Each is one event, whichever host, service, state or handler; the label tells
    them apart (`HOST EVENT HANDLER: …`)."""
    rng = random.Random(384)
    hosts = ["web-1", "web-2", "db-primary", "cache-a", "edge-router"]
    services = ["HTTP", "Disk Space", "Current Users", "PING", "Total Processes", "SMTP"]

    def service() -> str:
        return (
            f"SERVICE EVENT HANDLER: {rng.choice(hosts)};{rng.choice(services)};"
            f"{rng.choice(['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'])};{rng.choice(['SOFT', 'HARD'])};"
            f"{rng.randint(1, 4)};{rng.choice(['restart-service', 'clean tmp files', 'notify-team --page'])}"
        )

    def host() -> str:
        return (
            f"HOST EVENT HANDLER: {rng.choice(hosts)};{rng.choice(['UP', 'DOWN', 'UNREACHABLE'])};"
            f"{rng.choice(['SOFT', 'HARD'])};{rng.randint(1, 4)};power-cycle --outlet {rng.randint(1, 8)}"
        )

    assert_one_cluster_per_event([service, host], 160, rng)


def test_clauses_joined_by_semicolons_stay_words() -> None:
    """Look-alike: a sentence whose clauses a `; ` joins keeps its words (Postfix's `… Relay access denied;
    from=<…> to=<…>` beside `… Recipient address rejected; from=<…> …`), and a record's `;` not right after
    its first field is no record."""
    rng = random.Random(385)

    def reject(reason: str) -> Callable[[], str]:
        return lambda: (
            f"NOQUEUE: reject: RCPT from unknown[{_ip(rng)}]: 554 5.7.1 <u{rng.randint(1, 99)}@example.org>: "
            f"{reason}; from=<a{rng.randint(1, 99)}@example.com> to=<b@example.org> proto=ESMTP helo=<x>"
        )

    events = [reject("Relay access denied"), reject("Recipient address rejected: Access denied")]
    assert_one_cluster_per_event(events, 80, rng)


def test_a_labels_quoted_text_in_a_document_is_a_value() -> None:
    """MongoDB prints documents as `{ label: "text", … }`, as does a proxy in front of it logging each client's
    handshake: `platform: "CPython 3.8.10.final.0"` or `platform: "Node.js v14.21.3, LE, mongodb-core: 3.6.2"`.
    Beside the line's message, a label's quoted text that takes several texts is a value, whatever its words
    and their number, as a key's `key="…"` is: one event."""
    rng = random.Random(386)

    def platform() -> str:
        major, minor = rng.randint(2, 16), rng.randint(0, 20)
        return rng.choice(
            [
                f"CPython 3.{minor}.{rng.randint(0, 9)}.final.0",
                f"PyPy 7.3.{minor}.final.0",
                f"Node.js v{major}.{minor}.3, LE, mongodb-core: 3.6.{rng.randint(0, 9)}",
            ]
        )

    def handshake() -> str:
        return (
            f"client handshake from 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65535)} "
            f'{{ app: {{ name: "{rng.choice(["billing", "orders", "cron"])}" }}, platform: "{platform()}" }}'
        )

    assert_one_cluster_per_event([handshake], 60, rng)


def test_a_labels_quoted_text_alone_may_be_the_message() -> None:
    """Look-alike: without a message besides it, the quoted text is the message (`status: "backup finished"`,
    `status: "backup failed: disk full"`): two events."""
    rng = random.Random(387)
    events: list[Callable[[], str]] = [
        lambda: f'job {rng.randint(1, 999)} status: "backup finished"',
        lambda: f'job {rng.randint(1, 999)} status: "backup failed: disk full"',
    ]
    assert_one_cluster_per_event(events, 60, rng)


def test_the_last_keys_value_runs_on_to_the_end_of_the_line() -> None:
    """A statement that prints an unquoted value with spaces last lets it run to the line's end: a pooler's
    `client connected: db=%s user=%s application=%s` with `psql`, `PostgreSQL JDBC Driver`, `pgAdmin 4 -
    DB:orders`. Texts of several lengths there, beside the line's message, are the key's value: one event."""
    rng = random.Random(388)
    apps = ["psql", "PostgreSQL JDBC Driver", "pgAdmin 4 - DB:orders", "Metabase v0.48", "grafana"]

    def connected() -> str:
        return (
            f"client connected: db={rng.choice(['orders', 'billing', 'auth'])} "
            f"user={rng.choice(USERS)} application={rng.choice(apps)}"
        )

    assert_one_cluster_per_event([connected], 80, rng)


def test_an_unquoted_logfmt_message_stays_the_message() -> None:
    """Look-alike: a logfmt line without a message besides its pairs (`level=info msg=Starting server`): the
    last key's words are the message, each statement its own; and a value its punctuation closes ends there
    (`(unit=<*> bit=<*>): warning for …`)."""
    rng = random.Random(389)
    events: list[Callable[[], str]] = [
        lambda: f"ts={rng.randint(10**9, 2 * 10**9)} level=info msg=Starting server",
        lambda: f"ts={rng.randint(10**9, 2 * 10**9)} level=info msg=Stopping server now",
        lambda: f"ts={rng.randint(10**9, 2 * 10**9)} level=info msg=Reloading config files from disk",
        lambda: (
            f"link interrupt (unit={rng.randint(0, 9)} bit={rng.randint(0, 99)}): warning for torus x+ wire"
        ),
        lambda: (
            f"link interrupt (unit={rng.randint(0, 9)} bit={rng.randint(0, 99)}): suppressing further interrupts"
        ),
    ]
    assert_one_cluster_per_event(events, 150, rng)


def test_a_name_with_its_number_beside_a_name_is_a_value() -> None:
    """A proxy says which upstream failed and recovered: `node1` (its digit masked, `node<*>`), most often, or a
    name joined by `-` (`cache-b`, a value by its shape). The numbered name is one of the upstreams, a thing of
    a kind, however much more common: one event each for FAILED and RECOVERED, whichever upstream."""
    rng = random.Random(390)

    def detected(state: str) -> Callable[[], str]:
        return lambda: (
            f"Detected {state} Upstream: {'cache-b' if rng.random() < 0.4 else f'node{rng.randint(1, 3)}'}"
        )

    assert_one_cluster_per_event([detected("FAILED"), detected("RECOVERED")], 24, rng)


def test_names_with_numbers_of_two_kinds_alone_stay_apart() -> None:
    """Look-alike: numbered names of two kinds with no other value in their place (Loghub's HPC holds
    `via interface ee0` and `via interface alt0` apart) stay two events."""
    rng = random.Random(391)
    events: list[Callable[[], str]] = [
        lambda: f"node-{rng.randint(1, 200)} detected a link via interface ee0",
        lambda: f"node-{rng.randint(1, 200)} detected a link via interface alt0",
    ]
    assert_one_cluster_per_event(events, 60, rng)


def test_a_field_a_statement_appends_only_when_it_has_it_is_one_event() -> None:
    """A statement that lists fields after commas writes some only when it has them: Postfix's smtpd adds
    `, sasl_method=…, sasl_username=…` for a client that logged in, HAProxy `, code: <*>, info: "…"` in the middle
    of a server's state when its check got them, nginx `, referrer: "…"` after the request's fields, sendmail a
    `ctladdr=` or `relay=` it knows. Lines with and without them are one event each."""
    rng = random.Random(392)
    hosts = ["mx1.example.net", "unknown", "relay.example.org"]

    def client() -> str:
        line = f"{rng.randrange(16**10):010X}: client={rng.choice(hosts)}[10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}]"
        if rng.random() < 0.5:
            line += f", sasl_method={rng.choice(['PLAIN', 'LOGIN'])}, sasl_username={rng.choice(['ana', 'bob', 'eve'])}"
        return line

    def server() -> str:
        extra = f', code: 200, info: "{rng.choice(["OK", "alive"])}"' if rng.random() < 0.5 else ""
        return (
            f"Server be_web/web{rng.randint(1, 4)} is UP, reason: Layer7 check passed{extra}, check duration:"
            f" {rng.randint(0, 900)}ms. {rng.randint(1, 4)} active and 0 backup servers online."
        )

    def upstream() -> str:
        referrer = (
            f', referrer: "https://shop.example.com/p/{rng.randint(1, 99)}"' if rng.random() < 0.5 else ""
        )
        return (
            f"*{rng.randint(1, 99999)} upstream timed out (110: Connection timed out) while reading response header"
            f' from upstream, client: 10.0.0.{rng.randint(1, 254)}, server: shop.example.com, request: "GET'
            f' /p/{rng.randint(1, 99)} HTTP/1.1", upstream: "http://10.1.0.{rng.randint(1, 9)}:8080/p",'
            f' host: "shop.example.com"{referrer}'
        )

    def recipient() -> str:
        ctladdr = (
            f", ctladdr=<{rng.choice(['ana', 'bob'])}> ({rng.randint(1000, 1009)}/100)"
            if rng.random() < 0.4
            else ""
        )
        relay = (
            f", relay=mx{rng.randint(1, 3)}.example.net. [10.2.0.{rng.randint(1, 9)}]"
            if rng.random() < 0.6
            else ""
        )
        return (
            f"{rng.randrange(16**8):08x}: to=<{rng.choice(['ana', 'bob', 'eve'])}@example.org>{ctladdr},"
            f" delay=00:00:{rng.randint(10, 59)}, xdelay=00:00:{rng.randint(10, 59)}, mailer=esmtp,"
            f" pri={rng.randint(30000, 99999)}{relay}, stat=Sent"
        )

    assert_one_cluster_per_event([client, server, upstream, recipient], 160, rng)


def test_optional_fields_keep_other_words_and_other_fields_apart() -> None:
    """Look-alikes: lines that differ by an optional field and by a constant word (`is UP` / `is DOWN`, `connect`
    / `disconnect`), by a field's word (`action: login` / `action: logout`), or by other fields altogether
    (sendmail's sender and recipient records) stay apart."""
    rng = random.Random(393)

    def state(word: str, info: bool) -> Callable[[], str]:
        extra = ', code: 200, info: "OK"' if info else ""
        return lambda: (
            f"Server be_web/web{rng.randint(1, 4)} is {word}, reason: Layer7 check passed{extra}, check duration:"
            f" {rng.randint(0, 900)}ms."
        )

    def action(word: str, client: bool) -> Callable[[], str]:
        extra = f", client: 10.0.0.{rng.randint(1, 254)}" if client else ""
        return lambda: f"audit record for ana{rng.randint(1, 9)}, action: {word}{extra}"

    events: list[Callable[[], str]] = [
        state("UP", True),
        state("DOWN", False),
        action("login", True),
        action("logout", False),
        lambda: (
            f"{rng.randrange(16**8):08x}: from=<ana@example.org>, size={rng.randint(300, 9999)}, nrcpts=1"
        ),
        lambda: (
            f"{rng.randrange(16**8):08x}: to=<ana@example.org>, delay=00:00:{rng.randint(10, 59)}, nrcpts=1"
        ),
        lambda: f"connect from mx{rng.randint(1, 3)}.example.net[10.0.0.{rng.randint(1, 254)}]",
        lambda: (
            f"disconnect from mx{rng.randint(1, 3)}.example.net[10.0.0.{rng.randint(1, 254)}], commands=5"
        ),
    ]
    assert_one_cluster_per_event(events, 160, rng)


def test_a_remark_a_statement_appends_at_the_end_is_one_event() -> None:
    """A statement that ends some lines with a parenthesized remark of prose (`(retrying in 5s)` when it will
    retry) writes one event with and without it. Look-alikes: a parenthesized record of values (`(uid=0)`) is no
    remark, and another sentence before the same remark is another event."""
    rng = random.Random(394)

    def connect(verb: str) -> Callable[[], str]:
        def line() -> str:
            tail = f" (retrying in {rng.randint(1, 30)}s)" if rng.random() < 0.5 else ""
            return f"Failed to {verb} to 10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}:5432: connection refused{tail}"

        return line

    events: list[Callable[[], str]] = [
        connect("connect"),
        connect("reconnect"),
        lambda: f"session opened for user ana{rng.randint(1, 9)} by (uid={rng.randint(0, 9)})",
        lambda: f"session opened for user ana{rng.randint(1, 9)} by",
    ]
    assert_one_cluster_per_event(events, 120, rng)


def test_a_description_after_a_names_dash_is_a_value() -> None:
    """systemd 249 and later write a unit's name, a dash, then its description: `Starting nginx.service - A high
    performance web server and a reverse proxy server...`, `Stopped cron.service - Regular background program
    processing daemon.`. Each job message is one event whatever the unit, as `Starting <description>...` was."""
    rng = random.Random(403)
    units = [
        ("nginx.service", "A high performance web server and a reverse proxy server"),
        ("cron.service", "Regular background program processing daemon"),
        ("apt-daily.service", "Daily apt download activities"),
        ("docker.service", "Docker Application Container Engine"),
        ("logrotate.service", "Rotate log files"),
    ]

    def job(fmt: str) -> Callable[[], str]:
        return lambda: fmt.format(*rng.choice(units))

    events = [
        job("Starting {} - {}..."),
        job("Started {} - {}."),
        job("Stopped {} - {}."),
        job("Failed to start {} - {}."),
    ]
    assert_one_cluster_per_event(events, 200, rng)


def test_two_texts_after_a_values_dash_stay_apart() -> None:
    """Look-alikes: a dash after a value followed by two texts only (`Worker <*> - connection lost to broker` /
    `- heartbeat missed twice in a row`) is two statements, as after a word; a dash after a word stays a word of
    the line (`connecting to master - retry later`)."""
    rng = random.Random(404)
    events = [
        lambda: f"Worker w{rng.randint(1, 99)}.example.net - connection lost to broker",
        lambda: f"Worker w{rng.randint(1, 99)}.example.net - heartbeat missed twice in a row",
        lambda: f"connecting to master {rng.randint(1, 9)}.example.org - retry later",
    ]
    assert_one_cluster_per_event(events, 120, rng)


def test_an_os_error_text_is_a_value_even_when_two_show() -> None:
    """A statement that prints an OS error's text (the C library's strerror, Go's syscall texts lowercased) where
    the line says it is one, after the system call (`perror`'s and Go's `connect: …`), after its errno (APR's
    `(110)Connection timed out:`, nginx's `(111: Connection refused)`, Python's `[Errno 111] …`) or a Java
    exception's class, is one event however few of the texts show: the texts form a closed vocabulary, so two
    of them at one place are a value's slot."""
    rng = random.Random(405)

    def addr() -> str:
        return (
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}:{rng.randint(1024, 65000)}"
        )

    def two(*texts: str) -> str:
        return rng.choice(texts)

    events = [
        lambda: f"redis: dial tcp {addr()}: connect: {two('connection refused', 'network is unreachable')}",
        lambda: (
            f"spool {rng.randint(1, 99999)}: write: {two('No space left on device', 'Disk quota exceeded')}"
        ),
        lambda: "[pid {}] ({}) AH01084: pass request body failed to {}".format(
            rng.randint(100, 60000), two("110)Connection timed out:", "32)Broken pipe:"), addr()
        ),
        lambda: (
            f"upload of part {rng.randint(1, 999)} failed: [Errno {two('111] Connection refused', '113] No route to host')}"
        ),
        lambda: (
            f"connect() failed ({two('111: Connection refused', '113: No route to host')}) while connecting to {addr()}"
        ),
        lambda: (
            f"stream {rng.randint(1, 999)} closed: java.net.SocketException: {two('Connection reset', 'Broken pipe')}"
        ),
    ]
    assert_one_cluster_per_event(events, 240, rng)


def test_an_http_reason_phrase_is_a_value_even_when_two_show() -> None:
    """An HTTP status's reason phrase (the IANA registry's: `502 Bad Gateway`, `503 Service Unavailable`; a phrase
    of one word after its code, `403 Forbidden`) is a value of the statement that prints the status."""
    rng = random.Random(406)
    events = [
        lambda: "webhook https://hooks.example.com/{} answered {}".format(
            rng.randint(1, 9999), rng.choice(["502 Bad Gateway", "503 Service Unavailable"])
        ),
        lambda: "object gs://bucket-{}/{}.tar: {}".format(
            rng.randint(1, 50), rng.randint(1, 9999), rng.choice(["403 Forbidden", "404 Not Found"])
        ),
    ]
    assert_one_cluster_per_event(events, 120, rng)


def test_two_words_outside_the_vocabularies_stay_two_statements() -> None:
    """Look-alikes: two words that are not texts of a vocabulary (`Reachable` / `Unreachable`) name two
    statements; a phrase of one word not after a status code (`state: Created` / `state: Processing`) stays a
    word; one error text each under different system calls (`bind: Address already in use`, `listen: Permission
    denied`) stays two events; and an error's text after other words stays the slots' to decide, as Loghub's
    truth tells BGL's `ciod: LOGIN chdir(<*>) failed: No such file or directory` from `…: Input/output error`."""
    rng = random.Random(407)
    events = [
        lambda: f"Contact sip:{rng.randint(100, 999)}@pbx.example.com is now Reachable",
        lambda: f"Contact sip:{rng.randint(100, 999)}@pbx.example.com is now Unreachable",
        lambda: f"job {rng.randint(1, 99999)} state: Created",
        lambda: f"job {rng.randint(1, 99999)} state: Processing",
        lambda: f"socket {rng.randint(3, 999)} bind: Address already in use",
        lambda: f"socket {rng.randint(3, 999)} listen: Permission denied",
        lambda: (
            f"node {rng.randint(1, 999)}: LOGIN chdir(/home/u{rng.randint(1, 99)}) failed: No such file or directory"
        ),
        lambda: (
            f"node {rng.randint(1, 999)}: LOGIN chdir(/home/u{rng.randint(1, 99)}) failed: Input/output error"
        ),
    ]
    assert_one_cluster_per_event(events, 320, rng)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the texts of GNU libc (musl words some apart)")
def test_the_error_vocabulary_holds_the_c_librarys_texts() -> None:
    """Every strerror text of more than one word that GNU libc prints is in the vocabulary."""
    from loggardener.clustering.vocabulary import ERROR_TEXTS

    texts = {os.strerror(code).lower() for code in errno.errorcode}
    assert {text for text in texts if " " in text and not text.startswith("unknown error")} <= ERROR_TEXTS

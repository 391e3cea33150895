from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linear import assert_linear
from loggardener.clustering.masking import WILDCARD, mask


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("retry 3 of 5 after 250 ms", "retry <*> of <*> after <*>"),
        ("timeout exceeded (30s) for pool db-main-3", "timeout exceeded (<*>s) for pool <*>"),
        ("from 10.0.0.12:5432 and fe80::1ff:fe23:4567:890a", "from <*> and <*>"),
        # an SMTP address literal (RFC 5321) is an address with its tag; the word `IPv6` alone stays a word
        ("example.com [IPv6:2001:DB8::1] did not issue MAIL", "<*> [<*>] did not issue MAIL"),
        ("IPv6: enabled on eth0", "IPv<*>: enabled on eth<*>"),
        ("request 123e4567-e89b-12d3-a456-426614174000 done", "request <*> done"),
        # a file named by a UUID is one value, whatever its extension (`.png`, `.mp4`)
        ("signing 123e4567-e89b-12d3-a456-426614174000.png failed", "signing <*> failed"),
        ("signing 123e4567-e89b-12d3-a456-426614174000.mp4 failed", "signing <*> failed"),
        ("id 123e4567-e89b-12d3-a456-426614174000. Next", "id <*>. Next"),
        ("addr 0x7fed806eb5d id 04DF80A7942FFFFF0C08", "addr <*> id <*>"),
        ("mail alice@example.com at https://example.com/a?b=1", "mail <*> at <*>"),
        ("connection from ns1.dyn-77.example.net closed", "connection from <*> closed"),
        # an arrow ends a host name as a space does: a stream's two ends, each a host (Prosody's s2s lines)
        ("s2s disconnected: example.org->jabber.org (closed)", "<*> disconnected: <*>-><*> (closed)"),
        (
            "Outgoing s2s connection meet.example.net->xmpp.corp.example complete",
            "Outgoing <*> connection <*>-><*> complete",
        ),
        # (a hyphen that goes on into a word still belongs to the name, which then is no host)
        ("mirror www.example.com-backup synced", "mirror www.example.com-backup synced"),
        # a MAC address with dashes, as Windows and RADIUS write it, is one value like one with colons
        ("cli 2E-7B-74-F4-64-2A)", "cli <*>)"),
        ("station AA-BB-CC-DD-EE-FF left", "station <*> left"),
        ("at Fri Jun 17 07:07:00 2005 user left", "at <*> user left"),
        ("open '/etc/app/conf.yaml' failed", "open '<*>' failed"),  # quoted text: word by word
        ('"GET /v2/servers HTTP/1.1" status: 200', '"GET <*> HTTP/<*>.<*>" status: <*>'),
        ("host files.example.museum:443 and Build.VERSION", "host <*>:<*> and Build.VERSION"),
        ("lifetime <1 sec", "lifetime <<*>"),
        ("loading /var/lib/app/data.db", "loading <*>"),
        # a host name with a path after it is one location (an image, a package's component)
        ("pull registry.example.org/team/api:14 done", "pull <*>:<*> done"),
        ("start org.sample.mail/.ui.InboxScreen t17", "start <*> <*>"),
        ("Surface(name=org.sample.mail/org.sample.mail.ui.Inbox) gone", "Surface(name=<*>) gone"),
        # a file under relative folders is one value, the folders with it
        ("drew widgets/cards/summary.html.haml in 4ms", "drew <*> in <*>ms"),
        ("nodes [27, 191, 224] down", "nodes [<*>] down"),
        # a list of quoted values is data (columns, keys, names), however many: one value
        ("not present in the DataFrame: ['employee_name']", "not present in the DataFrame: <*>"),
        ("not present in the DataFrame: ['Name', 'DRP ID']", "not present in the DataFrame: <*>"),
        ('unknown fields ["a", "b",] in [\'x\', 3]', "unknown fields <*> in ['x', <*>]"),
        ("link eth0 up", "link eth<*> up"),
        # a file name with a digit takes its extensions along, as a host-like one (`part-2.csv`) does
        ("rotated audit-0007.log.gz and report_v12.csv", "rotated <*> and <*>"),
        # a boolean that is a key's value is a value; a signed number reads as its unsigned twin
        ("updateDimmedActivated overlap:false", "updateDimmedActivated overlap:<*>"),
        ("interactive=True keyguardActive: FALSE", "interactive=<*> keyguardActive: <*>"),
        ("Ready condition status changed to False", "Ready condition status changed to False"),
        ("Translation=-24.0 Padding=333.0 offset +5", "Translation=<*>.<*> Padding=<*>.<*> offset <*>"),
        ("VM Started", "VM Started"),
        # the common log format's date; a request path's query string; DNS labels that start with `_`
        ("[10/Oct/2000:13:55:36.123 -0700] fe_http", "[<*>] fe_http"),
        ('request: "GET /search?q=shoes&page=2 HTTP/1.1"', 'request: "GET <*> HTTP/<*>.<*>"'),
        ("GET /v1/users?sort=name), next", "GET <*>), next"),
        ("SRV IN _grpc._tcp.orders.svc.cluster.local. udp", "SRV IN <*>. udp"),
        # a duration in microseconds keeps its unit as one in milliseconds does
        ("took 850µs, then 1.5ms", "took <*>µs, then <*>.<*>ms"),
        # the host name Java's `InetAddress` (and OpenVPN, for a client) prints before an address: one value
        ("connect to db-primary/10.0.0.5:5432 failed", "connect to <*> failed"),
        ("laptop-anna/203.0.113.7:1194 MULTI: Learn", "<*> MULTI: Learn"),
        # the path of a request line however short: `/login` is a path there, as `/v1/users` is
        ('request: "GET /login HTTP/1.1", host', 'request: "GET <*> HTTP/<*>.<*>", host'),
        ('"DELETE / HTTP/2.0" 204', '"DELETE <*> HTTP/<*>.<*>" <*>'),
        ("path /login then HTTP", "path /login then HTTP"),
        # a unit's word followed by a dotted name is no unit: a call stack's frame (`ms.AA`), not `1 ms`
        ("by a.AA.a:1 ms.AA.<init>:1", "by a.AA.a:<*> ms.AA.<init>:<*>"),
        ("took 250 ms. Then 3 bytes.", "took <*>. Then <*>."),
        # every common spelling of a time or size unit (uWSGI's `msecs`/`micros`, PostgreSQL's `kB`, days)
        ("generated 47 bytes in 129 msecs", "generated <*> in <*>"),
        ("generated 215 bytes in 68 micros", "generated <*> in <*>"),
        ("distance=33 kB, estimate=35 kB", "distance=<*>, estimate=<*>"),
        ("expires in 7 days", "expires in <*>"),
        ("3 microservices and 2 dayshifts", "<*> microservices and <*> dayshifts"),
        # the path after a request's method, however short, quoted or not
        ("POST /update_metrics => generated", "POST <*> => generated"),
        ('Started GET "/" for <*>', 'Started GET "<*>" for <*>'),
        ("FORGET /x and get /y", "FORGET /x and get /y"),
        # an SQL statement a database or an ORM logs is one value, to the end of the line or of its quotes
        ("statement: SELECT * FROM users WHERE last_login > NOW() - INTERVAL '7 days';", "statement: <*>"),
        ("statement: CREATE INDEX idx_users_email ON users(email);", "statement: <*>"),
        ('query="UPDATE orders SET a=1 WHERE id=2" took 5ms', 'query="<*>" took <*>ms'),
        ('User Load (0.5ms)  SELECT "users".* FROM "users" LIMIT $1', "User Load (<*>.<*>ms)  <*>"),
        ("WITH t AS (SELECT 1) SELECT * FROM t", "<*>"),
        # capitals of a sentence, an SQL word named in an error, a command alone: no statement
        ("SELECT failed: the SELECT is slow", "SELECT failed: the SELECT is slow"),
        (
            'syntax error at or near "SELECT" at character 5',
            'syntax error at or near "SELECT" at character <*>',
        ),
        ("Please UPDATE your client, then DELETE it", "Please UPDATE your client, then DELETE it"),
        # a Windows path is one value, from a drive letter or a share, its backslashes escaped or not, a folder's
        # name with spaces (`Program Files`) and all; a word with a colon before a backslash is no drive
        (
            r"Deploying web application directory C:\Program Files\Apache Software Foundation\Tomcat 9.0\webapps\ROOT",
            "Deploying web application directory <*>",
        ),
        (r"pattern: C:\Windows\servicing\sqm\*_std.sqm, flags: 0x2", "pattern: <*>, flags: <*>"),
        (r"copy \\fs01\share\reports\q3.xlsx done", "copy <*> done"),
        ('open "C:\\\\Users\\\\bob\\\\notes.txt" failed', 'open "<*>" failed'),
        (r"C:\Temp\my notes", "<*> notes"),
        (r"regex:\d+ matched", r"regex:\d+ matched"),
        # a quantity with its thousands separated, or its number in brackets (Tomcat 8.5+), is one value
        ("has finished in [58,056] ms", "has finished in <*>"),
        ("has finished in 2,309 ms", "has finished in <*>"),
        ("MyFaces Core has started, it took [1180] ms.", "MyFaces Core has started, it took <*>."),
        ("ids [3] ms", "ids <*>"),
        ("kept 1,2 ms", "kept <*>,<*>"),
        # a version with a pre-release or build tag is one value, as a plain one is; a sentence's stop stays
        ("[version: 3.0.0-beta.0+git, cluster version: 3.4]", "[version: <*>, cluster version: <*>.<*>]"),
        ('mounted: version="v1.19.0+builtin.vault" path', 'mounted: version="<*>" path'),
        ("Running Spark version 1.6.0-SNAPSHOT.", "Running Spark version <*>."),
        ("kernel 5.4.0-1045-aws booted", "kernel <*> booted"),
        # a lowercase statement is one value where a statement starts, in the shapes of SQL; prose stays
        ("statement: select id, name from users where id = 42", "statement: <*>"),
        ("execute <unnamed>: select count(*) from t where a = $1", "execute <unnamed>: <*>"),
        ("Query\tinsert into audit (a) values (1)", "Query\t<*>"),
        ('query="update orders set status = 1 where id = 2" took 5ms', 'query="<*>" took <*>ms'),
        ("statement: delete from sessions where expires_at < now()", "statement: <*>"),
        ("error: select a file from the list", "error: select a file from the list"),
        ("we select id, name from users", "we select id, name from users"),
        ("token updated: delete it", "token updated: delete it"),
    ],
)
def test_mask_examples(text: str, expected: str) -> None:
    assert mask(text) == expected


@given(st.text(max_size=200))
def test_no_digit_survives_masking(text: str) -> None:
    assert not re.search(r"[0-9]", mask(text))


@given(st.text(alphabet="ab.:-_/ x0123456789", max_size=80), st.randoms())
def test_masking_ignores_digit_values(text: str, rng: object) -> None:
    # The miner's lookup cache relies on this: messages that differ only in digit values mask the same.
    rerolled = re.sub(r"[0-9]", lambda _: str(rng.randrange(10)), text)  # type: ignore[attr-defined]
    assert mask(rerolled) == mask(text)


@given(st.lists(st.text(max_size=60), max_size=20), st.permutations(range(20)))
def test_masking_is_order_insensitive(messages: list[str], order: list[int]) -> None:
    shuffled = [messages[i] for i in order if i < len(messages)]
    assert {m: mask(m) for m in shuffled} == {m: mask(m) for m in messages}


@given(
    st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"]),
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Z", "Cc"), blacklist_characters="'\"<>"),
        max_size=40,
    ),
    st.sampled_from(["1.0", "1.1", "2.0"]),
)
def test_a_request_lines_path_is_one_value(method: str, path: str, version: str) -> None:
    """Whatever the path of a request line, the line reads `METHOD <*> HTTP/<*>.<*>`."""
    assert mask(f'"{method} /{path} HTTP/{version}"') == f'"{method} {WILDCARD} HTTP/{WILDCARD}.{WILDCARD}"'


UNITS = [
    "B", "kB", "KB", "KiB", "MB", "MiB", "GB", "GiB", "TB", "PB", "byte", "bytes",
    "ns", "us", "µs", "ms", "nsec", "usec", "msec", "msecs", "nanos", "micros", "millis",
    "nanosecond", "microseconds", "milliseconds", "second", "seconds", "sec", "secs",
    "min", "mins", "minute", "minutes", "hour", "hours", "day", "days",
]  # fmt: skip


@given(st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True), st.sampled_from(UNITS))
def test_a_quantity_in_any_unit_of_time_or_size_is_one_value(number: str, unit: str) -> None:
    """`in 129 msecs`, `in 68 micros`, `33 kB`, `7 days`: the quantity with its unit, whatever the spelling."""
    assert mask(f"took {number} {unit} then") == "took <*> then"
    # a word that only starts like a unit is no unit
    assert mask(f"took {number} {unit}x then") == f"took {mask(number)} {unit}x then"


@given(
    st.sampled_from(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]),
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "Nd"), whitelist_characters="/._-@%+"), max_size=40
    ),
    st.sampled_from(["", '"']),
)
def test_the_path_after_a_request_method_is_one_value(method: str, path: str, quote: str) -> None:
    """`POST /update_metrics =>`, `Started GET "/"`: the request's path, however short, is one value."""
    assert mask(f"{method} {quote}/{path}{quote} => done") == f"{method} {quote}{WILDCARD}{quote} => done"
    # not after a word that only ends like a method, nor after a method glued to the path or in lowercase
    segment = re.sub(r"[^A-Za-z_]", "", path)
    for text in (f"FOR{method} /{segment} x", f"{method}/{segment} x", f"{method.lower()} /{segment} x"):
        assert mask(text) == text


SQL_STATEMENTS = st.sampled_from(
    [
        "SELECT * FROM {t} WHERE id = {n}",
        "SELECT {c}, {c} FROM {t} WHERE {c} = '{w}' ORDER BY {c} LIMIT {n}",
        "SELECT {n}",
        "INSERT INTO {t} ({c}, {c}) VALUES ('{w}', {n})",
        "UPDATE {t} SET {c} = '{w}' WHERE id = {n}",
        "DELETE FROM {t} WHERE {c} < now() - interval '{n} days'",
        "CREATE UNIQUE INDEX {c}_idx ON {t}({c});",
        "ALTER TABLE {t} ADD COLUMN {c} text",
        "DROP MATERIALIZED VIEW {t}",
        "WITH {t} AS (SELECT {c} FROM {t}) SELECT * FROM {t}",
    ]
)
SQL_NAMES = st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True)


@given(SQL_STATEMENTS, SQL_NAMES, SQL_NAMES, st.text(alphabet="abc xyz", max_size=8), st.integers(0, 10**6))
def test_an_sql_statement_is_one_value(shape: str, table: str, column: str, word: str, number: int) -> None:
    """PostgreSQL's `statement: …`, `duration: … statement: …`, an ORM's query, a query in a quoted field:
    whatever the statement, the line reads the same."""
    statement = shape.format(t=table, c=column, w=word, n=number)
    assert mask(f"duration: 1.5 ms  statement: {statement}") == "duration: <*>  statement: <*>"
    assert mask(f'slow query="{statement}" rows=3') == 'slow query="<*>" rows=<*>'


@given(
    st.sampled_from(["SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "WITH"]), SQL_NAMES
)
def test_an_sql_command_word_in_a_sentence_stays(command: str, word: str) -> None:
    """A command word that no statement's shape follows is a word of the message (`SELECT failed`)."""
    text = f"the {command} {word} failed"
    assert mask(text) == text


@pytest.mark.parametrize("host", ["WIN-SRV01", "DESKTOP-7KQ2", "SRV-DB", "EDGE", "FS-03"])
def test_the_host_a_syslog_header_names_after_its_date_is_no_time_zone(host: str) -> None:
    """A Windows host forwarded as syslog (`<14>Dec  4 22:37:33 DESKTOP-7KQ2 …`) is named in capitals: its first
    letters are no zone abbreviation of the date, whatever the host."""
    assert mask(f"Dec  4 22:37:33 {host} Service_Control_Manager[812]: started").split()[1] in (
        host,
        WILDCARD,
    )
    assert mask(f"<14>Dec 14 22:37:33 {host} sshd: x").split()[1] in (host, WILDCARD)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dec 14 22:37:33 UTC 2024 host x", "<*> host x"),
        ("Mon Dec 14 22:37:33 CEST 2024: x", "<*>: x"),
        ("Sat Jun 11 03:28:22 2005 x", "<*> x"),
        ("Dec 14 22:37:33 PST web x", "<*> web x"),
    ],
)
def test_a_zone_and_a_year_after_a_date_stay_part_of_it(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # CockroachDB marks what is data with redaction markers: a span of either shape is one value
        (
            "[T1,n7,s6,r5758/5:‹/Table/106{1-2}›] have been waiting",
            "[T<*>,n<*>,s<*>,<*>/<*>:<*>] have been waiting",
        ),
        (
            "[T1,n7,s6,r5758/5:‹/Table/180/1›] have been waiting",
            "[T<*>,n<*>,s<*>,<*>/<*>:<*>] have been waiting",
        ),
        # and so is a marked text of several words, whatever it says
        (
            "error reading from client: ‹read tcp 10.0.0.1:26257->10.0.0.2:5555: read: connection reset›",
            "error reading from client: <*>",
        ),
        # a marker never closed is a character like another
        ("pipe ‹ never closed", "pipe ‹ never closed"),
    ],
)
def test_text_its_writer_marked_as_data_is_one_value(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_wildcard_is_the_template_marker() -> None:
    assert WILDCARD == "<*>"


ADVERSARIAL: dict[str, Callable[[int], str]] = {
    "dotted labels": lambda n: "a." * n + "x",
    "dotted digits": lambda n: "1." * n + "x",
    "hyphenated words": lambda n: "a-" * n + "! 1",
    "hyphenated, digit at the end": lambda n: "x-" * n + "1",
    "labels and hyphens": lambda n: "a.b-" * (n // 2) + " 1",
    "local part without domain": lambda n: "a." * n + "@",
    "colons": lambda n: "a:" * n + "g",
    "path segments": lambda n: "/a" * n,
    "host name, then path segments": lambda n: "a.bc" + "/a" * (n // 2),
    "host names between slashes": lambda n: "a.bc/" * (n // 5),
    "dotted name with a digit": lambda n: "a1" + ".b" * (n // 2),
    "open list": lambda n: "(" + "1 " * n + "x",
    "open brackets": lambda n: "[1," * (2 * n // 3),
    "quotes": lambda n: "'a" * n,
    "open list of quoted values": lambda n: "['a', " * (n // 6) + "1",
    "lists in lists": lambda n: "['a', [" * (n // 7) + "1",
    "month names": lambda n: "Jan 1 " * (n // 3),
    "day, month, year": lambda n: "1/Jan/2" * (n // 7),
    "query strings": lambda n: "/a?" + "b&" * (n // 2) + " 1",
    "paths before queries": lambda n: "/a" * (n // 2) + "?",
    "underscored labels": lambda n: "_a." * (n // 3) + "1",
    "names before addresses": lambda n: "a/" * (n // 2) + "1.2.3.4",
    "hyphenated name before a slash": lambda n: "a-" * (n // 2) + "/1.2.3",
    "request paths without a version": lambda n: " /a" * (n // 3) + " HTTP/",
    "a long request path": lambda n: "GET /" + "a" * n + " HTTP/1.1",
    "methods before paths": lambda n: "GET /a " * (n // 7),
    "quantities before unit-like words": lambda n: "1 millisecondsx " * (n // 16),
    "selects without a from": lambda n: "SELECT a " * (n // 9),
    "updates without a set": lambda n: "UPDATE " + "a" * n,
    "windows folders with spaces, never closed": lambda n: "C:\\" + "a " * (n // 2) + "1",
    "windows drives": lambda n: "C:\\a" * (n // 4) + " 1",
    "backslashes": lambda n: "\\" * n + "1",
    "versions with long tags": lambda n: "1.2.3-" + "a." * (n // 2) + "_",
    "bracketed quantities never closed": lambda n: "[1," * (n // 3) + "000 ms",
    "lowercase columns without a from": lambda n: ": select " + "a, " * (n // 3) + "1",
    "lowercase statements without their shape": lambda n: ": select a" * (n // 10) + " 1",
    "redaction markers never closed": lambda n: "‹a " * (n // 3) + "1",
    "host lists never closed": lambda n: "a[1," * (n // 4),
    "quoted objects never closed": lambda n: "'{\"a " * (n // 5) + "1",
    "bracketed texts never closed": lambda n: '["a ' + "b " * (n // 2) + "1",
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_masking_is_linear_on_adversarial_input(name: str) -> None:
    # A regression guard, not a benchmark: quadratic patterns took minutes here (5.8 s at 20 kB).
    masked = assert_linear(lambda n: mask(ADVERSARIAL[name](n)), 100_000)
    assert not re.search(r"[0-9]", masked)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Slurm's and pdsh's compressed host lists: a name, then its numbers and ranges in brackets, one value as
        # a single host of the list is
        (
            "sched: Allocate JobId=4411 NodeList=node[01-04,07] #CPUs=32 Partition=batch",
            "sched: Allocate JobId=<*> NodeList=<*> #CPUs=<*> Partition=batch",
        ),
        ("error: Nodes cn[18-21,55] not responding", "error: Nodes <*> not responding"),
        ("error: Nodes gpu25 not responding", "error: Nodes <*> not responding"),
        # a JSON object passed in single quotes is the data, one value whatever its members
        (
            'MQTT publish: topic \'zigbee/Hall\', payload \'{"battery":97,"update":{"state":"idle"}}\'',
            "MQTT publish: topic 'zigbee/Hall', payload <*>",
        ),
        ("data '{\"onOff\":1}' from endpoint 2", "data <*> from endpoint <*>"),
        # the message of TiDB's unified log format, one quoted text of words alone in its brackets, keeps its words
        ('[INFO] ["connection event"] [conn=7]', '[INFO] ["connection event"] [conn=<*>]'),
    ],
)
def test_host_lists_quoted_json_and_bracketed_messages(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an index in brackets, a list of one number, a quoted word, quoted lists: as before
        ("args[0] was null", "args[<*>] was null"),
        ("payload 'OFF' sent", "payload 'OFF' sent"),
        ("columns ['id', 'name'] read", "columns <*> read"),
        ("columns ['id'] read", "columns <*> read"),
        ("texts ['a b', 'c'] read", "texts <*> read"),
        # a response body among an exception's arguments keeps the error that names the problem
        (
            'SlackApiError: (429, \'{"ok":false,"error":"rate_limited"}\')',
            'SlackApiError: (<*>, \'{"ok":<*>,"error":"rate_limited"}\')',
        ),
    ],
)
def test_look_alikes_of_host_lists_quoted_json_and_bracketed_messages_stay(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("number", ["2", "11", "407", "2107691"])
def test_a_name_with_its_number_before_another_number_masks_alike_whatever_the_numbers_length(
    number: str,
) -> None:
    # ESXi's vmkernel writes the CPU and the world before its module: `cpu2:2180994)ScsiDeviceIO:` and
    # `cpu11:2107691)ScsiDeviceIO:` are one statement's; so are a host with its port, `node7:8080` and
    # `node12:8080`, and a version, `v1.2` and `v10.2`: the name with its number, as one digit reads
    assert mask(f"cpu{number}:2107691)ScsiDeviceIO: 3449: failed") == "cpu<*>)ScsiDeviceIO: <*>: failed"
    assert mask(f"dial node{number}:8080 refused") == "dial node<*> refused"
    assert mask(f"client v{number}.2 connected") == "client v<*> connected"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name with a number of several digits and nothing after it is an id, as before
        ("error: Nodes gpu25 not responding", "error: Nodes <*> not responding"),
        ("package: Package_for_KB3121255~31bf3856ad364e35~amd64~~6.1.1.0", "package: <*>~<*>~<*>~~<*>"),
        ("link eth0 up", "link eth<*> up"),
        ("via ens192 from 10.0.0.1", "via <*> from <*>"),
        # letters after the number: as before
        ("worker 4569T7 done", "worker <*> done"),
    ],
)
def test_names_with_their_number_look_alikes(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize("thread", ["1860M", "4569T7", "7724X"])
def test_a_bracketed_header_of_values_with_units_glued_is_one_value(thread: str) -> None:
    # Pi-hole's FTL.log header: the date, the time and the process with its thread (`M`ain, `T7`, `X`) in
    # brackets; a thread masked whole and one whose letter stays as a glued unit read the same
    assert mask(f"[2026-12-02 19:31:28.974 {thread}] Imported 5 queries") == "[<*>] Imported <*> queries"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("timeout exceeded (30s) for pool", "timeout exceeded (<*>s) for pool"),  # one value keeps its unit
        ("took [5ms] then [abc 5X]", "took [<*>ms] then [abc <*>X]"),  # a word among the values: no list
        ("level [5 dB] x", "level [<*> dB] x"),  # a unit after a space is a word here
    ],
)
def test_bracketed_values_with_units_look_alikes(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a key's boolean in brackets, parentheses or quotes is its value, as a bare one is (Solr's `successful=
        # [true]` / `[false]`, a JSON-ish `"enabled":"false"`)
        (
            "Finished recovery process, successful=[false] msTimeTaken=5",
            "Finished recovery process, successful=[<*>] msTimeTaken=<*>",
        ),
        ('flags "enabled":"true" set', 'flags "enabled":"<*>" set'),
        ("open(readonly=(True))", "open(readonly=(<*>))"),
    ],
)
def test_a_keys_boolean_in_brackets_or_quotes_is_a_value(text: str, expected: str) -> None:
    assert mask(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("say [true] story", "say [true] story"),  # no key: a word
        ("is true", "is true"),
        ("mode=[trueish]", "mode=[trueish]"),
    ],
)
def test_a_boolean_without_a_key_stays_a_word(text: str, expected: str) -> None:
    assert mask(text) == expected

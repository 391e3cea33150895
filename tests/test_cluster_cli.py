from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loggardener.cli import app

runner = CliRunner()
USERS = ["admin", "oracle", "test", "webmaster", "guest"]
LINES = [
    "Invalid user admin from 10.0.0.1",  # its cluster only proves variable later in the stream
    "VM Started",
    *(f"Invalid user {user} from 10.0.0.{i}" for i, user in enumerate(USERS[1:])),
    "",
    "VM Paused",
    "VM Started",
    "Invalid user admin from 10.0.0.200",
]


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "app.log"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_table_lists_templates_most_frequent_first(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cluster", str(write(tmp_path, LINES))])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "│" in line]
    assert [row.split("│")[4].strip() for row in rows] == [
        "Invalid user <*> from <*>",
        "VM Started",
        "VM Paused",
    ]
    assert [row.split("│")[1].strip() for row in rows] == ["6", "2", "1"]
    assert "3 templates in 9 messages" in result.stdout
    assert "skipped 1 line (first: line 7, blank line)" in result.stderr


def test_assignments_are_in_input_order_with_final_templates(tmp_path: Path) -> None:
    out = tmp_path / "out" / "assignments.ndjson"
    result = runner.invoke(app, ["cluster", str(write(tmp_path, LINES)), "--assignments", str(out)])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == list(range(1, len(LINES) + 1))
    assert records[0]["template"] == "Invalid user <*> from <*>"
    assert records[0]["cluster"] == records[-1]["cluster"] != records[1]["cluster"]
    assert records[6] == {"line": 7, "cluster": None, "template": None, "skipped": "blank line"}
    assert {r["template"] for r in records} == {"Invalid user <*> from <*>", "VM Started", "VM Paused", None}


def test_dash_reads_standard_input() -> None:
    result = runner.invoke(app, ["cluster", "-", "--limit", "1"], input="\n".join(LINES))
    assert result.exit_code == 0, result.output
    assert "Invalid user <*> from <*>" in result.stdout
    assert "VM Paused" not in result.stdout
    assert "and 2 more templates" in result.stdout


def test_gcloud_export_clusters_entry_messages(tmp_path: Path) -> None:
    entries = [
        {"insertId": f"e{i}", "timestamp": "2026-01-01T00:00:00Z", "severity": "ERROR", "textPayload": text}
        for i, text in enumerate(
            [f"Invalid user {user} from 10.0.0.{n} with token=ghp_{'a' * 36}" for n, user in enumerate(USERS)]
        )
    ]
    entries.append(
        {"insertId": "j", "timestamp": "2026-01-01T00:00:01Z", "jsonPayload": {"message": "VM Paused"}}
    )
    path = tmp_path / "export.ndjson"
    path.write_text("\n".join(json.dumps(e) for e in entries) + "\n{not json\n", encoding="utf-8")
    out = tmp_path / "a.ndjson"
    result = runner.invoke(app, ["cluster", str(path), "--format", "gcloud", "--assignments", str(out)])
    assert result.exit_code == 0, result.output
    assert "ghp_" not in result.stdout and "ghp_" not in out.read_text(encoding="utf-8")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in records] == [1, 2, 3, 4, 5, 6, 7]
    assert len({r["cluster"] for r in records[:5]}) == 1
    assert records[5]["template"] == "VM Paused"
    assert records[6]["cluster"] is None and records[6]["skipped"]
    assert "skipped 1 entry (first: entry 7," in result.stderr, (
        "an export's items are entries, as its error says"
    )


@pytest.mark.parametrize("indent", [None, 2])
def test_an_export_clustered_as_text_says_format_gcloud_reads_it(tmp_path: Path, indent: int | None) -> None:
    entries = [
        {"insertId": f"e{i}", "logName": "projects/p/logs/app", "timestamp": "2026-01-01T00:00:00Z",
         "textPayload": f"job {i} failed"}
        for i in range(3)
    ]  # fmt: skip
    path = tmp_path / "export.json"
    text = json.dumps(entries, indent=indent) if indent else "\n".join(json.dumps(e) for e in entries)
    path.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(path)], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert (
        "looks like a Cloud Logging export: --format gcloud clusters its entries' messages" in result.stderr
    )
    read = runner.invoke(app, ["cluster", str(path), "--format", "gcloud"], env={"COLUMNS": "300"})
    assert "job <*> failed" in read.stdout and "looks like" not in read.stderr
    upper = runner.invoke(app, ["cluster", str(path), "--format", "GCloud"], env={"COLUMNS": "300"})
    assert upper.stdout == read.stdout, "a choice is taken in any case, as scan's --min-severity is"
    log = tmp_path / "app.log"
    log.write_text('request done {"status": 200, "logName": "x"}\n' * 3, encoding="utf-8")
    assert "looks like" not in runner.invoke(app, ["cluster", str(log)]).stderr, "a field of a text log's own"


def test_one_template_of_one_message_is_said_in_the_singular(tmp_path: Path) -> None:
    path = tmp_path / "one.log"
    path.write_text("VM Started\n", encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 template in 1 message from" in result.stdout


def test_missing_file_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cluster", str(tmp_path / "nope.log")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.log'}: no such file"


def test_unwritable_assignments_is_exit_code_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["cluster", str(write(tmp_path, LINES)), "--assignments", str(blocker / "a.ndjson")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot write assignments")


def test_not_an_export_is_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["cluster", str(write(tmp_path, LINES)), "--format", "gcloud"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1


def test_gzip_text_log_is_decompressed(tmp_path: Path) -> None:
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(("\n".join(LINES) + "\n").encode("utf-8")))
    result = runner.invoke(app, ["cluster", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 templates in 9 messages" in result.stdout
    piped = runner.invoke(app, ["cluster", "-"], input=path.read_bytes())
    assert piped.exit_code == 0, piped.output
    assert "3 templates in 9 messages" in piped.stdout


def test_truncated_gzip_keeps_the_lines_before_and_counts_the_break(tmp_path: Path) -> None:
    path = tmp_path / "app.log.gz"
    path.write_bytes(
        gzip.compress(("\n".join([line for line in LINES if line] * 50) + "\n").encode("utf-8"))[:-30]
    )
    result = runner.invoke(app, ["cluster", str(path)])
    assert result.exit_code == 0, result.output
    assert "VM Paused" in result.stdout
    assert "truncated or corrupt gzip after line" in result.stderr


def test_export_of_only_malformed_entries_is_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "export.ndjson"
    path.write_text('{"insertId": "a"\n{not json\n{"insertId": [1]\n', encoding="utf-8")
    result = runner.invoke(app, ["cluster", str(path), "--format", "gcloud"])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(
        f"error: nothing to cluster: all 3 entries of {path} were skipped (first: entry 1"
    )
    assert len(result.stderr.strip().splitlines()) == 1


def test_assignments_never_write_through_a_planted_symlink(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("user 1 logged in\nuser 2 logged in\n", encoding="utf-8")
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "a.ndjson").symlink_to(victim)
    result = CliRunner().invoke(app, ["cluster", str(log), "--assignments", str(tmp_path / "a.ndjson")])
    assert result.exit_code == 2
    assert "symbolic link" in result.stderr
    assert victim.read_text(encoding="utf-8") == "precious"


def test_a_utf16_log_is_read_as_text(tmp_path: Path) -> None:
    """PowerShell's `>` writes UTF-16 with a byte-order mark; gzip keeps it."""
    path = tmp_path / "app.log"
    path.write_bytes(("\n".join(LINES) + "\n").encode("utf-16"))
    gzipped = tmp_path / "app.log.gz"
    gzipped.write_bytes(gzip.compress(path.read_bytes()))
    for log in (path, gzipped):
        result = runner.invoke(app, ["cluster", str(log)])
        assert result.exit_code == 0, result.output
        assert "3 templates in 9 messages" in result.stdout
        assert "VM Paused" in result.stdout


def test_a_utf32_log_is_read_as_text(tmp_path: Path) -> None:
    """`Out-File -Encoding utf32`: its little-endian mark starts as UTF-16's, and the log was refused as binary."""
    for encoding in ("utf-32", "utf-32-be"):
        path = tmp_path / f"{encoding}.log"
        path.write_bytes(("\n".join(LINES) + "\n").encode(encoding))
        result = runner.invoke(app, ["cluster", str(path)])
        assert result.exit_code == 0, result.output
        assert "3 templates in 9 messages" in result.stdout


def test_the_nul_bytes_a_crash_leaves_at_a_logs_end_are_skipped_not_a_template(tmp_path: Path) -> None:
    """A log whose end a crash left unwritten reads as a run of NUL bytes: that was a template of NULs, printed
    raw to the terminal; it is a line skipped and said so, and NULs inside a line are dropped from it."""
    path = tmp_path / "app.log"
    text = "".join(f"{line}\n" for line in LINES if line)
    path.write_bytes(text.encode() * 40 + b"VM\0\0 Stopped\n" + b"\0" * 4096)
    result = runner.invoke(app, ["cluster", str(path), "--assignments", str(tmp_path / "a.ndjson")])
    assert result.exit_code == 0, result.output
    assert "\0" not in result.stdout and "VM Stopped" in result.stdout
    assert (
        "skipped 1 line (first: line 362, NUL bytes only (a log's end a crash left unwritten?))"
        in result.stderr
    )
    assert "\\u0000" not in (tmp_path / "a.ndjson").read_text(encoding="utf-8")


def test_an_empty_log_is_exit_code_2_not_an_all_clear(tmp_path: Path) -> None:
    for text, said in (("", "is empty"), ("\n \n", "all 2 lines of")):
        path = tmp_path / "app.log"
        path.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["cluster", str(path)])
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith("error: nothing to cluster:") and said in result.stderr
    piped = runner.invoke(app, ["cluster", "-"], input="")
    assert piped.exit_code == 2 and "standard input is empty" in piped.stderr


def test_assignments_on_the_log_itself_are_refused(tmp_path: Path) -> None:
    log = write(tmp_path, LINES)
    original = log.read_bytes()
    result = runner.invoke(app, ["cluster", str(log), "--assignments", str(tmp_path / "." / log.name)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --assignments") and "is the log being clustered" in result.stderr
    assert log.read_bytes() == original


def test_a_megabyte_line_is_cut_in_the_table_and_whole_in_the_assignments(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    path.write_text("q" * 1_000_000 + "\nshort message 1\n", encoding="utf-8")
    out = tmp_path / "a.ndjson"
    result = runner.invoke(app, ["cluster", str(path), "--assignments", str(out)], terminal_width=100)
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.replace("│", " ").split())
    assert len(result.stdout) < 20_000 and "1,000,000 characters; --assignments has it whole" in flat
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert len(first["template"]) == 1_000_000


def test_bytes_not_utf8_are_said_and_another_compression_is_named(tmp_path: Path) -> None:
    import bz2

    latin = tmp_path / "w.log"
    latin.write_bytes("café down 1\ncafé down 2\n".encode("cp1252"))
    result = runner.invoke(app, ["cluster", str(latin)])
    flat = " ".join(result.stderr.split())
    assert result.exit_code == 0 and "2 bytes of" in flat and "are not UTF-8" in flat
    packed = tmp_path / "w.log.bz2"
    packed.write_bytes(bz2.compress(b"down 1\ndown 2\n"))
    result = runner.invoke(app, ["cluster", str(packed)])
    assert result.exit_code == 2 and "is compressed with bzip2" in result.stderr
    twice = tmp_path / "w.log.gz"
    twice.write_bytes(gzip.compress(gzip.compress(b"down 1\ndown 2\n")))
    result = runner.invoke(app, ["cluster", str(twice)])
    assert result.exit_code == 2 and "is compressed with gzip twice" in result.stderr


def test_a_tar_archive_is_named_not_clustered_as_text(tmp_path: Path) -> None:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("worker.log")
        info.size = 12
        archive.addfile(info, io.BytesIO(b"queue stuck\n"))
    packed = tmp_path / "logs.tgz"
    packed.write_bytes(buffer.getvalue())
    result = runner.invoke(app, ["cluster", str(packed)])
    assert result.exit_code == 2 and "is a tar archive" in result.stderr


def test_a_text_log_is_redacted_before_the_miner_masks_part_of_a_secret(tmp_path: Path) -> None:
    """Masked first, `password=Tango42xyz!MarbleCanyon` became `password=<*>!MarbleCanyon`, whose tail no
    rule reads as a secret, and reached the table and the assignments."""
    log = tmp_path / "auth.log"
    log.write_text(
        "sign-in refused password=Tango42xyz!MarbleCanyonRiver for user kim\n"
        "sign-in refused pwd=lab77!QuietHarbourLights for user ola\n",
        encoding="utf-8",
    )
    out = tmp_path / "assignments.ndjson"
    result = runner.invoke(app, ["cluster", str(log), "--assignments", str(out)])
    assert result.exit_code == 0
    written = out.read_text(encoding="utf-8") + result.stdout
    for secret in ("MarbleCanyonRiver", "QuietHarbourLights", "Tango42xyz", "lab77"):
        assert secret not in written
    assert "[REDACTED:password]" in written


def _binary_files() -> dict[str, bytes]:
    """The starts of binary files a user may give by mistake, built here: an executable, an image, a
    database, a PDF's compressed stream (bytes of every value), a core dump (mostly NUL)."""
    spread = bytes((i * 167 + 13) % 256 for i in range(8192))  # every byte value, in no text's order
    return {
        "ELF executable": b"\x7fELF\x02\x01\x01"
        + bytes(9)
        + b"\x03\x00>\x00\x01"
        + bytes(40)
        + spread[:3000],
        "PNG image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x04\x00\x00\x00\x03\x00\x08\x06" + spread,
        "SQLite database": b"SQLite format 3\x00\x10\x00\x01\x01\x00@  " + bytes(4000) + spread[:2000],
        "PDF": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Filter /FlateDecode /Length 8000 >>\nstream\n"
        + spread,
        "core dump": bytes(6000) + b"\x01\x02GNU\x00" + bytes(2000),
    }


@pytest.mark.parametrize("kind", list(_binary_files()))
def test_a_binary_file_is_one_line_not_clustered_as_text(tmp_path: Path, kind: str) -> None:
    """A program, an image, a database given for a log (a wrong tab completion): one line, exit code 2, not a
    table of templates made of its bytes (it was clustered, exit code 0)."""
    path = tmp_path / "app"
    path.write_bytes(_binary_files()[kind])
    result = runner.invoke(app, ["cluster", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        f"error: {path} is not a text log: its first bytes are mostly NUL, control or undecodable bytes (a "
        "program, an image, a database?); give a log of one message per line, as text or gzip"
    )


@pytest.mark.parametrize(
    "content",
    [
        "Zahlung für Müller fehlgeschlagen: Konto gesperrt\n".encode("cp1252") * 40,
        b"\x1b[31mERROR\x1b[0m \x1b[2m[db]\x1b[0m pool exhausted after 30s\n" * 40,
        b"worker 7 crashed\n" * 40 + b"\x00" * 120 + b"worker 8 crashed\n" * 40,
        "сбой оплаты: таймаут шлюза\n".encode("utf-16") * 40,
    ],
    ids=["Windows-1252", "ANSI colours", "a NUL run inside", "UTF-16 Cyrillic"],
)
def test_text_logs_with_accents_colours_or_a_few_nul_bytes_are_still_clustered(
    tmp_path: Path, content: bytes
) -> None:
    """Look-alikes: a log in another encoding, with ANSI colours, or with a run of NUL bytes a crash left
    inside it, is text."""
    path = tmp_path / "app.log"
    path.write_bytes(content)
    result = runner.invoke(app, ["cluster", str(path)])
    assert result.exit_code == 0, result.output

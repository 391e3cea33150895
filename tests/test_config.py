from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from loggardener.config import GardenerConfig, load_config
from loggardener.errors import ExitCode, GardenerError

EXAMPLE = Path(__file__).parents[1] / "docs" / "gardener.example.toml"


def test_the_documented_example_config_is_valid() -> None:
    config = load_config(EXAMPLE)
    assert config.priorities.rules[0].name == "payments"
    assert config.entries.in_app_prefixes == ["/app/"]


def test_defaults_without_any_file(tmp_path: Path) -> None:
    assert load_config(search_dir=tmp_path) == GardenerConfig()


def test_pyproject_tool_gardener_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.gardener]\nmin_severity = "ERROR"\n', encoding="utf-8")
    assert load_config(search_dir=tmp_path).min_severity == "ERROR"


def test_gardener_toml_wins_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.gardener]\nmin_severity = "ERROR"\n', encoding="utf-8")
    (tmp_path / "gardener.toml").write_text('min_severity = "CRITICAL"\n', encoding="utf-8")
    assert load_config(search_dir=tmp_path).min_severity == "CRITICAL"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("min_severity = 3 = 4\n", "is not valid TOML"),
        # tomllib gives a line and column but not the key: the key that line sets, and its table, are named
        (
            'min_severity = "ERROR"\nmin_severity = "INFO"\n',
            "(at line 2, column 22): `min_severity` is given twice, or as a value and as a table; keep one",
        ),
        (
            '[issues]\nthreshold = "P1"\ntype_label = "x"\nthreshold = "P2"\n',
            "`threshold` in [issues] is given twice",
        ),
        ("[clustering]\nentries.workers = 2\nentries = 3\n", "`entries` in [clustering] is given twice"),
        ("[state]\nx = 1\n[state.x]\n", "the table [state.x] is given twice, or as a value and as a table"),
        ("[entries]\nworkers = 1 2\n", "(at line 2, column 13), at `workers` in [entries]"),
        # a table's header inside a multi-line string is text, not the table the key is in
        ('[entries]\nnote = """\n[fake]\n"""\nworkers = 1 2\n', "at `workers` in [entries]"),
        ('min_severity = "LOUD"\n', "key 'min_severity'"),
        ("[clustering]\nsamples_per_cluster = 0\n", "key 'clustering.samples_per_cluster'"),
        (
            "[entries]\nreassembly_gap_seconds = inf\n",
            "key 'entries.reassembly_gap_seconds': Input should be a finite",
        ),
        ("[state]\nforget_after_days = 1e300\n", "key 'state.forget_after_days'"),
        ("[issues]\ncomment_window_hours = 1000000000000000000\n", "key 'issues.comment_window_hours'"),
        ("[issues]\nmax_rate_limit_wait = inf\n", "key 'issues.max_rate_limit_wait'"),
        ("[redaction]\nextra_patterns = ['(']\n", "invalid regular expression"),
        ("[redaction]\nextra_patterns = ['(?<=token )\\w+']\n", "redaction patterns are RE2 syntax"),
        ("[redaction]\nextra_patterns = ['(a)\\1']\n", "no lookaround or backreferences"),
        ("[redaction]\nextra_patterns = ['x*']\n", "'x*' matches empty text"),
        ("[redaction]\nextra_patterns = ['^']\n", "'^' matches empty text"),
        ('[[priorities.rules]]\nname = "x"\npriority = "P9"\nreason = "r"\n', "priorities.rules.0.priority"),
        ("typo = 1\n", "unknown key 'typo'"),
        (
            "x = " + "[" * 50_000 + "]" * 50_000 + "\n",
            "is not valid TOML: arrays or tables nested too deeply",
        ),
        (
            "[clustering]\nbucket_minutes = " + "9" * 5000 + "\n",
            "is not valid TOML: a number of 5,000 digits (at most 4,300 are read)",
        ),
        ('[issues]\ngenerated_by_label = ""\n', "key 'issues.generated_by_label': is empty"),
        ('[issues]\ntype_label = "needs,triage"\n', "key 'issues.type_label': 'needs,triage' holds a comma"),
        ('[issues]\ntype_label = "' + "t" * 51 + '"\n', "is 51 characters; GitHub labels hold at most 50"),
        (
            '[issues.areas]\napi = " backend"\n',
            "key 'issues.areas.api': ' backend' starts or ends with a space",
        ),
        ('[issues]\ntitle_template = "  "\n', "key 'issues.title_template': is empty"),
        ('{"min_severity": "ERROR"}\n', "it looks like JSON, and the configuration is TOML"),
        # a value of the wrong TOML type is refused, not converted
        (
            '[redaction]\nemails = "no"\n',
            "key 'redaction.emails': Input should be a valid boolean, got str 'no'",
        ),
        ("[priorities]\nuse_default_rules = 0\n", "key 'priorities.use_default_rules'"),
        ('[entries]\nreassembly_gap_seconds = "2.5"\n', "key 'entries.reassembly_gap_seconds'"),
        ('[log_analytics]\nmax_rows = "500"\n', "got str '500'"),
        ("[issues]\nreopen_regressions = 1\n", "got int 1"),
        ("project = 42\n", "key 'project': Input should be a valid string, got int 42"),
        # names a scan uses later are checked when the file is read, as the key, not as an option
        ('project = "my project"\n', "key 'project': the project id 'my project' holds a space"),
        ('[log_analytics]\ndataset = "logs"\n', "key 'log_analytics.dataset': give the linked dataset as"),
        ('[log_analytics]\ndataset = "my-proj:logs"\n', "bq's PROJECT:DATASET is written PROJECT.DATASET"),
        ('[log_analytics]\ndataset = "p.logs"\n', "key 'log_analytics.dataset': 'p' is no project id"),
        ('[log_analytics]\ndataset = "my-proj.logs._AllLogs"\n', "names a view of the dataset my-proj.logs"),
        ('[log_analytics]\ndataset = "my-proj.app-logs"\n', "'app-logs' is no dataset name"),
        ('[log_analytics]\nview = "all logs"\n', "key 'log_analytics.view': 'all logs' is not a log view's"),
        # a section given a value is told how a table is written, not the name of a class of ours
        (
            "entries = 5\n",
            "key 'entries': got int 5 where a table of keys goes: write [entries] with its keys",
        ),
        ("[priorities]\nrules = [1]\n", "got int 1 where a table of keys goes: write [[priorities.rules]]"),
    ],
)
def test_bad_config_is_a_clear_error_naming_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert expected in caught.value.message


def test_a_table_header_inside_a_multi_line_string_is_no_table(tmp_path: Path) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text("note = '''\n[fake]\n'''\nworkers = 1 2\n", encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(path)
    assert caught.value.message.endswith("(at line 4, column 13), at `workers`")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('[isues]\nthreshold = "P1"\n', "unknown key 'isues' (did you mean 'issues'?)"),
        ('[issues]\ntreshold = "P1"\n', "unknown key 'issues.treshold' (did you mean 'issues.threshold'?)"),
        (
            "[retries]\ndeadline_secs = 30\n",
            "unknown key 'retries.deadline_secs' (did you mean 'retries.deadline_seconds'?)",
        ),
        (
            'threshold = "P1"\n',
            "unknown key 'threshold' (it belongs in the [issues] table: issues.threshold)",
        ),
        (
            "[state]\nlock_timeout = 5\n",
            "unknown key 'state.lock_timeout' (did you mean 'state.lock_timeout_seconds'?)",
        ),
        # a key written in another table than its own names the table it belongs in
        (
            '[issues]\nthreshold = "P1"\nlock_timeout_seconds = 5\n',
            "unknown key 'issues.lock_timeout_seconds' (it belongs in the [state] table: "
            "state.lock_timeout_seconds)",
        ),
        (
            "[retries]\nmax_query_seconds = 60\n",
            "unknown key 'retries.max_query_seconds' (it belongs in the [log_analytics] table: "
            "log_analytics.max_query_seconds)",
        ),
        (
            '[entries]\nmin_severity = "ERROR"\n',
            "unknown key 'entries.min_severity' (it belongs at the top level, before any table: min_severity)",
        ),
        # nothing close: no guess
        ("typo = 1\n", "unknown key 'typo'; see the README's Configuration section for the keys"),
        ("[issues]\ncolour = 1\n", "unknown key 'issues.colour'; see the README's Configuration section"),
    ],
)
def test_an_unknown_key_names_the_known_one_it_looks_like(tmp_path: Path, text: str, said: str) -> None:
    """A typo in a table or key name, or a key written outside its table, says which known key was meant; a
    key like no other is named alone, as before."""
    path = tmp_path / "gardener.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert said in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        'project = " my-project "\n',  # spaces around an id are dropped, as for --project
        '[log_analytics]\ndataset = "example.com:shop.app_logs"\nview = "_Default.errors:v-1"\n',
        # the log view's resource name, as `gcloud logging views describe` prints it
        '[log_analytics]\nview = "projects/shop-prod/locations/global/buckets/app/views/errors"\n',
    ],
)
def test_names_of_the_shape_a_scan_takes_are_read(tmp_path: Path, text: str) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(text, encoding="utf-8")
    load_config(path)


@pytest.mark.parametrize(
    "dataset",
    ["bigquery.googleapis.com/projects/my-project/datasets/app_logs", "`my-project.app_logs`"],
)
def test_a_dataset_written_as_the_links_resource_or_quoted_is_kept_as_project_dataset(
    tmp_path: Path, dataset: str
) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(f'[log_analytics]\ndataset = "{dataset}"\n', encoding="utf-8")
    assert load_config(path).log_analytics.dataset == "my-project.app_logs"


def test_priority_and_severity_names_are_read_in_any_case_as_the_command_line_takes_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(
        'min_severity = "error"\n[issues]\nthreshold = "p1"\n'
        '[[priorities.rules]]\nname = "quiet"\npriority = "p3"\nreason = "r"\nmin_severity = "Warning"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert (config.min_severity, config.issues.threshold) == ("ERROR", "P1")
    rule = next(rule for rule in config.priorities.rules if rule.name == "quiet")
    assert (rule.priority, rule.min_severity) == ("P3", "WARNING")


def test_a_name_that_is_no_priority_in_any_case_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text('[issues]\nthreshold = "p5"\n', encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert "key 'issues.threshold'" in caught.value.message


def test_a_tool_gardener_that_is_no_table_is_told_how_to_write_one(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool]\ngardener = 5\n", encoding="utf-8")
    with pytest.raises(GardenerError) as caught:
        load_config(path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert caught.value.message.endswith(
        "got int 5 where a table of keys goes: write [tool.gardener] with its keys under it"
    )
    assert "GardenerConfig" not in caught.value.message


def test_an_integer_where_a_number_of_seconds_goes_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text("[entries]\nreassembly_gap_seconds = 2\n", encoding="utf-8")
    assert load_config(path).entries.reassembly_gap_seconds == 2


def test_a_pyproject_whose_tool_is_not_a_table_has_no_gardener_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('tool = "poetry"\n', encoding="utf-8")
    assert load_config(search_dir=tmp_path) == GardenerConfig()


def test_an_empty_type_label_is_none() -> None:
    assert GardenerConfig.model_validate({"issues": {"type_label": ""}}).issues.type_label == ""


@pytest.mark.parametrize("data", [None, b"\xff\xfe[\x00"])
def test_a_config_path_that_is_a_directory_or_not_utf8_is_one_plain_line(
    tmp_path: Path, data: bytes | None
) -> None:
    path = tmp_path / "conf"
    if data is None:
        path.mkdir()
    else:
        path.write_bytes(data)
    with pytest.raises(GardenerError) as caught:
        load_config(path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert "Errno" not in caught.value.message and "can't decode" not in caught.value.message
    assert ("is a directory" if data is None else "is not UTF-8 text") in caught.value.message


def test_missing_config_file_is_exit_3(tmp_path: Path) -> None:
    with pytest.raises(GardenerError) as caught:
        load_config(tmp_path / "absent.toml")
    assert caught.value.exit_code == ExitCode.BAD_CONFIG


def test_a_config_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """Windows editors save UTF-8 with a BOM; TOML itself has none, so it read as 'invalid statement'."""
    path = tmp_path / "gardener.toml"
    path.write_bytes(b'\xef\xbb\xbf[issues]\r\nthreshold = "P1"\r\n')
    assert load_config(path).issues.threshold == "P1"


def test_a_directory_where_the_config_is_looked_for_is_said_not_skipped(tmp_path: Path) -> None:
    """The defaults were used in silence: the user's settings (redaction patterns among them) not applied."""
    name = "gardener.toml"
    (tmp_path / name).mkdir()
    with pytest.raises(GardenerError) as caught:
        load_config(search_dir=tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert f"config file {tmp_path / name} is a directory" in caught.value.message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[issues]\nseconds_between_writes = 1e12\n", "issues.seconds_between_writes"),  # milliseconds meant
        ("[issues]\nseconds_between_writes = 61\n", "issues.seconds_between_writes"),
        ("[issues]\nmax_rate_limit_wait = 1e300\n", "issues.max_rate_limit_wait"),
        ("[state]\nlock_timeout_seconds = 1e300\n", "state.lock_timeout_seconds"),
    ],
)
def test_a_wait_longer_than_the_platform_clock_can_time_is_a_config_error_naming_its_key(
    tmp_path: Path, text: str, key: str
) -> None:
    """A wait is a sleep or a lock timeout, which the platform refuses past its clock's range (an internal
    OverflowError after the scan, mid-publishing); a wait of days between writes would hang the hourly job."""
    path = tmp_path / "gardener.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GardenerError) as error:
        load_config(path)
    assert f"key '{key}'" in error.value.message and "less than or equal" in error.value.message
    assert error.value.exit_code == ExitCode.BAD_CONFIG


def test_the_longest_waits_allowed_are_read(tmp_path: Path) -> None:
    path = tmp_path / "gardener.toml"
    path.write_text(
        "[issues]\nseconds_between_writes = 60\nmax_rate_limit_wait = 86400\n[state]\nlock_timeout_seconds = 86400\n",
        encoding="utf-8",
    )
    config = load_config(path)
    assert (config.issues.seconds_between_writes, config.issues.max_rate_limit_wait) == (60, 86400)
    assert config.state.lock_timeout_seconds == 86400


@pytest.mark.parametrize("name", ["gardener.toml", "pyproject.toml"])
@pytest.mark.parametrize("target", ["moved/gardener.toml", "self"], ids=["dangling", "loop"])
def test_a_config_link_to_nothing_where_one_is_looked_for_is_said_not_skipped(
    tmp_path: Path, name: str, target: str
) -> None:
    """A symbolic link to a config that moved (or to itself) is a mistake to tell, not a run on defaults."""
    (tmp_path / name).symlink_to(name if target == "self" else target)
    with pytest.raises(GardenerError) as caught:
        load_config(search_dir=tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert name in str(caught.value)
    assert ("does not exist" in str(caught.value)) == (target != "self")


def test_a_config_project_in_the_resource_names_form_names_the_key_and_the_id(tmp_path: Path) -> None:
    (tmp_path / "gardener.toml").write_text('project = "projects/billing-prod"\n')
    with pytest.raises(GardenerError) as caught:
        load_config(search_dir=tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert "key 'project'" in str(caught.value)
    assert "give the id alone, billing-prod" in str(caught.value)


@pytest.mark.parametrize("value", ['""', '"   "'])
def test_an_empty_config_project_is_a_config_error_not_an_internal_one(tmp_path: Path, value: str) -> None:
    """`project = ""` (a template's value never filled in) named no character to refuse: the check stopped on
    StopIteration, an internal error (exit code 1)."""
    (tmp_path / "gardener.toml").write_text(f"project = {value}\n")
    with pytest.raises(GardenerError) as caught:
        load_config(search_dir=tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert "key 'project': the project id is empty" in str(caught.value)


def test_a_config_named_pipe_nobody_writes_is_given_up_as_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--config` naming a named pipe no process writes held the run in open() forever; it is waited for
    PIPE_WAIT_SECONDS, as a credentials file's pipe is."""
    from loggardener import files

    monkeypatch.setattr(files, "PIPE_WAIT_SECONDS", 0.05)
    fifo = tmp_path / "gardener.toml"
    os.mkfifo(fifo)
    with pytest.raises(GardenerError) as caught:
        load_config(fifo)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert caught.value.message.startswith(f"config file {fifo} is a pipe nothing wrote to within 0 s")


def test_a_gardener_toml_in_the_directory_that_is_a_named_pipe_is_read_not_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gardener.toml looked for in the current directory, a named pipe: skipped silently for the defaults
    before (a wrong value it sent never said); now read as --config reads one, and one nothing writes to is said."""
    from loggardener import files

    fifo = tmp_path / "gardener.toml"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(b'[issues]\nthreshold = "P0"\n')

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert load_config(search_dir=tmp_path).issues.threshold == "P0"
    writer.join(5)
    monkeypatch.setattr(files, "PIPE_WAIT_SECONDS", 0.05)
    with pytest.raises(GardenerError) as caught:
        load_config(search_dir=tmp_path)
    assert caught.value.exit_code == ExitCode.BAD_CONFIG
    assert caught.value.message.startswith(f"config file {fifo} is a pipe nothing wrote to within 0 s")


def test_a_config_through_a_pipe_and_one_with_old_mac_line_ends_are_read(tmp_path: Path) -> None:
    """Look-alikes that must not change: a pipe that is written (`--config <(…)`) is read once, and bare CR
    line ends read as text mode reads them."""
    fifo = tmp_path / "piped.toml"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as pipe:  # waits for the reader, as `<(printf …)` does
            pipe.write(b"[clustering]\nsamples_per_cluster = 2\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    assert load_config(fifo).clustering.samples_per_cluster == 2
    writer.join(5)
    old_mac = tmp_path / "mac.toml"
    old_mac.write_bytes(b'[issues]\rthreshold = "P1"\r')
    assert load_config(old_mac).issues.threshold == "P1"


def test_a_deleted_working_directory_holds_no_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shell left in a directory removed since: nothing is in it, so the defaults apply (was FileNotFoundError
    from Path.cwd(), an internal error)."""
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert load_config() == GardenerConfig()


def test_a_working_directory_that_cannot_be_searched_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A directory whose mode lets this user look up nothing in it (`sudo -u svc gardener …` run from /root):
    whether it holds a gardener.toml cannot be known, so the run stops saying so (exit 2) instead of an
    internal error (PermissionError from the search) or a scan on the defaults that may not be the user's."""
    monkeypatch.chdir(tmp_path)
    real_stat = os.stat

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).startswith(str(tmp_path)):  # as stat(2) answers for a directory without the x bit
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", stat)
    with pytest.raises(GardenerError) as caught:
        load_config()
    assert caught.value.exit_code == ExitCode.BAD_INPUT
    assert caught.value.message == (
        f"cannot look for gardener.toml in the current directory {tmp_path}: permission denied; cd to a "
        "directory you can read, or give --config"
    )

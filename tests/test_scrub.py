"""What gardener says about a setting or a service's answer is scrubbed before it leaves (`errors.scrub`): its
errors, warnings, progress and notes, the worklog's issue actions, the drafts' script. Planted values stand for
credentials a user put where a path, an id or a repository goes, or that a service echoed back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from github import GithubException
from typer.testing import CliRunner

from loggardener.cli import app
from loggardener.errors import GardenerError, project_id_mistake, remember_secret, scrub
from loggardener.publishing.github import describe
from loggardener.publishing.interface import check_repo

runner = CliRunner()

TOKEN = "ghp_Pl4ntedTokenAa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8"
KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCPl4ntedKeyBody"
SERVICE_ACCOUNT = json.dumps(
    {
        "type": "service_account",
        "project_id": "p",
        "private_key": f"-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----\n",
        "client_email": "x@p.iam.gserviceaccount.com",
        "token_uri": "http://127.0.0.1:9/token",
    }
)
_CLEAN = (
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_PROJECT",
    "GH_TOKEN",
    "GITHUB_TOKEN",
    "GITHUB_REPOSITORY",
)

WALK = [
    # (case, arguments after `scan`, environment, planted value)
    ("key JSON as the credentials path", ["--project", "p", "--hours", "1"], {"GOOGLE_APPLICATION_CREDENTIALS": SERVICE_ACCOUNT}, KEY_BODY),
    ("token as the credentials path", ["--project", "p", "--hours", "1"], {"GOOGLE_APPLICATION_CREDENTIALS": TOKEN}, TOKEN),
    ("token as the project", ["--project", TOKEN, "--hours", "1"], {}, TOKEN),
    ("token as the project, from the environment", ["--hours", "1"], {"GOOGLE_CLOUD_PROJECT": TOKEN}, TOKEN),
    ("token beside the project", ["--project", f"my-proj {TOKEN}", "--hours", "1"], {}, TOKEN),
    ("token in the repository", ["--demo", "--issues", "draft", "--repo", f"o/{TOKEN}"], {}, TOKEN),
    ("token in GITHUB_REPOSITORY", ["--demo", "--issues", "publish"], {"GH_TOKEN": "x", "GITHUB_REPOSITORY": TOKEN}, TOKEN),
    ("token in the config's URL", ["--demo", "--config", f"https://u:{TOKEN}@example.com/g.toml"], {}, TOKEN),
    ("token in the state's URL", ["--demo", "--state", f"https://u:{TOKEN}@example.com/s.json"], {}, TOKEN),
    ("token as the CA bundle", ["--demo", "--issues", "publish", "--repo", "o/r"], {"GH_TOKEN": "x", "REQUESTS_CA_BUNDLE": TOKEN}, TOKEN),
]  # fmt: skip


@pytest.mark.parametrize(
    ("arguments", "environment", "planted"), [case[1:] for case in WALK], ids=[c[0] for c in WALK]
)
def test_a_credential_given_as_a_setting_reaches_no_output(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    arguments: list[str],
    environment: dict[str, str],
    planted: str,
) -> None:
    for name in _CLEAN:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    out = ["--out", str(tmp_path / "o")] + ([] if "--state" in arguments else ["--no-state"])
    result = runner.invoke(app, ["scan", *arguments, *out], env=environment)
    assert planted not in result.stdout and planted not in result.stderr
    written = [
        path for path in tmp_path.rglob("*") if path.is_file() and planted in path.read_text(errors="replace")
    ]
    assert written == []


def test_credentials_json_in_the_path_variable_is_described_and_named() -> None:
    result = runner.invoke(
        app,
        ["scan", "--project", "p", "--hours", "1"],
        env={"GOOGLE_APPLICATION_CREDENTIALS": SERVICE_ACCOUNT},
    )
    assert result.exit_code == 4
    assert (
        "GOOGLE_APPLICATION_CREDENTIALS holds JSON text, not a path: write the key to a file" in result.stderr
    )


def test_a_token_where_an_id_or_a_repository_goes_is_described_not_quoted() -> None:
    said = project_id_mistake(TOKEN)
    assert said is not None and TOKEN not in said and "holds a credential" in said
    with pytest.raises(GardenerError) as refused:
        check_repo(f"o/{TOKEN}", "GITHUB_REPOSITORY")
    assert TOKEN not in refused.value.message and refused.value.message.startswith(
        "GITHUB_REPOSITORY holds a credential"
    )


@pytest.mark.parametrize("value", ["my-project", "example.com:my-project", "123456789012", "P"])
def test_project_ids_and_repositories_are_kept(value: str) -> None:
    assert project_id_mistake(value) is None
    assert check_repo("acme/log-gardener.v2") == "acme/log-gardener.v2"


def test_a_remembered_secret_is_replaced_in_any_shape_a_service_echoes_it() -> None:
    secret = "Zq8-opaque.value_without/known~format"  # no format the redactor knows
    remember_secret(secret)
    answer = GithubException(
        401, {"message": f"Bad credentials: {secret}", "errors": [{"message": secret}]}, {}
    )
    said = describe(answer)
    assert secret not in said and said.startswith("GitHub answered 401: Bad credentials:")
    assert secret not in GardenerError(f"rejected ({secret})").message


def test_an_answer_quoting_a_credential_is_redacted_as_log_text_is() -> None:
    answer = GithubException(422, {"message": "Validation Failed", "errors": [{"field": "title", "message": f"token {TOKEN}"}]}, {})  # fmt: skip
    assert TOKEN not in describe(answer)
    assert TOKEN not in GardenerError(f"invalid_grant: Invalid grant: {TOKEN}").message


@pytest.mark.parametrize(
    "text",
    [
        "authorize the token for the organization at https://github.com/orgs/o/sso?authorization_request=AbC123, then rerun",
        "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a key file",
        "Worklog: o/GCP-LOG-GARDENER-WORKLOG-last-59-minutes-2026-11-21-17-39.md",
        "reading Cloud Logging, project my-project-123",
        "cannot reach GitHub at https://ghe.example.com/api/v3: connection refused",
    ],
)
def test_what_gardener_says_itself_is_kept(text: str) -> None:
    assert scrub(text) == text


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            f"retrying: Cloud Logging at http://127.0.0.1:9/{TOKEN}",
            "retrying: Cloud Logging at http://127.0.0.1:",
        ),
        (
            f"config file https://u:{TOKEN}@example.com/g.toml does not exist",
            "https://***@example.com/g.toml",
        ),
        (f"at https://h.example/p?x={TOKEN}&y=1", "&y=1"),
    ],
)
def test_a_credential_in_a_url_is_hidden_wherever_it_is(text: str, kept: str) -> None:
    assert TOKEN not in scrub(text) and kept in scrub(text)

from __future__ import annotations

from pathlib import Path

import pytest
from registry_contract.adopt.init import (
    EXAMPLE_SCHEMA,
    FIXTURES_ROOT,
    PLACEHOLDER_MARK,
    WORKFLOW_PATH,
    InitOptions,
    plan_files,
    render_config,
    write_files,
)
from registry_contract.doctor.checks import GATE_WORKFLOW

from registry_contract.config import Config, load_config
from registry_contract.errors import ConfigError, UsageError
from registry_contract.yamlio import load_yaml


def load_rendered(tmp_path: Path, options: InitOptions) -> Config:
    path = tmp_path / "registry-contract.yml"
    path.write_text(render_config(options))
    return load_config(path, environ={})


@pytest.mark.parametrize(
    ("options", "api", "url", "names"),
    [
        pytest.param(InitOptions(), "core", None, [EXAMPLE_SCHEMA], id="defaults"),
        pytest.param(
            InitOptions(api="confluent", url="https://sr.example.com", schemas=("a.B", "c-d")),
            "confluent",
            "https://sr.example.com",
            ["a.B", "c-d"],
            id="confluent-two-schemas",
        ),
        pytest.param(
            InitOptions(api="static", url="schemas#main", schemas=("1.0", "true", "null")),
            "static",
            "schemas#main",
            ["1.0", "true", "null"],
            id="values-that-yaml-would-retype-are-quoted",
        ),
    ],
)
def test_rendered_config_loads_with_load_config(
    tmp_path: Path, options: InitOptions, api: str, url: str | None, names: list[str]
) -> None:
    config = load_rendered(tmp_path, options)
    assert config.registry.api == api and config.registry.url == url
    assert list(config.schemas) == names
    for name in names:
        fixtures = config.schemas[name].fixtures
        assert fixtures == tmp_path / FIXTURES_ROOT / name
    assert config.tracks == ("v2", "v1")


def test_the_config_is_commented(tmp_path: Path) -> None:
    text = render_config(InitOptions(schemas=("a.B",)))
    assert text.count("#") > 10
    assert "# url: https://schemas.example.com" in text


def test_plan_has_config_one_example_per_schema_and_the_workflow() -> None:
    files = plan_files(InitOptions(schemas=("a.B", "c.D")))
    assert sorted(files) == sorted(
        [
            "registry-contract.yml",
            f"{FIXTURES_ROOT}/a.B/valid/example.yaml",
            f"{FIXTURES_ROOT}/c.D/valid/example.yaml",
            WORKFLOW_PATH,
        ]
    )
    example = files[f"{FIXTURES_ROOT}/a.B/valid/example.yaml"]
    assert (
        example.splitlines()[0]
        == f"# {PLACEHOLDER_MARK} (`registry-contract doctor` warns while this line is here)"
    )
    assert "a.B" in example and load_yaml(example) == {}
    workflow = load_yaml(files[WORKFLOW_PATH])
    job = workflow["jobs"]["contract"]
    assert job["uses"] == GATE_WORKFLOW
    assert workflow["permissions"] == {} and job["permissions"]["contents"] == "read"


@pytest.mark.parametrize("name", ["a/b", "..", "a b"])
def test_a_bad_schema_name_is_refused_before_anything_is_written(name: str) -> None:
    with pytest.raises(ConfigError, match=r"schema name .* is invalid"):
        plan_files(InitOptions(schemas=(name,)))


def test_write_refuses_to_overwrite_and_names_every_existing_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("mine")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "c.txt").write_text("mine too")
    files = {"a.txt": "new", "b/c.txt": "new", "d.txt": "new"}
    with pytest.raises(UsageError, match=r"a\.txt, b/c\.txt already exist .*nothing was written"):
        write_files(tmp_path, files, force=False)
    assert not (tmp_path / "d.txt").exists() and (tmp_path / "a.txt").read_text() == "mine"
    write_files(tmp_path, files, force=True)
    assert (tmp_path / "a.txt").read_text() == "new" and (tmp_path / "d.txt").read_text() == "new"

from __future__ import annotations

from pathlib import Path

import pytest
from registry_contract.doctor.checks import GATE_WORKFLOW

from registry_contract.cli import main
from registry_contract.config import find_config, load_config
from registry_contract.yamlio import load_yaml

GATE = GATE_WORKFLOW


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REGISTRY_URL", raising=False)
    return tmp_path


def test_init_writes_a_loadable_config_fixture_folders_and_the_workflow(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "init",
            "--api",
            "core",
            "--url",
            "https://sr.example.com",
            "--schema",
            "a.B",
            "--schema",
            "c.D",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    config = load_config(find_config(None, cwd=empty))
    assert config.registry.url == "https://sr.example.com" and list(config.schemas) == [
        "a.B",
        "c.D",
    ]
    for name in ("a.B", "c.D"):
        example = empty / f"tests/contracts/fixtures/payloads/{name}/valid/example.yaml"
        assert load_yaml(example.read_text()) == {}
        assert config.schemas[name].fixtures == example.parent.parent
    workflow = load_yaml((empty / ".github/workflows/contract-gate.yml").read_text())
    assert workflow["jobs"]["contract"]["uses"] == GATE
    assert "wrote registry-contract.yml" in out and "registry-contract lock" in out


def test_init_never_overwrites_without_force(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--schema", "a.B"]) == 0
    (empty / "registry-contract.yml").write_text("# mine\n")
    capsys.readouterr()
    code = main(["init", "--schema", "a.B"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "registry-contract.yml" in err and "already exist" in err and "--force" in err
    assert (empty / "registry-contract.yml").read_text() == "# mine\n"
    assert main(["init", "--schema", "a.B", "--force"]) == 0
    assert "schemas:" in (empty / "registry-contract.yml").read_text()


def test_init_without_schemas_writes_a_placeholder_and_says_so(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    out = capsys.readouterr().out
    assert "rename the placeholder schema example.Event" in out
    assert "set registry.url" in out
    assert load_config(empty / "registry-contract.yml").registry.url is None


def test_init_refuses_a_config_path(empty: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--config", "other.yml"]) == 2
    assert "takes no --config" in capsys.readouterr().err
    assert not (empty / "registry-contract.yml").exists()


def test_init_refuses_a_bad_schema_name_with_exit_2(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", "--schema", "a/b"]) == 2
    assert "schema name 'a/b'" in capsys.readouterr().err
    assert list(empty.iterdir()) == []


@pytest.mark.e2e
def test_the_generated_workflow_passes_actionlint_and_zizmor(
    empty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess
    import sys

    assert main(["init", "--schema", "a.B"]) == 0
    bin_dir = Path(sys.executable).parent
    workflow = ".github/workflows/contract-gate.yml"
    config = Path(__file__).resolve().parents[2] / "zizmor.yml"
    for argv in (
        [bin_dir / "actionlint", "-shellcheck", bin_dir / "shellcheck", workflow],
        [bin_dir / "zizmor", "--offline", "--config", config, workflow],
    ):
        done = subprocess.run(
            [str(a) for a in argv], cwd=empty, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr

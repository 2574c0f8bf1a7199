from __future__ import annotations

import json
import subprocess
import sys
import textwrap

HEAVY = ("jsonschema", "jsonschema_rs", "requests", "urllib3", "yaml", "referencing")


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_version_imports_none_of_the_heavy_modules() -> None:
    out = run_python(
        f"""
        import contextlib, io, json, sys
        from registry_contract.cli import main
        with contextlib.redirect_stdout(io.StringIO()) as version:
            code = main(["--version"])
        loaded = [m for m in {HEAVY!r} if m in sys.modules]
        print(json.dumps({{"code": code, "version": version.getvalue(), "loaded": loaded}}))
        """
    )
    seen = json.loads(out)
    assert seen["code"] == 0 and seen["version"].startswith("registry-contract ")
    assert seen["loaded"] == []


def test_rfc3987_syntax_parsers_are_built_only_when_an_iri_is_checked() -> None:
    out = run_python(
        """
        import json, sys
        from registry_contract.startup import defer_rfc3987_syntax
        defer_rfc3987_syntax()
        import jsonschema
        before = "rfc3987_syntax.syntax_helpers" in sys.modules
        cls = jsonschema.Draft202012Validator
        iri = cls({"format": "iri"}, format_checker=cls.FORMAT_CHECKER)
        results = [iri.is_valid("https://example.com/\u00e4"), iri.is_valid("no iri")]
        after = "rfc3987_syntax.syntax_helpers" in sys.modules
        print(json.dumps([before, results, after]))
        """
    )
    assert json.loads(out) == [False, [True, False], True]


def test_only_the_subcommands_on_the_command_line_are_imported() -> None:
    out = run_python(
        """
        import json, sys
        from registry_contract.cli import build_parser
        args = build_parser(["--config", "gate", "verify"]).parse_args(
            ["--config", "gate", "verify"]
        )
        commands = sorted(m.rsplit(".", 1)[1] for m in sys.modules
                          if m.startswith("registry_contract.commands.") and "._" not in m)
        print(json.dumps({"command": args.command, "config": args.config, "imported": commands}))
        """
    )
    # "gate" is the config file's name here: imported, but never what parses the command line
    assert json.loads(out) == {
        "command": "verify",
        "config": "gate",
        "imported": ["gate", "verify"],
    }


def test_help_still_lists_every_subcommand() -> None:
    from registry_contract.cli import COMMANDS, _command, build_parser

    for argv in (["--help"], ["lock", "--help"], []):
        parser = build_parser(argv)
        listed = " ".join(parser.format_help().split())
        for name in COMMANDS:
            assert f"{name} {' '.join(_command(name).HELP.split())}" in listed, (argv, name)

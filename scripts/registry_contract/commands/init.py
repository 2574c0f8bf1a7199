"""`registry-contract init`: write the config, the fixture folders and the caller workflow."""

from __future__ import annotations

import argparse

HELP = "set up a repository: registry-contract.yml, fixture folders and the gate workflow"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--api", choices=("core", "confluent", "static"), default="core", help="registry API"
    )
    parser.add_argument("--url", help="registry URL (or folder, for --api static)")
    parser.add_argument(
        "--schema",
        action="append",
        metavar="NAME",
        default=[],
        help="a schema the service uses (repeatable; default: a placeholder to rename)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..adopt.init import EXAMPLE_SCHEMA, InitOptions, plan_files, write_files
    from ..errors import UsageError

    if getattr(args, "config", None):
        raise UsageError(
            "init writes registry-contract.yml in the current folder and takes no --config",
            hint="cd to the folder to set up, then run `registry-contract init`",
        )
    options = InitOptions(
        api=args.api, url=args.url, schemas=tuple(dict.fromkeys(args.schema)), force=args.force
    )
    root = Path.cwd()
    for path in write_files(root, plan_files(options), force=options.force):
        print(f"wrote {path.relative_to(root).as_posix()}")
    steps = [
        "replace each valid/example.yaml with a payload your service really sends",
        "registry-contract lock      # pin the schemas into schemas-lock/",
        "registry-contract gate      # validate the fixtures, check compatibility",
        "registry-contract doctor    # check the registry, the token, the lock and the workflow",
        "commit registry-contract.yml, schemas-lock/, the fixtures and the workflow",
    ]
    if not options.schemas:
        steps.insert(0, f"rename the placeholder schema {EXAMPLE_SCHEMA} in registry-contract.yml")
    if not options.url:
        steps.insert(0, "set registry.url in registry-contract.yml (or export REGISTRY_URL)")
    print("next:")
    for number, step in enumerate(steps, start=1):
        print(f"  {number}. {step}")
    return 0

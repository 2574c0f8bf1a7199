"""`registry-contract doctor`: a checklist of everything the gate needs, with a fix for each gap."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..doctor.checks import DoctorReport

HELP = "check the prerequisites: config, registry, token, schemas, lock, fixtures, workflow"
MARK_BY_STATUS = {"ok": "✅", "warn": "⚠️ ", "fail": "❌", "skip": "⏭️ "}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="stdout format")


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from ..doctor.checks import run_doctor
    from ..text import emit

    report = run_doctor(getattr(args, "config", None), Path.cwd())
    if args.format == "json":
        text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    else:
        text = render_text(report)
    emit(text, as_json=args.format == "json")
    return 0 if report.passed else 1


def render_text(report: DoctorReport) -> str:
    from ..text import one_line

    fails, warns = report.count("fail"), report.count("warn")
    if report.passed:
        head = "everything the gate needs is in place" + (f" ({warns} warning(s))" if warns else "")
    else:
        head = f"{fails} problem(s), {warns} warning(s)"
    lines = [f"registry-contract doctor: {head}"]
    for check in report.checks:
        mark = MARK_BY_STATUS[check.status]
        lines.append(f"{mark} {one_line(check.subject)}: {one_line(check.message)}")
        if check.fix and check.status in ("fail", "warn"):
            lines.append(f"   fix: {one_line(check.fix)}")
    return "\n".join(lines) + "\n"

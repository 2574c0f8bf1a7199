"""The --comment and --comment-key options, apart from _github so that building the parser
imports no report or GitHub module."""

from __future__ import annotations

import argparse

COMMENT_POLICIES = ("auto", "always", "on-failure", "never")
DEFAULT_KEY = "default"


def comment_key(text: str) -> str:
    """argparse type for --comment-key: it becomes part of a hidden HTML comment."""
    from ..report.markdown import comment_marker

    try:
        comment_marker(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from e
    return text


def add_comment_arguments(parser: argparse.ArgumentParser, *, default: str | None) -> None:
    parser.add_argument(
        "--comment",
        choices=COMMENT_POLICIES,
        default=default,
        help="upsert the sticky pull request comment: auto = only when there is something to "
        "say (an existing comment is always kept up to date), always, on-failure, never",
    )
    parser.add_argument(
        "--comment-key",
        metavar="KEY",
        type=comment_key,
        default=DEFAULT_KEY,
        help="keeps the comments of several services in one repository apart "
        f"(default: {DEFAULT_KEY})",
    )

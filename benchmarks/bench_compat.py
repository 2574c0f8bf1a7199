"""Figure 4: the compatibility engine on 200 realistic schema pairs, against jsonsubschema.

Times `check_compatibility(old, new, "FULL")` (both directions, witnesses included) and
jsonsubschema's `isSubschema` both ways on the same pairs, and measures how often the two
agree, and how often each agrees with the hand-written truth of tests/data/compat/.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import random
import signal
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ROOT, SEED, Comparison, Figure, Measurement, parse_args, write_figure

sys.path.insert(0, str(ROOT / "scripts"))
from registry_contract.compat import check_compatibility

PAIRS = 200
TARGET_S = 1.0
ENUM_SIZES = (1_000, 5_000, 20_000, 300_000)
# Near-linear: a value of a 300,000-value enum may cost at most this many times a value of a
# 1,000-value one (set lookups; a quadratic engine would be ~300x).
ENUM_PER_VALUE_RATIO = 5.0
TIMEOUT_S = 5
CORPUS = ROOT / "tests" / "data" / "compat"
Schema = dict[str, Any]


def _string(**kw: Any) -> Schema:
    return {"type": "string", **kw}


def _money() -> Schema:
    return {
        "type": "object",
        "properties": {
            "amount": {"type": "integer", "minimum": 0},
            "currency": _string(pattern="^[A-Z]{3}$"),
        },
        "required": ["amount", "currency"],
        "additionalProperties": False,
    }


def _bases() -> list[Schema]:
    """Event schemas of the size a registry holds: nested objects, arrays, enums, $defs."""
    address = {
        "type": "object",
        "properties": {
            "line1": _string(maxLength=100),
            "zip": _string(maxLength=10),
            "country": _string(minLength=2, maxLength=2),
        },
        "required": ["line1", "country"],
    }
    order = {
        "type": "object",
        "properties": {
            "order_id": _string(format="uuid"),
            "created_at": _string(format="date-time"),
            "status": {"enum": ["new", "paid", "shipped"]},
            "total": {"$ref": "#/$defs/money"},
            "shipping": {"$ref": "#/$defs/address"},
            "lines": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/line"}},
        },
        "required": ["order_id", "created_at", "status", "total", "lines"],
        "$defs": {
            "money": _money(),
            "address": address,
            "line": {
                "type": "object",
                "properties": {
                    "sku": _string(minLength=1),
                    "quantity": {"type": "integer", "minimum": 1},
                    "price": {"$ref": "#/$defs/money"},
                },
                "required": ["sku", "quantity", "price"],
            },
        },
    }
    user = {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": _string(format="email"),
            "name": _string(maxLength=80),
            "tags": {"type": "array", "items": _string(maxLength=20), "uniqueItems": True},
            "profile": {
                "type": ["object", "null"],
                "properties": {
                    "bio": _string(),
                    "age": {"type": "integer", "minimum": 0, "maximum": 150},
                },
            },
        },
        "required": ["id", "email"],
    }
    payment = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "payment_id": _string(),
            "method": {"enum": ["card", "transfer", "wallet"]},
            "amount": {"type": "number", "exclusiveMinimum": 0},
            "card": {
                "type": "object",
                "properties": {"last4": _string(pattern="^[0-9]{4}$"), "brand": _string()},
            },
            "refunds": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"at": _string(format="date-time"), "amount": {"type": "number"}},
                },
            },
        },
        "required": ["payment_id", "method", "amount"],
        "additionalProperties": False,
    }
    click = {
        "type": "object",
        "properties": {
            "session": _string(),
            "page": _string(format="uri-reference"),
            "position": {
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"type": "integer"}],
                "items": False,
            },
            "attributes": {"type": "object", "additionalProperties": _string(maxLength=200)},
        },
        "required": ["session", "page"],
    }
    # Written for 2020-12 (`prefixItems`, `$defs`): say so, as draft-07 is the default dialect.
    for schema in (order, user, click):
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return [order, user, payment, click]


def _objects(node: Any, found: list[Schema]) -> list[Schema]:
    """Every object schema with `properties`, depth first (the places edits happen)."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            found.append(node)
        for value in node.values():
            _objects(value, found)
    elif isinstance(node, list):
        for value in node:
            _objects(value, found)
    return found


def _leaves(schema: Schema, rng: random.Random) -> tuple[Schema, str, Schema]:
    target = rng.choice(_objects(schema, []))
    name = rng.choice(sorted(target["properties"]))
    return target, name, target["properties"][name]


def _edit(rng: random.Random, schema: Schema) -> None:
    """One realistic edit, picked at random: additions, removals, limits, types, refactors."""
    target, name, prop = _leaves(schema, rng)
    kind = rng.randrange(12)
    if kind == 0:
        target["properties"][f"field_{rng.randrange(99)}"] = rng.choice(
            [_string(), {"type": "integer"}, {}]
        )
    elif kind == 1:
        target.setdefault("required", []).append(name) if name not in target.get(
            "required", []
        ) else None
    elif kind == 2 and target.get("required"):
        target["required"].pop(rng.randrange(len(target["required"])))
    elif kind == 3 and "enum" in prop:
        prop["enum"] = [*prop["enum"], "other"] if rng.random() < 0.5 else prop["enum"][:-1]
    elif kind == 4 and prop.get("type") == "string":
        prop["maxLength"] = rng.choice([5, 50, 500])
    elif kind == 5 and prop.get("type") in ("integer", "number"):
        prop["minimum"] = rng.choice([-1, 0, 1])
    elif kind == 6 and prop.get("type") == "integer":
        prop["type"] = "number"
    elif kind == 7 and isinstance(prop.get("type"), str):
        prop["type"] = [prop["type"], "null"]
    elif kind == 8:
        target["additionalProperties"] = not target.get("additionalProperties", True)
    elif kind == 9:
        target["properties"].pop(name)
    elif kind == 10:
        target["properties"][name] = {"allOf": [prop], "description": "refactored"}
    else:
        target["properties"] = dict(reversed(list(target["properties"].items())))


def realistic_pairs(count: int) -> list[tuple[Schema, Schema]]:
    rng = random.Random(SEED)
    bases = _bases()
    pairs = []
    for i in range(count):
        old = copy.deepcopy(bases[i % len(bases)])
        new = copy.deepcopy(old)
        for _ in range(rng.choice([0, 1, 1, 2, 3])):
            _edit(rng, new)
        pairs.append((old, new))
    return pairs


def enum_pair(size: int) -> tuple[Schema, Schema]:
    """A `size`-value string enum with its first value removed and one added."""
    old = {"type": "string", "enum": [f"value-{i}" for i in range(size)]}
    new = {"type": "string", "enum": [f"value-{i}" for i in range(1, size + 1)]}
    return old, new


def corpus_cases() -> list[dict[str, Any]]:
    return [
        case
        for path in sorted(CORPUS.glob("*.json"))
        for case in json.loads(path.read_text("utf-8"))
    ]


def ours(old: Any, new: Any) -> tuple[bool | None, bool | None]:
    """Our BACKWARD and FORWARD verdicts; None where the engine declared itself undecided."""
    result = check_compatibility(old, new, "FULL")
    verdicts: list[bool | None] = []
    for direction in ("narrows", "widens"):
        breaking = [c for c in result.changes if c.direction == direction and c.breaking]
        if any(not c.rule.startswith("undecidable-") for c in breaking):
            verdicts.append(False)
        else:
            verdicts.append(None if breaking else True)
    return verdicts[0], verdicts[1]


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def theirs(old: Any, new: Any, timeout: int = TIMEOUT_S) -> tuple[str | bool, str | bool]:
    """jsonsubschema's verdicts both ways: True, False, "error" or "timeout"."""
    from jsonsubschema.api import isSubschema

    verdicts: list[str | bool] = []
    for sub, sup in ((old, new), (new, old)):
        signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(timeout)
        try:
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                verdicts.append(bool(isSubschema(copy.deepcopy(sub), copy.deepcopy(sup))))
        except _Timeout:
            verdicts.append("timeout")
        except Exception:  # jsonsubschema rejects what it does not support
            verdicts.append("error")
        finally:
            signal.alarm(0)
    return verdicts[0], verdicts[1]


def _timed(runs: int, work: Callable[[], None]) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times


def _tally(rows: list[tuple[Any, Any]]) -> dict[str, int]:
    tally = {"agree": 0, "disagree": 0, "ours_undecided": 0, "theirs_error": 0, "theirs_timeout": 0}
    for mine, other in rows:
        if other in ("error", "timeout"):
            tally[f"theirs_{other}"] += 1
        elif mine is None:
            tally["ours_undecided"] += 1
        else:
            tally["agree" if mine == other else "disagree"] += 1
    return tally


def _truth_tally(rows: list[tuple[Any, bool]]) -> dict[str, int]:
    tally = {"right": 0, "wrong": 0, "undecided_or_error": 0}
    for verdict, truth in rows:
        if verdict is None or verdict in ("error", "timeout"):
            tally["undecided_or_error"] += 1
        else:
            tally["right" if verdict == truth else "wrong"] += 1
    return tally


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    runs = 1 if args.quick else 7
    pairs = realistic_pairs(PAIRS)
    check_compatibility({"format": "uri"}, {"format": "date"})  # warm: imports, format checkers
    mine = _timed(runs, lambda: [check_compatibility(o, n, "FULL") for o, n in pairs])
    other_pairs = pairs[:40] if args.quick else pairs
    other = _timed(1 if args.quick else 3, lambda: [theirs(o, n) for o, n in other_pairs])
    ours_rows = [ours(o, n) for o, n in pairs]
    theirs_rows = [theirs(o, n) for o, n in other_pairs]
    pair_rows = [(m[d], t[d]) for m, t in zip(ours_rows, theirs_rows, strict=False) for d in (0, 1)]
    cases = corpus_cases()[:: 4 if args.quick else 1]
    truth_ours, truth_theirs, corpus_rows = [], [], []
    for case in cases:
        truth = case.get("truth", {"backward": case["backward"], "forward": case["forward"]})
        if case.get("options") or "undecidable-remote-ref" in case["rules"]:
            continue  # option-dependent verdicts, or no truth without the remote schema
        m, t = ours(case["old"], case["new"]), theirs(case["old"], case["new"])
        for d, key in ((0, "backward"), (1, "forward")):
            truth_ours.append((m[d], truth[key]))
            truth_theirs.append((t[d], truth[key]))
            corpus_rows.append((m[d], t[d]))
    figure = Figure(
        4,
        f"compatibility of {PAIRS} realistic schema pairs, against jsonsubschema",
        args.quick,
        f"{PAIRS} seeded edits (add/remove/require properties, enums, limits, types, nullable, "
        "open/close, allOf refactors) of 4 event schemas (drafts 7 and 2020-12, $defs, arrays); "
        "ours runs FULL (both directions, witnesses checked); jsonsubschema runs isSubschema both "
        f"ways on {len(other_pairs)} of them, {TIMEOUT_S} s limit per call",
    )
    figure.measurements += [
        Measurement(f"ours, {PAIRS} pairs, both directions", mine, items=PAIRS),
        Measurement(
            f"jsonsubschema, {len(other_pairs)} pairs, both directions",
            other,
            items=len(other_pairs),
        ),
    ]
    median = statistics.median(mine)
    figure.comparisons.append(
        Comparison(
            f"ours on {PAIRS} pairs (median)",
            median,
            f"< {TARGET_S:.1f} s",
            median < TARGET_S,
            unit="s",
        )
    )
    _large_enums(figure, runs=1 if args.quick else 3, quick=args.quick)
    agreement = {
        "realistic_pairs": _tally(pair_rows),
        "corpus_pairs": _tally(corpus_rows),
        "corpus_truth_ours": _truth_tally(truth_ours),
        "corpus_truth_jsonsubschema": _truth_tally(truth_theirs),
    }
    figure.notes.append("Agreement (directions counted separately): " + json.dumps(agreement))
    data = write_figure(figure, args.results, "compat")
    data["agreement"] = agreement
    (args.results / "compat.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(_agreement_markdown(agreement))
    return 0


def _large_enums(figure: Figure, runs: int, quick: bool) -> None:
    """Enums of growing size compared FULL: the cost per value must stay near constant."""
    sizes = ENUM_SIZES[:3] if quick else ENUM_SIZES
    per_value = {}
    for size in sizes:
        old, new = enum_pair(size)
        times = _timed(runs, lambda old=old, new=new: check_compatibility(old, new, "FULL"))
        figure.measurements.append(
            Measurement(f"ours, {size:,}-value enum, FULL", times, items=size)
        )
        per_value[size] = statistics.median(times) / size
    largest = max(per_value)
    ratio = per_value[largest] / per_value[sizes[0]]
    figure.comparisons.append(
        Comparison(
            f"cost per enum value, {largest:,} vs {sizes[0]:,} values",
            ratio,
            f"< {ENUM_PER_VALUE_RATIO:.0f}x",
            ratio < ENUM_PER_VALUE_RATIO,
        )
    )


def _agreement_markdown(agreement: dict[str, dict[str, int]]) -> str:
    lines = ["| set | counts |", "|---|---|"]
    for name, tally in agreement.items():
        lines.append(f"| {name} | " + ", ".join(f"{k} {v}" for k, v in tally.items()) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

"""A payload's JSON text as it comes off the bus, parsed exactly as `json` would."""

from __future__ import annotations

import json
from typing import Any

import orjson

from .logs import one_line
from .model import PayloadParseError


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# One decoder, built once: json.loads with keyword arguments builds a new one per call.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)
# Digits to "0", anything else to "x": a run of 19 zeros is an integer orjson would round.
_DIGITS_TO_ZERO = bytes(48 if 48 <= b <= 57 else 120 for b in range(256))
_LONG_RUN = b"0" * 19


def parse_payload(data: bytes | str) -> Any:
    """A payload's JSON text, parsed; PayloadParseError names the reason in one line.

    orjson parses about three times faster than json, and exactly as json does except that it
    rounds integers of 19 digits or more to floats (those go to json) and refuses what json
    takes (a lone surrogate: json then parses it). NaN and Infinity are refused by both.
    """
    if isinstance(data, bytes) and _LONG_RUN not in data.translate(_DIGITS_TO_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # json parses what orjson refuses, or says why not
    try:
        text = data.decode() if isinstance(data, bytes | bytearray) else data
        return _DECODER.decode(text)
    except json.JSONDecodeError as e:
        raise PayloadParseError(
            f"payload is not JSON: {e.msg} at line {e.lineno} column {e.colno}"
        ) from None
    except UnicodeDecodeError as e:
        raise PayloadParseError(f"payload is not UTF-8 (byte {e.start})") from None
    except (ValueError, RecursionError) as e:
        raise PayloadParseError(f"payload is not JSON: {one_line(e, 100)}") from None

"""Command line: `python -m cityloom.engines.matching suggest|assign INPUT.json [--out OUT.json]`.

The JSON format is documented in `jsonio`. Malformed input exits with status 2 and one line
per problem on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .assignment import assign
from .errors import InputError, MatchingError
from .jsonio import assignment_to_json, parse_input, suggestions_to_json
from .pool import build_pool
from .suggestion import suggest

EXIT_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cityloom.engines.matching",
        description="Suggest mentor cities for requests, or assign them all at once.",
    )
    parser.add_argument("command", choices=("suggest", "assign"))
    parser.add_argument(
        "input", type=Path, help="JSON input (see cityloom.engines.matching.jsonio)"
    )
    parser.add_argument("--out", type=Path, help="write the JSON result here (default: stdout)")
    args = parser.parse_args(argv)
    try:
        data = _read(args.input)
        parsed = parse_input(data)
        pool = build_pool(parsed.candidates)
        if args.command == "suggest":
            result = suggestions_to_json(
                [
                    suggest(
                        request,
                        pool,
                        parsed.weights,
                        limit=parsed.limit,
                        min_suitability=parsed.min_suitability,
                    )
                    for request in parsed.requests
                ]
            )
        else:
            result = assignment_to_json(
                assign(
                    parsed.requests,
                    pool,
                    parsed.weights,
                    min_suitability=parsed.min_suitability,
                )
            )
    except InputError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    except MatchingError as error:
        print(error, file=sys.stderr)
        return EXIT_INPUT
    text = json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _read(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError([f"{path}: cannot read ({error.strerror})"]) from error
    except UnicodeDecodeError as error:
        raise InputError([f"{path}: not UTF-8 text"]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            [f"{path}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"]
        ) from error
